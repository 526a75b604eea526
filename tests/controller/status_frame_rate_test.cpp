// Frames a second in the status are those that reached the panel: about the configured rate
// while the link is up (never the 26.0 a one-second count gives at 25), 0 once it is down.
#include <gtest/gtest.h>

#include "bangtin/daemon_status.hpp"
#include "bangtin/panel_simulator.hpp"
#include "loopback_port.hpp"
#include "running_daemon.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

std::filesystem::path panel_config(const ScratchDir& dir, int port) {
  dir.write("playlists/test.yaml",
            "playlist: test\nitems:\n  - id: dich-vu-cong\n"
            "    text: \"Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia\"\n"
            "    effect: scroll\n    speed: 50\n");
  return dir.write("bangtin.yaml",
                   "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n"
                   "  - name: cong-ubnd\n    size: 128x32\n    pixel: mono\n"
                   "    link: modbus-tcp://127.0.0.1:" +
                       std::to_string(port) + "?unit=1\n    fps: 25\n");
}

}  // namespace

TEST(StatusFrameRate, ALinkUpReadsTheFramesItDeliversAndALinkDownReadsZero) {
  auto panel = std::make_unique<PanelSimulator>(SimulatorOptions{.port = 0});
  ScratchDir dir;
  const auto config = panel_config(dir, panel->port());
  LogRecorder log;
  RunningDaemon daemon(config, Clocks{}, log.sink());

  ASSERT_TRUE(await_display_status(
      dir.path() / "state",
      [](const DisplayStatus& d) { return d.health.connected && d.health.frames_shown > 50; }, 15s))
      << log.all();
  // Two more seconds of frames: the rate is then counted over a full window. A loaded machine
  // may send fewer than 25; none sends more, and a steady 25 never reads 26.
  const std::uint64_t counted_from = panel->commits();
  const auto up = await_display_status(
      dir.path() / "state",
      [&](const DisplayStatus& d) { return d.health.frames_shown > counted_from + 50; }, 15s);
  ASSERT_TRUE(up) << log.all();
  EXPECT_EQ(up->output, "panel");
  EXPECT_GE(up->health.frames_per_second, 12.0);
  EXPECT_LE(up->health.frames_per_second, 25.5);
  EXPECT_NE(status_line(*up).find(" frames/s delivered"), std::string::npos);

  panel.reset();  // the panel loses power
  const auto down = await_display_status(
      dir.path() / "state", [](const DisplayStatus& d) { return !d.health.connected; }, 10s);
  ASSERT_TRUE(down) << log.all();
  EXPECT_EQ(down->health.frames_per_second, 0.0);
  EXPECT_NE(status_line(*down).find("LINK DOWN (modbus-tcp://"), std::string::npos);
}

TEST(StatusFrameRate, APanelNeverReachedReadsZero) {
  const int nobody = free_loopback_port();
  ScratchDir dir;
  const auto config = panel_config(dir, nobody);
  LogRecorder log;
  RunningDaemon daemon(config, Clocks{}, log.sink());
  ASSERT_TRUE(log.wait_for("display cong-ubnd: link down", 5s)) << log.all();
  const auto status = await_display_status(
      dir.path() / "state", [](const DisplayStatus& d) { return !d.health.connected; }, 10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->health.frames_per_second, 0.0);
  EXPECT_EQ(status->health.frames_shown, 0u);
}
