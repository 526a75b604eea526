#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "bangtin/renderer.hpp"

using namespace bangtin;
using namespace std::chrono_literals;

namespace {

const PanelGeometry kStreetBoard{128, 32, PixelFormat::mono};

const TextRenderer& street_renderer() {
  static const TextRenderer renderer(kStreetBoard, find_vietnamese_font());
  return renderer;
}

std::chrono::nanoseconds seconds(double s) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(s * 1e9));
}

// Rows holding at least one lit pixel: {first, one past last}.
std::pair<int, int> lit_rows(const Frame& frame) {
  int first = frame.height;
  int last = 0;
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x)
      if (frame.pixel(x, y) != Rgb{}) {
        first = std::min(first, y);
        last = y + 1;
      }
  return {first, last};
}

}  // namespace

TEST(FontLocator, FindsAFaceCoveringVietnamese) {
  const auto font = find_vietnamese_font();
  EXPECT_TRUE(std::filesystem::exists(font)) << font;
}

TEST(TextRenderer, MissingFontIsAnErrorNamingTheFile) {
  try {
    TextRenderer renderer(kStreetBoard, "/nonexistent/font.ttf");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/font.ttf"), std::string::npos)
        << error.what();
  }
}

TEST(TextRenderer, DecomposedAndPrecomposedTextGiveIdenticalFrames) {
  const std::string nfc = "Cải cách hành chính: Ễ Ặ Ậ ỗ";
  const std::string nfd =
      "Ca\xCC\x89i ca\xCC\x81"
      "ch ha\xCC\x80nh chi\xCC\x81nh: E\xCC\x82\xCC\x83 "
      "A\xCC\x86\xCC\xA3 A\xCC\xA3\xCC\x82 o\xCC\x82\xCC\x83";
  const PreparedItem a = street_renderer().scroll(nfc, 32, 1);
  const PreparedItem b = street_renderer().scroll(nfd, 32, 1);
  ASSERT_EQ(a.duration(), b.duration());
  for (double t : {1.0, 2.5, 4.0, 6.0}) EXPECT_EQ(a.frame_at(seconds(t)), b.frame_at(seconds(t)));
}

TEST(TextRenderer, ScrollMovesOneWholePixelLeftPerStep) {
  const PreparedItem item = street_renderer().scroll("Một cửa, một cửa liên thông", 40, 1);
  const Frame before = item.frame_at(seconds(2.0));
  const Frame after = item.frame_at(seconds(2.0 + 1.0 / 40));
  const Frame same_step = item.frame_at(seconds(2.0 + 0.5 / 40));
  ASSERT_GT(before.lit_count(), 50);
  EXPECT_EQ(before, same_step);  // no half-pixel steps: nothing moves within a step
  for (int y = 0; y < before.height; ++y)
    for (int x = 0; x + 1 < before.width; ++x)
      ASSERT_EQ(after.lit(x, y), before.lit(x + 1, y)) << "at " << x << "," << y;
}

TEST(TextRenderer, ScrollEntersFromTheRightAndLeavesAtTheLeftEachPass) {
  const PreparedItem one = street_renderer().scroll("Dịch vụ công trực tuyến", 50, 1);
  const PreparedItem two = street_renderer().scroll("Dịch vụ công trực tuyến", 50, 2);
  EXPECT_GT(one.duration(), seconds(128.0 / 50));
  EXPECT_NEAR(std::chrono::duration<double>(two.duration()).count(),
              2 * std::chrono::duration<double>(one.duration()).count(), 1e-6);

  EXPECT_EQ(one.frame_at(0ns).lit_count(), 0);        // just off the right edge
  const Frame entering = one.frame_at(seconds(0.5));  // 25 px in: only the right part is lit
  EXPECT_GT(entering.lit_count(), 0);
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 128 - 25; ++x) ASSERT_FALSE(entering.lit(x, y)) << x << "," << y;
  EXPECT_EQ(one.frame_at(one.duration() - seconds(0.001)).lit_count(), 0);  // gone at the left
  EXPECT_GT(one.frame_at(one.duration() / 2).lit_count(), 50);
  EXPECT_EQ(two.frame_at(one.duration() / 2), one.frame_at(one.duration() / 2));
}

TEST(TextRenderer, StackedMarksAndDescendersFitTheBoardAndFillIt) {
  for (int height : {16, 32}) {
    const TextRenderer renderer({128, height, PixelFormat::mono}, find_vietnamese_font());
    const Frame frame = renderer.still("ỄẶ gỵ").frame_at(0ns);
    const auto [top, bottom] = lit_rows(frame);
    ASSERT_LT(top, bottom) << "nothing drawn at height " << height;
    // The size comes from the tallest marks and lowest descenders, so the ink spans most of the
    // board; it is centred, so neither edge row is where clipping would leave it.
    EXPECT_GE(bottom - top, height * 3 / 4) << "height " << height;
    EXPECT_LE(top, height - bottom + 1);
    EXPECT_LE(height - bottom, top + 1);
  }
}

TEST(TextRenderer, ColourPanelsGetTheItemColour) {
  const TextRenderer renderer({64, 16, PixelFormat::rgb565}, find_vietnamese_font());
  const Frame frame = renderer.still("UBND", Rgb{255, 0, 0}).frame_at(0ns);
  int red = 0;
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 64; ++x) {
      const Rgb c = frame.pixel(x, y);
      EXPECT_EQ(c.g, 0);
      EXPECT_EQ(c.b, 0);
      red += c.r > 200;
    }
  EXPECT_GT(red, 20);
}

TEST(TextRenderer, StillTextIsShrunkToTheBoardWidth) {
  const Frame frame = street_renderer().still("Thứ Năm, 26/11/2026 09:41").frame_at(0ns);
  int first_column = 128;
  int last_column = 0;
  for (int x = 0; x < 128; ++x)
    for (int y = 0; y < 32; ++y)
      if (frame.lit(x, y)) {
        first_column = std::min(first_column, x);
        last_column = x;
      }
  EXPECT_GT(first_column, 0);
  EXPECT_LT(last_column, 127);
}

TEST(TextRenderer, PlaysLongerThanADayAreRefusedNotOverflowed) {
  const TextRenderer renderer({128, 32, PixelFormat::mono}, find_vietnamese_font());
  const auto expect_refused = [&](TextStyle style) {
    try {
      renderer.prepare("Dịch vụ công trực tuyến", style);
      ADD_FAILURE() << "prepared a play longer than a day";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("at most 24 hours"), std::string::npos) << e.what();
    }
  };
  for (const TextEffect effect : {TextEffect::scroll, TextEffect::page, TextEffect::blink}) {
    TextStyle style{effect};
    style.passes = std::numeric_limits<int>::max();
    expect_refused(style);
  }
  // Just under a day is a long play, not an error, and lasts what it says.
  TextStyle scroll{TextEffect::scroll};
  scroll.speed = 1;
  scroll.passes = 1;
  const PreparedItem one_pass = renderer.prepare("Dịch vụ công trực tuyến", scroll);
  const auto pass = one_pass.duration();
  scroll.passes = static_cast<int>(24h / pass);
  const PreparedItem day = renderer.prepare("Dịch vụ công trực tuyến", scroll);
  EXPECT_GT(day.duration(), 23h);
  EXPECT_LE(day.duration(), 24h);
  scroll.passes += 1;
  expect_refused(scroll);
}
