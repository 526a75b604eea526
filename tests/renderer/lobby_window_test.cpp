// The lobby window on a real X server: Xvfb, started here on a free display number. Screenshots
// are written under the build directory (renderer-lobby-*.png) for a person to look at.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bangtin/lobby_window.hpp"
#include "bangtin/renderer.hpp"
#include "virtual_screen.hpp"

using namespace bangtin;
using bangtin::testing::kXvfb;
using bangtin::testing::VirtualScreen;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path kSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

Frame lobby_frame() {
  TextStyle title{TextEffect::still};
  title.colour = Rgb{255, 220, 0};
  const Layout layout{{Zone{{0, 0, 1920, 200}, ZoneRole::title, "CẢI CÁCH HÀNH CHÍNH", title, {}},
                       Zone{{0, 240, 1920, 700}, ZoneRole::content, {}, {}, {}},
                       Zone{{0, 960, 1920, 120}, ZoneRole::clock, {}, {TextEffect::still}, {}}}};
  DisplayRenderer display({1920, 1080, PixelFormat::rgb888}, layout, kSans, {}, 7h);
  TextStyle page{TextEffect::page};
  const PreparedItem item = display.content().prepare(
      "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia: nhanh chóng, tiết kiệm, minh bạch",
      page);
  return display.frame(&item, 1s,
                       std::chrono::sys_days(std::chrono::year(2026) / 11 / 26) + 2h + 41min);
}

bool bright(Rgb c) { return std::max({c.r, c.g, c.b}) >= 128; }

// The lobby frame's yellow title, as it lands in the top rows of a 1280x720 screen.
int yellow_title_pixels(const Frame& shot) {
  int yellow = 0;
  for (int y = 0; y < 133; ++y)
    for (int x = 0; x < 1280; ++x) {
      const Rgb c = shot.pixel(x, y);
      yellow += c.r > 200 && c.g > 150 && c.b < 80;
    }
  return yellow;
}

class LobbyWindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kXvfb)) << "install xvfb";
    screen_ = std::make_unique<VirtualScreen>(1280, 720);
    setenv("DISPLAY", screen_->display().c_str(), 1);
    setenv("SDL_VIDEODRIVER", "x11", 1);
  }
  void TearDown() override { screen_.reset(); }
  std::unique_ptr<VirtualScreen> screen_;
};

}  // namespace

TEST_F(LobbyWindowTest, FullHdLayoutFillsTheMonitorScaledToItsResolution) {
  const Frame frame = lobby_frame();
  LobbyWindow window(1920, 1080);
  window.handle_events();
  EXPECT_EQ(window.width(), 1280);  // fullscreen at the monitor's own resolution
  EXPECT_EQ(window.height(), 720);
  window.show(frame);
  EXPECT_TRUE(window.handle_events());
  const Frame shot = window.screenshot();
  write_png(shot, std::filesystem::path(BANGTIN_BINARY_DIR) / "renderer-lobby-window-xvfb.png");
  ASSERT_EQ(shot.width, 1280);
  ASSERT_EQ(shot.height, 720);
  // Scaled by 2/3: each screen pixel shows the frame pixel under it (smoothly filtered).
  int agree = 0;
  int lit = 0;
  for (int y = 1; y < 719; ++y)
    for (int x = 1; x < 1279; ++x) {
      const bool on_screen = bright(shot.pixel(x, y));
      agree += on_screen == bright(frame.pixel(x * 3 / 2, y * 3 / 2));
      lit += on_screen;
    }
  EXPECT_GT(agree, 1278 * 718 * 98 / 100);
  EXPECT_GT(lit, 10000);
  EXPECT_GT(yellow_title_pixels(shot), 5000);
}

TEST_F(LobbyWindowTest, StreetBoardLayoutIsBlownUpInWholePixels) {
  const Frame board = TextRenderer({128, 32, PixelFormat::mono}, kSans)
                          .scroll("Dịch vụ công trực tuyến", 50, 1)
                          .frame_at(2s);
  LobbyWindow window(128, 32);
  window.handle_events();
  window.show(board);
  const Frame shot = window.screenshot();
  write_png(shot, std::filesystem::path(BANGTIN_BINARY_DIR) / "renderer-lobby-window-board.png");
  // 1280 / 128 = 10: each LED a 10x10 square, letterboxed to rows 200..520.
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 128; ++x) {
      const Rgb expected = board.lit(x, y) ? Rgb{255, 176, 0} : Rgb{};
      ASSERT_EQ(shot.pixel(x * 10 + 5, 200 + y * 10 + 5), expected) << x << "," << y;
      ASSERT_EQ(shot.pixel(x * 10, 200 + y * 10), expected) << x << "," << y;
    }
  EXPECT_EQ(shot.pixel(640, 100), Rgb{});  // the bars
  EXPECT_THROW(window.show(Frame::blank(64, 32, PixelFormat::mono)), std::invalid_argument);
}

TEST_F(LobbyWindowTest, AMonitorThatIsNotThereIsAClearError) {
  WindowOptions options;
  options.monitor = 3;
  try {
    LobbyWindow window(1920, 1080, options);
    FAIL() << "opened a window on a missing monitor";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("monitor 3 does not exist"), std::string::npos)
        << error.what();
  }
}

TEST_F(LobbyWindowTest, AStillPageIsPresentedOnceAndStillReadsBack) {
  const Frame frame = lobby_frame();
  LobbyWindow window(1920, 1080);
  window.handle_events();
  window.show(frame);
  const std::uint64_t after_first = window.frames_presented();
  for (int tick = 0; tick < 25; ++tick) window.show(frame);
  EXPECT_EQ(window.frames_presented(), after_first);  // a second of ticks, nothing pushed again

  const Frame shot = window.screenshot();  // the still page is still what the window shows
  EXPECT_GT(yellow_title_pixels(shot), 5000);

  Frame changed = frame;
  changed.bytes[changed.bytes.size() / 2] ^= 0xFF;  // one colour channel of one pixel
  window.show(changed);
  EXPECT_EQ(window.frames_presented(), after_first + 1);
  window.show(Frame::blank(1920, 1080, PixelFormat::rgb888));
  EXPECT_EQ(window.frames_presented(), after_first + 2);
  EXPECT_EQ(window.screenshot().pixel(640, 60), Rgb{});  // the title is gone with the new frame
}
