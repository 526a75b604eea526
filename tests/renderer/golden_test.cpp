// Pixel-exact frames for a handful of texts and sizes, with the pinned Debian font
// (fonts-dejavu-core 2.37: DejaVu Sans) rather than whatever fontconfig prefers on the machine.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <chrono>

#include "bangtin/renderer.hpp"
#include "golden.hpp"

using namespace bangtin;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path kPinnedFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

Frame still_frame(PanelGeometry panel, const std::string& text, Rgb colour = {255, 255, 255}) {
  return TextRenderer(panel, kPinnedFont).still(text, colour).frame_at(0ns);
}

}  // namespace

TEST(Golden, PinnedFontIsInstalled) {
  ASSERT_TRUE(std::filesystem::exists(kPinnedFont)) << "install fonts-dejavu-core";
}

TEST(Golden, MonoStreetBoardTitle) {
  golden::expect_matches(still_frame({128, 32, PixelFormat::mono}, "CẢI CÁCH HÀNH CHÍNH"),
                         "mono128x32_title");
}

TEST(Golden, Mono16RowStackedMarks) {
  golden::expect_matches(still_frame({128, 16, PixelFormat::mono}, "ỄẶẬỖ Ẵ gỵ Ẳ"),
                         "mono128x16_stacked_marks");
}

// The LED glyphs (`glyphs: led`, the default on these boards): generated at build time from
// Terminus (xfonts-terminus 4.48), so a change to the generator's marks shows here.
Frame led_frame(PanelGeometry panel, const std::string& text) {
  return TextRenderer(panel, *led_font(panel.height), RenderOptions{Light{}, GlyphStyle::led})
      .still(text)
      .frame_at(0ns);
}

TEST(Golden, Mono16RowLedGlyphs) {
  golden::expect_matches(led_frame({128, 16, PixelFormat::mono}, "ỄẶẬỖ Ẵ gỵ Ẳ"),
                         "mono128x16_led_stacked_marks");
}

TEST(Golden, Mono32RowLedGlyphs) {
  golden::expect_matches(led_frame({128, 32, PixelFormat::mono}, "hồ sơ hổ hố"),
                         "mono128x32_led_tones");
}

TEST(Golden, MonoScrollMidway) {
  const PreparedItem item = TextRenderer({128, 32, PixelFormat::mono}, kPinnedFont)
                                .scroll("Dịch vụ công trực tuyến", 50, 1);
  golden::expect_matches(item.frame_at(1500ms), "mono128x32_scroll_1500ms");
}

TEST(Golden, Rgb565AmberTwoLines) {
  golden::expect_matches(
      still_frame({96, 32, PixelFormat::rgb565}, "Một cửa liên thông", Rgb{255, 176, 0}),
      "rgb565_96x32_two_lines");
}

TEST(Golden, Rgb888SmoothText) {
  golden::expect_matches(
      still_frame({320, 48, PixelFormat::rgb888}, "Giờ làm việc: 7:30–11:30", Rgb{255, 255, 255}),
      "rgb888_320x48_office_hours");
}

TEST(Golden, AFrameOfAnotherSizeFails) {
  if (const char* update = std::getenv("BANGTIN_UPDATE_GOLDEN"); update && *update == '1') {
    GTEST_SKIP() << "would rewrite a golden with the wrong frame";
  }
  // An empty frame has no pixel to differ, yet is not the golden.
  EXPECT_NONFATAL_FAILURE(golden::expect_matches(Frame{}, "mono128x32_title"),
                          "sizes differ: 0x0, golden 128x32");
  EXPECT_NONFATAL_FAILURE(
      golden::expect_matches(still_frame({128, 16, PixelFormat::mono}, "CẢI CÁCH HÀNH CHÍNH"),
                             "mono128x32_title"),
      "sizes differ: 128x16, golden 128x32");
}
