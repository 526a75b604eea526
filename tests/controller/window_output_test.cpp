// A lobby display's window, on an X server of the test's own.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <cstdlib>
#include <thread>

#include "bangtin/daemon_status.hpp"
#include "running_daemon.hpp"

#include "test_support.hpp"
#include "virtual_screen.hpp"
#include "window_output.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

class WindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kXvfb)) << "install xvfb (.ci/install-deps does)";
    screen_ = std::make_unique<VirtualScreen>(640, 480);
    setenv("DISPLAY", screen_->display().c_str(), 1);
    setenv("SDL_VIDEODRIVER", "x11", 1);
  }
  std::unique_ptr<VirtualScreen> screen_;
};

Frame pattern() {
  Frame frame = Frame::blank(64, 16, PixelFormat::rgb888);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 64; ++x)
      frame.set_pixel(
          x, y, Rgb{static_cast<std::uint8_t>(x * 4), static_cast<std::uint8_t>(y * 16), 200});
  return frame;
}

}  // namespace

TEST_F(WindowTest, ShowsTheFramesItIsGiven) {
  LogRecorder log;
  WindowOptions options;
  options.fullscreen = false;
  options.vsync = false;
  WindowOutput window("sanh-ubnd", 64, 16, options, {}, log.sink());
  const Frame frame = pattern();
  window.submit(frame);
  ASSERT_TRUE(log.wait_for("display sanh-ubnd: window open", 10s)) << log.all();
  std::optional<Frame> shot;
  // The first screenshot may come before the frame is presented; the frame is shown at most once
  // per submit, so submit again until the picture is there.
  for (int attempt = 0; attempt < 20 && !(shot && *shot == frame); ++attempt) {
    window.submit(frame);
    shot = window.screenshot();
  }
  ASSERT_TRUE(shot);
  EXPECT_EQ(shot->width, 64);
  EXPECT_EQ(*shot, frame);
  EXPECT_GE(window.frames_shown(), 1u);
}

TEST_F(WindowTest, ADaemonDisplayWithAWindowPlaysInIt) {
  ScratchDir dir;
  dir.write("playlists/test.yaml", "playlist: t\nitems:\n  - id: a\n    text: \"Một cửa\"\n");
  const auto config =
      dir.write("bangtin.yaml",
                "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n  - name: sanh-ubnd\n"
                "    size: 128x32\n    pixel: mono\n    output: window\n"
                "    window: {fullscreen: false, vsync: false}\n");
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  boost::asio::io_context loop;
  {
    Daemon daemon(loop, config, clock.clocks(), log.sink());
    std::thread thread([&] { loop.run(); });
    EXPECT_TRUE(log.wait_for("display sanh-ubnd: window open", 10s)) << log.all();
    EXPECT_TRUE(log.wait_for("display sanh-ubnd: playing a", 2s)) << log.all();
    boost::asio::post(loop, [&] { daemon.stop(); });
    thread.join();
  }
  EXPECT_EQ(log.count("not started"), 0) << log.all();
}

TEST_F(WindowTest, AStillPageReadsTheFramesItHasOnScreenNotZero) {
  // A lobby display at 25 frames a second whose text stands still: every frame is the picture
  // already on screen, and the status says the window keeps up with 25, not 0.
  ScratchDir dir;
  dir.write("playlists/test.yaml", "playlist: t\nitems:\n  - id: a\n    text: \"Một cửa\"\n");
  const auto config =
      dir.write("bangtin.yaml",
                "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n  - name: sanh-ubnd\n"
                "    size: 128x32\n    pixel: mono\n    output: window\n    fps: 25\n"
                "    window: {fullscreen: false, vsync: false}\n");
  LogRecorder log;
  boost::asio::io_context loop;
  Daemon daemon(loop, config, Clocks{}, log.sink());
  std::thread thread([&] { loop.run(); });
  ASSERT_TRUE(log.wait_for("display sanh-ubnd: window open", 10s)) << log.all();
  std::optional<DisplayStatus> seen;
  await_display_status(
      dir.path() / "state", [](const DisplayStatus& d) { return d.health.frames_shown > 100; }, 15s,
      &seen);
  boost::asio::post(loop, [&] { daemon.stop(); });
  thread.join();
  ASSERT_TRUE(seen) << log.all();
  EXPECT_EQ(seen->output, "window");
  EXPECT_GT(seen->health.frames_shown, 100u) << log.all();
  EXPECT_GE(seen->health.frames_per_second, 12.0);
  EXPECT_LE(seen->health.frames_per_second, 25.5);
  const std::string line = status_line(*seen);
  EXPECT_NE(line.find("display sanh-ubnd: window open, "), std::string::npos) << line;
  EXPECT_NE(line.find(" frames/s on screen"), std::string::npos) << line;
}
