// The daemon's state directory, end to end: a real daemon, a panel simulator on loopback, and
// the files it leaves in STATE.
#include <gtest/gtest.h>

#include "bangtin/panel_simulator.hpp"
#include "file_modes.hpp"
#include "running_daemon.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

std::filesystem::path write_config(const ScratchDir& dir, int port) {
  dir.write("playlists/test.yaml",
            "playlist: test\nitems:\n  - id: mot-cua\n    text: \"Bộ phận Một cửa\"\n");
  return dir.write("bangtin.yaml",
                   "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n"
                   "  - name: cong-ubnd\n    size: 128x32\n    pixel: mono\n"
                   "    link: modbus-tcp://127.0.0.1:" +
                       std::to_string(port) + "?unit=1\n");
}

}  // namespace

TEST(DaemonState, UnderUmaskZeroOnlyTheDaemonsUserCanChangeWhatPlaysAfterARestart) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto config = write_config(dir, panel.port());
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  {
    const UmaskForTest open_umask(0);
    RunningDaemon daemon(config, clock.clocks(), log.sink());
    ASSERT_TRUE(panel.wait_for_commit(0, 5s)) << log.all();
  }  // stopped: the last status is written
  const auto state = dir.path() / "state";
  EXPECT_EQ(mode_of(state), 0750u);
  EXPECT_EQ(mode_of(state / "last-good"), 0750u);
  EXPECT_EQ(mode_of(state / "last-good/test.yaml"), 0640u);
  EXPECT_EQ(mode_of(state / "status.json"), 0640u);
  EXPECT_EQ(mode_of(state / "plays.sqlite3"), 0640u);
  EXPECT_EQ(log.count("state: "), 0) << log.all();  // nothing to tighten in what it created
}

TEST(DaemonState, ALooseStateDirectoryIsTightenedAtStartAndSaidOnce) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto config = write_config(dir, panel.port());
  const auto state = dir.path() / "state";
  std::filesystem::create_directories(state / "last-good");
  ASSERT_EQ(::chmod(state.c_str(), 0777), 0);
  ASSERT_EQ(::chmod((state / "last-good").c_str(), 0777), 0);
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  {
    RunningDaemon daemon(config, clock.clocks(), log.sink());
    ASSERT_TRUE(panel.wait_for_commit(0, 5s)) << log.all();
  }
  EXPECT_EQ(log.count("state: "), 2) << log.all();
  EXPECT_EQ(log.count("state: " + state.string() + " allowed 0777; now 0750"), 1) << log.all();
  EXPECT_EQ(mode_of(state), 0750u);
  EXPECT_EQ(mode_of(state / "last-good"), 0750u);

  LogRecorder after_restart;
  RunningDaemon daemon(config, clock.clocks(), after_restart.sink());
  ASSERT_TRUE(panel.wait_for_commit(panel.commits(), 5s)) << after_restart.all();
  EXPECT_EQ(after_restart.count("state: "), 0) << after_restart.all();
}
