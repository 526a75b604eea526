// Effects are pure functions of the time since the item started: the same instant gives the same
// frame at 25, 30 or 60 frames a second, and everything moves in whole pixels.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "bangtin/renderer.hpp"

using namespace bangtin;
using namespace std::chrono_literals;
using std::chrono::nanoseconds;

namespace {

const std::filesystem::path kSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const std::string kLong =
    "Bộ phận Một cửa UBND xã tiếp nhận và trả kết quả hồ sơ cho người dân, doanh nghiệp";

// Lit columns and rows: {first column, one past last column, first row, one past last row}.
std::array<int, 4> ink_box(const Frame& frame) {
  std::array<int, 4> box{frame.width, 0, frame.height, 0};
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x)
      if (frame.pixel(x, y) != Rgb{}) {
        box[0] = std::min(box[0], x);
        box[1] = std::max(box[1], x + 1);
        box[2] = std::min(box[2], y);
        box[3] = std::max(box[3], y + 1);
      }
  return box;
}

int brightest_channel(const Frame& frame) {
  int brightest = 0;
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x) {
      const Rgb c = frame.pixel(x, y);
      brightest = std::max({brightest, int{c.r}, int{c.g}, int{c.b}});
    }
  return brightest;
}

}  // namespace

TEST(Effects, ScrollOffsetAtAnInstantIsTheSameAt25And30And60Fps) {
  const TextRenderer board({128, 32, PixelFormat::mono}, kSans);
  for (double speed : {25.0, 32.0, 50.0, 60.0}) {
    const PreparedItem item = board.scroll(kLong, speed, 1);
    // Instants every 200 ms are frames of all three rates. A daemon's timer gives them as
    // n * (1 s / fps), computed exactly, truncated per frame or accumulated from a truncated
    // period; all must agree.
    for (int k = 0; k < 60; ++k) {
      const Frame reference = item.frame_at(k * 200ms);
      for (int fps : {25, 30, 60}) {
        const std::int64_t n = k * fps / 5;
        const nanoseconds exact(n * 1'000'000'000 / fps);
        const nanoseconds accumulated(n * (1'000'000'000 / fps));
        ASSERT_EQ(item.frame_at(exact), reference) << "speed " << speed << " fps " << fps;
        ASSERT_EQ(item.frame_at(accumulated), reference) << "speed " << speed << " fps " << fps;
      }
    }
  }
}

TEST(Effects, ScrollAdvancesExactlyTheWholePixelsTheSpeedGives) {
  const TextRenderer board({128, 32, PixelFormat::mono}, kSans);
  const PreparedItem item = board.scroll(kLong, 50, 1);
  const int start = ink_box(item.frame_at(4s))[0];
  for (int frame = 1; frame <= 10; ++frame) {  // 25 fps at 50 px/s: two pixels a frame
    const Frame later = item.frame_at(4s + frame * 40ms);
    if (ink_box(later)[0] == 0) break;  // text reached the edge
    EXPECT_EQ(ink_box(later)[0], start - 2 * frame);
  }
  EXPECT_EQ(even_scroll_speed(32, 25), 25);
  EXPECT_EQ(even_scroll_speed(40, 25), 50);
  EXPECT_EQ(even_scroll_speed(10, 25), 25);  // at least a pixel a frame
  EXPECT_EQ(even_scroll_speed(120, 60), 120);
}

TEST(Effects, StaticTextIsWrappedOverLinesAndCentred) {
  const TextRenderer board({128, 32, PixelFormat::mono}, kSans);
  const PreparedItem item = board.still("Bộ phận Một cửa UBND xã");
  const Frame frame = item.frame_at(0ns);
  const auto [left, right, top, bottom] = ink_box(frame);
  EXPECT_LE(std::abs(left - (128 - right)), 2);
  EXPECT_LE(std::abs(top - (32 - bottom)), 2);
  EXPECT_GT(bottom - top, 24);  // two lines fill the board
  EXPECT_GT(item.font_size(), 9);
  EXPECT_EQ(item.duration(), TextStyle{}.hold);
  EXPECT_EQ(item.frame_at(3s), frame);
}

TEST(Effects, PageShowsAScreenAtATimeAndScrollsUpBetweenPages) {
  const TextRenderer board({128, 16, PixelFormat::mono}, kSans);
  TextStyle style{TextEffect::page};
  style.hold = 2000ms;
  style.speed = 16;  // the 16 rows scroll away in one second
  const PreparedItem item = board.prepare(kLong, style);
  const auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(item.duration());
  // pages * 2 s standing + (pages - 1) * 1 s scrolling.
  ASSERT_EQ((duration.count() + 1000) % 3000, 0) << duration.count();
  const int pages = static_cast<int>((duration.count() + 1000) / 3000);
  EXPECT_GE(pages, 3);

  const Frame first = item.frame_at(500ms);
  EXPECT_EQ(item.frame_at(1900ms), first);  // standing still
  EXPECT_GT(first.lit_count(), 20);
  const Frame second = item.frame_at(3500ms);
  EXPECT_NE(second, first);
  // 250 ms into the scroll up: 4 rows up, page one's lower rows on top.
  const Frame moving = item.frame_at(2250ms);
  for (int y = 0; y + 4 < 16; ++y)
    for (int x = 0; x < 128; ++x) ASSERT_EQ(moving.lit(x, y), first.lit(x, y + 4)) << x << "," << y;
  for (int y = 12; y < 16; ++y)
    for (int x = 0; x < 128; ++x)
      ASSERT_EQ(moving.lit(x, y), second.lit(x, y - 12)) << x << "," << y;
  // The same instants agree at any frame rate.
  EXPECT_EQ(item.frame_at(nanoseconds(135 * 1'000'000'000LL / 60)), item.frame_at(2250ms));
}

TEST(Effects, BlinkIsOnForTheFirstHalfOfEachPeriod) {
  const TextRenderer board({128, 32, PixelFormat::rgb565}, kSans);
  TextStyle style{TextEffect::blink};
  style.period = 800ms;
  style.passes = 3;
  const PreparedItem item = board.prepare("KHẨN", style);
  EXPECT_EQ(item.duration(), 2400ms);
  const Frame on = board.still("KHẨN").frame_at(0ns);
  EXPECT_EQ(item.frame_at(100ms), on);
  EXPECT_EQ(item.frame_at(900ms), on);
  EXPECT_EQ(item.frame_at(1300ms).lit_count(), 0);
  EXPECT_EQ(item.frame_at(500ms).lit_count(), 0);
  EXPECT_EQ(item.frame_at(2300ms).lit_count(), 0);
}

TEST(Effects, FadeRampsBrightnessInAndOutOnColourScreens) {
  const TextRenderer screen({320, 64, PixelFormat::rgb888}, kSans);
  TextStyle style{TextEffect::fade};
  style.fade = 1000ms;
  style.hold = 2000ms;
  const PreparedItem item = screen.prepare("Dịch vụ công", style);
  EXPECT_EQ(item.duration(), 4000ms);
  EXPECT_EQ(brightest_channel(item.frame_at(0ns)), 0);
  EXPECT_NEAR(brightest_channel(item.frame_at(500ms)), 128, 2);
  EXPECT_EQ(item.frame_at(2000ms), screen.still("Dịch vụ công").frame_at(0ns));
  EXPECT_NEAR(brightest_channel(item.frame_at(3750ms)), 64, 2);
  // A 1-bit board cannot dim a pixel: the text is simply there.
  const TextRenderer board({128, 32, PixelFormat::mono}, kSans);
  EXPECT_EQ(board.prepare("Dịch vụ công", style).frame_at(200ms),
            board.still("Dịch vụ công").frame_at(0ns));
}
