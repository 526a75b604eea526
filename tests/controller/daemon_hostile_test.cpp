// The real bangtind, given each hostile playlist of issue 8 while it plays: the error is logged
// at its place, the board keeps playing the last good version, memory stays flat, and SIGTERM
// still stops it. These files once hung the loader or ate memory until the OOM killer came.
#include <gtest/gtest.h>

#include <cstdio>

#include "bangtin/panel_simulator.hpp"
#include "daemon_process.hpp"
#include "hostile_yaml.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

const std::string kGoodPlaylist =
    "playlist: test\nitems:\n  - id: dich-vu-cong\n"
    "    text: \"Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia\"\n    speed: 50\n";

}  // namespace

TEST(DaemonHostilePlaylists, EachIsLoggedAtItsPlaceWhileTheLastGoodKeepsPlayingAndSigtermStops) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto playlist = dir.write("playlists/test.yaml", kGoodPlaylist);
  const auto config = dir.write("bangtin.yaml",
                                "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n"
                                "  - name: cong-ubnd\n    size: 128x32\n    pixel: mono\n"
                                "    link: modbus-tcp://127.0.0.1:" +
                                    std::to_string(panel.port()) + "?unit=1\n    fps: 25\n");
  DaemonProcess daemon(config, dir.path() / "bangtind.log");
  ASSERT_TRUE(daemon.wait_for_log("link connected")) << daemon.log();
  ASSERT_TRUE(daemon.wait_for_log("dich-vu-cong")) << daemon.log();
  ASSERT_TRUE(panel.wait_for_commit(panel.commits(), 5s));
  const long resident_before = daemon.resident_kib();
  ASSERT_GT(resident_before, 0);

  const struct {
    std::string bytes;
    std::string place;
  } hostile[] = {
      {",\n", ":1:1: error: malformed YAML"},
      {",\n-\n", ":1:1: error: malformed YAML"},
      {"playlist: test\nitems:\n  - id: a\n    text: \"Họp lúc 8 giờ\n    effect: scroll\n",
       ":4:11: error: the quote opened here is never closed"},
      {"playlist: test\nitems:\n  - id: a\n    text: \"Họp\n  - id: b\n    text: \"Hai\"\n",
       ":4:11: error: the quote opened here is never closed"},
      {billion_laughs(), ":7:10: error: aliases expand the file"},
  };
  int rejected = 0;
  for (const auto& file : hostile) {
    dir.write("playlists/test.yaml", file.bytes);
    ++rejected;
    EXPECT_TRUE(daemon.wait_for_log(playlist.string() + file.place)) << file.place << "\n"
                                                                     << daemon.log();
    EXPECT_TRUE(daemon.wait_for_log("the last good version stays on air", rejected))
        << daemon.log();
    // The board keeps getting frames of what was on air.
    const auto seen = panel.commits();
    EXPECT_TRUE(panel.wait_for_commit(seen, 5s)) << file.place;
    EXPECT_TRUE(daemon.running());
  }
  const long resident_after = daemon.resident_kib();
  std::printf("bangtind resident memory: %ld KiB before the hostile files, %ld KiB after\n",
              resident_before, resident_after);
  // A billion laughs used to take it past 500 MB; a few MB of caches may come and go.
  EXPECT_LT(resident_after, resident_before + 20 * 1024)
      << "before " << resident_before << " KiB, after " << resident_after << " KiB";
  EXPECT_EQ(daemon.terminate(5s), 0) << daemon.log();
  EXPECT_TRUE(daemon.wait_for_log("bangtind stopped", 1, 1s)) << daemon.log();
}
