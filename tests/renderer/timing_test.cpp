// How long an item plays is the renderer's to decide, from the effect's pace and the item's wish:
// a number of passes, or a duration instead. The strip is set once whatever the timing.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>

#include "bangtin/renderer.hpp"

using namespace bangtin;
using namespace std::chrono_literals;
using std::chrono::nanoseconds;

namespace {

const std::filesystem::path kSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const std::string kStreetText = "Nộp hồ sơ trực tuyến";

// The strip a scroll's frames are cut from.
const Frame& strip_of(const PreparedItem& item) { return *item.scroll_strip(0ns)->strip; }

// A mono board and a speed at which one pass of kStreetText takes exactly three seconds: the
// board is widened until strip and board together are a multiple of three pixels.
struct ThreeSecondPass {
  TextRenderer board;
  TextStyle style;
};

ThreeSecondPass three_second_pass() {
  const int strip_width =
      strip_of(TextRenderer({128, 16, PixelFormat::mono}, kSans).scroll(kStreetText, 32, 1)).width;
  const int width = 128 + (3 - (strip_width + 128) % 3) % 3;
  ThreeSecondPass setup{TextRenderer({width, 16, PixelFormat::mono}, kSans), TextStyle{}};
  setup.style.speed = (strip_width + width) / 3.0;
  return setup;
}

}  // namespace

TEST(Timing, AScrollGivenADurationPlaysThePassesThatFillItAndStopsAtIt) {
  auto [board, style] = three_second_pass();
  const PreparedItem one_pass = board.prepare(kStreetText, style);
  ASSERT_EQ(one_pass.duration(), 3s);
  ASSERT_EQ(one_pass.pass_duration(), 3s);

  style.duration = 10s;
  const PreparedItem item = board.prepare(kStreetText, style);
  EXPECT_EQ(item.duration(), 10s);  // the play: the duration itself
  EXPECT_EQ(item.pass_duration(), 3s);
  // Four passes, rounded up from 3 1/3: the last ends at 12 s, two seconds after the play.
  EXPECT_EQ(item.scroll_strip(0ns)->remaining, 12s);
  EXPECT_EQ(item.scroll_strip(9500ms)->remaining, 2500ms);
  // The fourth pass is the first again.
  EXPECT_EQ(item.frame_at(9500ms), one_pass.frame_at(500ms));
  EXPECT_GT(item.frame_at(9500ms).lit_count(), 0);
}

TEST(Timing, ADurationRoundsUpToWholePassesAndPlaysAtLeastOne) {
  auto [board, style] = three_second_pass();
  for (const auto& [duration, passes] :
       {std::pair{9000ms, 3}, std::pair{9001ms, 4}, std::pair{1ms, 1}, std::pair{0ms, 1}}) {
    style.duration = duration;
    const PreparedItem item = board.prepare(kStreetText, style);
    EXPECT_EQ(item.duration(), duration);
    EXPECT_EQ(item.scroll_strip(0ns)->remaining, passes * 3s) << duration.count() << " ms";
  }
}

TEST(Timing, PassesWithoutADurationPlayTheirWholeLength) {
  auto [board, style] = three_second_pass();
  style.passes = 4;
  const PreparedItem item = board.prepare(kStreetText, style);
  EXPECT_EQ(item.duration(), 12s);
  EXPECT_EQ(item.pass_duration(), 3s);
  EXPECT_EQ(item.scroll_strip(0ns)->remaining, 12s);
}

TEST(Timing, BlinkAndPageGivenADurationFlashOrTurnInWholePasses) {
  const TextRenderer board({128, 16, PixelFormat::mono}, kSans);
  TextStyle blink{TextEffect::blink};
  blink.period = 800ms;
  blink.duration = 2s;
  const PreparedItem flashing = board.prepare("KHẨN", blink);
  EXPECT_EQ(flashing.duration(), 2s);
  EXPECT_EQ(flashing.pass_duration(), 800ms);
  EXPECT_EQ(flashing.frame_at(1700ms), flashing.frame_at(100ms));  // a third flash began

  TextStyle page{TextEffect::page};
  page.hold = 2000ms;
  page.speed = 16;  // one second to scroll up a page
  const PreparedItem round = board.prepare(kStreetText + ", " + kStreetText, page);
  ASSERT_GT(round.pass_duration(), 0ns);
  EXPECT_EQ(round.pass_duration(), round.duration());
  page.duration = std::chrono::duration_cast<std::chrono::milliseconds>(round.duration()) + 1ms;
  const PreparedItem paging = board.prepare(kStreetText + ", " + kStreetText, page);
  EXPECT_EQ(paging.duration(), round.duration() + 1ms);
  EXPECT_EQ(paging.pass_duration(), round.pass_duration());
  EXPECT_EQ(paging.frame_at(round.duration() + 500ms), round.frame_at(500ms));
}

TEST(Timing, StillAndFadeTextHoldsForTheDurationAndMayStopAnywhere) {
  const TextRenderer board({128, 32, PixelFormat::rgb565}, kSans);
  TextStyle still{TextEffect::still};
  EXPECT_EQ(board.prepare("Một cửa", still).duration(), still.hold);
  still.duration = 7s;
  const PreparedItem held = board.prepare("Một cửa", still);
  EXPECT_EQ(held.duration(), 7s);
  EXPECT_EQ(held.pass_duration(), 0ns);
  EXPECT_EQ(held.frame_at(6900ms), board.still("Một cửa").frame_at(0ns));

  TextStyle fade{TextEffect::fade};
  fade.fade = 1000ms;
  fade.hold = 2000ms;
  EXPECT_EQ(board.prepare("Một cửa", fade).duration(), 4000ms);  // in, hold, out
  EXPECT_EQ(board.prepare("Một cửa", fade).pass_duration(), 0ns);
  fade.duration = 7s;
  const PreparedItem fading = board.prepare("Một cửa", fade);
  EXPECT_EQ(fading.duration(), 7s);
  EXPECT_EQ(fading.pass_duration(), 0ns);
  EXPECT_EQ(fading.frame_at(0ns).lit_count(), 0);  // it still fades in
}

TEST(Timing, TheStripIsTheSameWhateverTheTiming) {
  auto [board, style] = three_second_pass();
  const PreparedItem one_pass = board.prepare(kStreetText, style);
  style.passes = 1000;
  const PreparedItem many_passes = board.prepare(kStreetText, style);
  style.passes = 1;
  style.duration = 1h;
  const PreparedItem an_hour = board.prepare(kStreetText, style);
  EXPECT_EQ(strip_of(many_passes), strip_of(one_pass));
  EXPECT_EQ(strip_of(an_hour), strip_of(one_pass));
}

namespace {

// What measure() says must be what prepare() gives: the schedule plans with the one and the board
// plays the other.
std::string timing_or_error(const std::function<PlayTiming()>& work) {
  try {
    const PlayTiming timing = work();
    return std::to_string(timing.duration.count()) + "/" + std::to_string(timing.pass.count());
  } catch (const std::exception& error) {
    return std::string("error: ") + error.what();
  }
}

}  // namespace

TEST(Timing, MeasuringAnItemGivesWhatPreparingItGivesWithoutItsPixels) {
  const std::filesystem::path unifont =
      default_font({64, 16, PixelFormat::mono}, GlyphStyle::crisp);
  struct Board {
    PanelGeometry zone;
    std::filesystem::path font;
    GlyphStyle glyphs;
  };
  const Board boards[] = {
      {{128, 32, PixelFormat::mono}, kSans, GlyphStyle::crisp},
      {{64, 16, PixelFormat::mono}, unifont, GlyphStyle::crisp},
      {{64, 16, PixelFormat::mono}, *led_font(16), GlyphStyle::led},
      {{128, 32, PixelFormat::mono}, *led_font(32), GlyphStyle::led},
      {{192, 64, PixelFormat::rgb565}, kSans, GlyphStyle::smooth},
      {{480, 270, PixelFormat::rgb888}, kSans, GlyphStyle::smooth},
      {{128, 8, PixelFormat::mono}, kSans, GlyphStyle::crisp},  // too low for any text
  };
  const std::string texts[] = {
      "",
      "A",
      kStreetText,
      "Giờ làm việc: sáng 7:30–11:30, chiều 13:30–17:00, từ thứ Hai đến thứ Sáu",
      "ỄẶẬỖ gjpqyỵ ẤẦẨẪẬ ẮẰẲẴẶ",
      "Thông báo\nchiều 25/11 tạm ngừng tiếp nhận hồ sơ trực tuyến từ 14:00 đến 17:00 để bảo trì "
      "hệ thống; người dân vui lòng quay lại sau hoặc nộp trực tiếp tại Bộ phận Một cửa",
  };
  int compared = 0;
  int errors = 0;
  for (const Board& board : boards) {
    const TextRenderer renderer(board.zone, board.font, RenderOptions{Light{}, board.glyphs});
    for (const std::string& text : texts) {
      for (const TextEffect effect : {TextEffect::scroll, TextEffect::page, TextEffect::still,
                                      TextEffect::blink, TextEffect::fade}) {
        for (const int size : {0, 12, 40}) {
          TextStyle style;
          style.effect = effect;
          style.speed = 50;
          style.passes = 2;
          style.size = size;
          if (size == 40) style.duration = 7s;
          const std::string measured =
              timing_or_error([&] { return renderer.measure(text, style); });
          const std::string prepared = timing_or_error([&] {
            const PreparedItem item = renderer.prepare(text, style);
            return PlayTiming{item.duration(), item.pass_duration()};
          });
          EXPECT_EQ(measured, prepared)
              << text << " on " << board.zone.width << "x" << board.zone.height << ", effect "
              << static_cast<int>(effect) << ", size " << size;
          ++compared;
          errors += measured.rfind("error", 0) == 0;
        }
      }
    }
  }
  // Both kinds of outcome were compared: lengths, and texts that cannot be set.
  EXPECT_EQ(compared, 7 * 6 * 5 * 3);
  EXPECT_GT(errors, 20);
  EXPECT_LT(errors, compared / 2);
}
