// Colour per item, the gamma table and brightness, all applied once when the strip is converted.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <set>

#include "bangtin/renderer.hpp"

using namespace bangtin;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path kSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// Each distinct (coverage-scaled) red level in the frame, for a red item.
std::set<int> red_levels(const Frame& frame) {
  std::set<int> levels;
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x) {
      const Rgb c = frame.pixel(x, y);
      EXPECT_EQ(c.g, 0);
      EXPECT_EQ(c.b, 0);
      levels.insert(c.r);
    }
  return levels;
}

}  // namespace

TEST(Light, BrightnessScalesEveryChannelAtConversion) {
  for (int brightness : {100, 50, 10}) {
    RenderOptions options;
    options.light.brightness = brightness;
    const TextRenderer screen({200, 40, PixelFormat::rgb888}, kSans, options);
    const Frame frame = screen.still("Một cửa", Rgb{255, 0, 0}).frame_at(0ns);
    EXPECT_EQ(*red_levels(frame).rbegin(), std::lround(255 * brightness / 100.0)) << brightness;
  }
}

TEST(Light, GammaDarkensTheAntialiasedEdgesNotTheFullPixels) {
  RenderOptions linear;
  RenderOptions led;
  led.light.gamma = 2.2;
  const Frame a = TextRenderer({200, 40, PixelFormat::rgb888}, kSans, linear)
                      .still("Một cửa", Rgb{255, 0, 0})
                      .frame_at(0ns);
  const Frame b = TextRenderer({200, 40, PixelFormat::rgb888}, kSans, led)
                      .still("Một cửa", Rgb{255, 0, 0})
                      .frame_at(0ns);
  int edges = 0;
  for (int y = 0; y < a.height; ++y)
    for (int x = 0; x < a.width; ++x) {
      const int in = a.pixel(x, y).r;
      const int out = b.pixel(x, y).r;
      EXPECT_EQ(out, std::lround(255 * std::pow(in / 255.0, 2.2))) << in;
      edges += in > 0 && in < 255;
    }
  EXPECT_GT(edges, 20);
}

TEST(Light, ItemsCanBeDimmedWithoutRenderingAgain) {
  const TextRenderer board({96, 32, PixelFormat::rgb565}, kSans);
  PreparedItem item = board.scroll("Giờ làm việc", 40, 1, Rgb{255, 255, 255});
  const Frame day = item.frame_at(2s);
  item.set_light(Light{1.0, 25});
  const Frame night = item.frame_at(2s);
  EXPECT_NE(day, night);
  int brightest = 0;
  for (int y = 0; y < night.height; ++y)
    for (int x = 0; x < night.width; ++x) {
      brightest = std::max(brightest, int{night.pixel(x, y).g});
      if (night.pixel(x, y) != Rgb{}) {
        EXPECT_NE(day.pixel(x, y), Rgb{});
      }
    }
  EXPECT_NEAR(brightest, 64, 2);  // 25 % of full, within rgb565's steps
  item.set_light(Light{});
  EXPECT_EQ(item.frame_at(2s), day);
}

TEST(Light, MonoBoardsAreLitOrDarkWhateverTheBrightness) {
  const TextRenderer board({128, 32, PixelFormat::mono}, kSans);
  PreparedItem item = board.still("Một cửa");
  const Frame full = item.frame_at(0ns);
  item.set_light(Light{2.2, 10});
  EXPECT_EQ(item.frame_at(0ns), full);
  item.set_light(Light{1.0, 0});
  EXPECT_EQ(item.frame_at(0ns).lit_count(), 0);
}
