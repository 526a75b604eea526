// End to end: playlist files -> daemon -> renderer -> Modbus TCP link -> panel simulator, on
// loopback, with the daemon's clock held by the test.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <thread>

#include "bangtin/daemon_status.hpp"
#include "bangtin/date_time_text.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/play_log.hpp"

#include <fstream>
#include <sstream>
#include "loopback_port.hpp"
#include "running_daemon.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

const std::string kPlaylist = R"(playlist: test
items:
  - id: dich-vu-cong
    text: "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia"
    speed: 50
  - id: mot-cua
    text: "Bộ phận Một cửa tiếp nhận hồ sơ"
    speed: 50
    passes: 2
)";

std::string display_yaml(const std::string& name, int port, const std::string& size = "128x32",
                         int fps = 25) {
  return "  - name: " + name + "\n    size: " + size + "\n    pixel: mono\n" +
         "    link: modbus-tcp://127.0.0.1:" + std::to_string(port) + "?unit=1\n" +
         "    fps: " + std::to_string(fps) + "\n";
}

std::filesystem::path write_config(const ScratchDir& dir, const std::string& displays,
                                   const std::string& playlist = kPlaylist) {
  dir.write("playlists/test.yaml", playlist);
  return dir.write("bangtin.yaml",
                   "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n" + displays);
}

// The frame `bangtin render` would give for the display at that instant.
Frame expected_frame(const std::filesystem::path& config, const std::string& display,
                     SystemClock::time_point at) {
  Loaded<Programme> programme = load_programme(config);
  EXPECT_TRUE(programme.value);
  DisplayPlayer player(*programme.value, *find_display(programme.value->config, display));
  return player.frame_at(at);
}

}  // namespace

TEST(Daemon, PanelShowsExactlyTheRenderersFrameForThePlaylistPosition) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto config = write_config(dir, display_yaml("cong-ubnd", panel.port()));
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  RunningDaemon daemon(config, clock.clocks(), log.sink());

  const Frame first = expected_frame(config, "cong-ubnd", tuesday_morning());
  ASSERT_GT(first.lit_count(), 0) << "the instant chosen shows text";
  EXPECT_TRUE(panel_shows(panel, first));
  EXPECT_TRUE(log.wait_for("link connected", 2s)) << log.all();

  // Seconds later the text has moved on; the panel follows the clock, frame for frame.
  for (auto step : {1s, 3s, 40s, 3600s}) {
    const auto at = tuesday_morning() + step;
    const Frame wanted = expected_frame(config, "cong-ubnd", at);
    clock.set(at);
    EXPECT_TRUE(panel_shows(panel, wanted)) << "at +" << step.count() << " s";
  }
  EXPECT_GE(log.count("display cong-ubnd: playing "), 1) << log.all();
}

TEST(Daemon, AnUnreachablePanelDoesNotStopTheOthersAndIsPickedUpWhenItAppears) {
  PanelSimulator gate({.port = 0});
  const int market_port = free_loopback_port();
  ScratchDir dir;
  const auto config =
      write_config(dir, display_yaml("cong-ubnd", gate.port()) + display_yaml("cho", market_port));
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  RunningDaemon daemon(config, clock.clocks(), log.sink());

  EXPECT_TRUE(log.wait_for("display cho: link down", 3s)) << log.all();
  EXPECT_TRUE(panel_shows(gate, expected_frame(config, "cong-ubnd", tuesday_morning())));

  PanelSimulator market({.port = market_port});
  EXPECT_TRUE(log.wait_for("display cho: link connected", 5s)) << log.all();
  EXPECT_TRUE(panel_shows(market, expected_frame(config, "cho", tuesday_morning())));
}

TEST(Daemon, APanelThatComesBackAfterARestartIsServedAgain) {
  ScratchDir dir;
  auto panel = std::make_unique<PanelSimulator>(SimulatorOptions{.port = 0});
  const int port = panel->port();
  const auto config = write_config(dir, display_yaml("cong-ubnd", port));
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  RunningDaemon daemon(config, clock.clocks(), log.sink());
  ASSERT_TRUE(panel_shows(*panel, expected_frame(config, "cong-ubnd", tuesday_morning())));

  panel.reset();  // the panel loses power
  EXPECT_TRUE(log.wait_for("link disconnected", 3s)) << log.all();
  panel = std::make_unique<PanelSimulator>(SimulatorOptions{.port = port});
  const auto later = tuesday_morning() + 2s;
  clock.set(later);
  EXPECT_TRUE(panel_shows(*panel, expected_frame(config, "cong-ubnd", later))) << log.all();
  EXPECT_GE(log.count("link connected"), 2);
}

TEST(Daemon, RefusesAPanelWhoseGeometryDiffersFromTheConfig) {
  PanelSimulator panel({.port = 0, .width = 64, .height = 16});
  ScratchDir dir;
  const auto config = write_config(dir, display_yaml("cong-ubnd", panel.port()));
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  RunningDaemon daemon(config, clock.clocks(), log.sink());
  EXPECT_TRUE(log.wait_for("is 64x16 mono but the config says 128x32 mono", 3s)) << log.all();
  EXPECT_EQ(panel.commits(), 0u);
}

TEST(Daemon, ShowsTheVietnameseClockWhenNothingIsScheduled) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto config = write_config(dir, display_yaml("cong-ubnd", panel.port()),
                                   "playlist: sundays\nitems:\n  - id: chu-nhat\n    text: \"Chỉ "
                                   "ngày Chủ Nhật\"\n    schedule:\n      days: [sun]\n");
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  RunningDaemon daemon(config, clock.clocks(), log.sink());
  const Frame wanted = expected_frame(config, "cong-ubnd", tuesday_morning());
  EXPECT_GT(wanted.lit_count(), 100);
  EXPECT_TRUE(panel_shows(panel, wanted));
  EXPECT_TRUE(log.wait_for("showing the idle content", 1s)) << log.all();
}

TEST(Daemon, AMissingConfigIsAClearError) {
  boost::asio::io_context loop;
  LogRecorder log;
  try {
    Daemon daemon(loop, "/nonexistent/bangtin.yaml", Clocks{}, log.sink());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/bangtin.yaml"), std::string::npos);
  }
  EXPECT_GE(log.count("/nonexistent/bangtin.yaml"), 1) << log.all();
}

TEST(Daemon, ABrokenPlaylistIsReportedAndTheRestPlays) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto config = write_config(dir, display_yaml("cong-ubnd", panel.port()));
  dir.write("playlists/broken.yaml", "playlist: broken\nitems:\n  - id: x\n    text: [oops\n");
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  RunningDaemon daemon(config, clock.clocks(), log.sink());
  EXPECT_TRUE(log.wait_for("broken.yaml:", 1s)) << log.all();
  EXPECT_TRUE(panel_shows(panel, expected_frame(config, "cong-ubnd", tuesday_morning())));
}

namespace {

const std::string kNotice = R"(  - id: thong-bao
    text: "Thông báo khẩn"
    effect: static
    duration: 1h
    priority: urgent
    until: 2026-11-24T12:00
)";

}  // namespace

TEST(DaemonReload, AnEditedPlaylistIsOnTheBoardWithinASecond) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto config = write_config(dir, display_yaml("cong-ubnd", panel.port()));
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  RunningDaemon daemon(config, clock.clocks(), log.sink());
  ASSERT_TRUE(panel_shows(panel, expected_frame(config, "cong-ubnd", tuesday_morning())));

  // What the board must show once the edit is in, worked out beforehand on a copy.
  ScratchDir preview;
  const Frame notice = expected_frame(
      write_config(preview, display_yaml("cong-ubnd", panel.port()), kPlaylist + kNotice),
      "cong-ubnd", tuesday_morning());
  EXPECT_GT(notice.lit_count(), 100);

  const auto edited_at = std::chrono::steady_clock::now();
  dir.write("playlists/test.yaml", kPlaylist + kNotice);
  EXPECT_TRUE(panel_shows(panel, notice)) << log.all();
  EXPECT_LT(std::chrono::steady_clock::now() - edited_at, 1s) << log.all();
  EXPECT_EQ(log.count("playlists reloaded"), 1) << log.all();
  EXPECT_TRUE(log.wait_for("display cong-ubnd: playing thong-bao", 1s)) << log.all();
}

TEST(DaemonReload, ABrokenEditIsRejectedAndTheLastGoodVersionKeepsPlaying) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto config = write_config(dir, display_yaml("cong-ubnd", panel.port()));
  const auto playlist = dir.path() / "playlists/test.yaml";
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  {
    RunningDaemon daemon(config, clock.clocks(), log.sink());
    const Frame good = expected_frame(config, "cong-ubnd", tuesday_morning());
    ASSERT_TRUE(panel_shows(panel, good));

    dir.write("playlists/test.yaml", "playlist: test\nitems:\n  - id: x\n    txt: \"sai\"\n");
    EXPECT_TRUE(log.wait_for("playlists reloaded", 2s)) << log.all();
    EXPECT_GE(log.count(playlist.string() + ":4:5: error: unknown key 'txt'"), 1) << log.all();
    EXPECT_GE(log.count("the last good version stays on air"), 1) << log.all();
    const auto seen = panel.commits();
    const auto next = panel.wait_for_commit(seen, 2s);
    ASSERT_TRUE(next);
    EXPECT_EQ(*next, good);
  }
  // Restarted with the broken file still there: the copy in the state directory plays.
  LogRecorder after_restart;
  RunningDaemon daemon(config, clock.clocks(), after_restart.sink());
  EXPECT_GE(after_restart.count("state/last-good/test.yaml"), 1) << after_restart.all();
  dir.write("playlists/test.yaml", kPlaylist);  // what the copy holds, to compute the frame
  // The first frames may be dark while the item is drawn off the loop.
  EXPECT_TRUE(panel_shows(panel, expected_frame(config, "cong-ubnd", tuesday_morning())));
}

TEST(DaemonProofOfPlay, EveryPlayIsRecordedAndReported) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  // 100 frames a second, so that the test can walk the clock in small steps quickly.
  const auto config = write_config(dir, display_yaml("cong-ubnd", panel.port(), "128x32", 100));
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  {
    RunningDaemon daemon(config, clock.clocks(), log.sink());
    ASSERT_TRUE(panel_shows(panel, expected_frame(config, "cong-ubnd", tuesday_morning())));
    // Ten minutes of plays, in steps shorter than any play, each shown by the panel.
    for (auto t = tuesday_morning(); t <= tuesday_morning() + 10min; t += 2s) {
      clock.set(t);
      ASSERT_TRUE(panel_shows(panel, expected_frame(config, "cong-ubnd", t)));
    }
  }
  PlayStore store(dir.path() / "state/plays.sqlite3");
  using namespace std::chrono;
  const auto day = sys_days(year{2026} / November / 24);
  const auto rows = store.totals(day, day, hours(7));
  ASSERT_EQ(rows.size(), 2u) << log.all();
  int plays = 0;
  seconds on_air{0};
  for (const auto& row : rows) {
    plays += row.plays;
    on_air += row.on_air;
    EXPECT_EQ(row.day, "2026-11-24");
  }
  EXPECT_GE(plays, 10);
  // The whole ten minutes, from the first frame to the stop, and not the part of the first play
  // that the schedule had before the daemon started.
  EXPECT_GE(on_air, 599s);
  EXPECT_LE(on_air, 601s);
}

TEST(DaemonStatusFile, SaysWhatIsOnAirAndWhichPlaylistsHaveProblems) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto config = write_config(dir, display_yaml("cong-ubnd", panel.port()));
  dir.write("playlists/broken.yaml", "playlist: broken\nitems:\n  - id: x\n    txt: \"sai\"\n");
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  std::string on_air;
  TimePoint since;
  {
    RunningDaemon daemon(config, clock.clocks(), log.sink());
    ASSERT_TRUE(panel_shows(panel, expected_frame(config, "cong-ubnd", tuesday_morning())));
    Loaded<Programme> programme = load_programme(config);
    DisplayPlayer player(*programme.value, programme.value->config.displays[0]);
    player.frame_at(tuesday_morning());
    on_air = player.on_air()->item->id;
    since = player.on_air()->start;
  }  // stopping writes the status a last time
  std::ifstream in(dir.path() / "state/status.json");
  std::stringstream text;
  text << in.rdbuf();
  const auto status = status_from_json(text.str());
  ASSERT_TRUE(status) << text.str();
  EXPECT_TRUE(status->clock_trusted);
  ASSERT_EQ(status->displays.size(), 1u);
  EXPECT_EQ(status->displays[0].name, "cong-ubnd");
  EXPECT_EQ(status->displays[0].on_air, on_air);
  // Times in ISO 8601 with the config's offset; the panels' clock text beside, for people.
  EXPECT_EQ(status->updated, "2026-11-24T08:00:00+07:00");
  EXPECT_EQ(status->updated_text, "08:00 Thứ Ba, 24/11/2026");
  EXPECT_EQ(status->displays[0].since, iso_date_time_text(since, 7h));
  EXPECT_TRUE(status->displays[0].since.starts_with("2026-11-24T") &&
              status->displays[0].since.ends_with("+07:00"))
      << status->displays[0].since;
  EXPECT_GT(status->displays[0].health.frames_shown, 0u);
  ASSERT_FALSE(status->playlist_problems.empty());
  EXPECT_NE(status->playlist_problems[0].find("broken.yaml:4:5: error:"), std::string::npos);
  EXPECT_NE(status_text(*status).find("display cong-ubnd:"), std::string::npos);
}

TEST(DaemonClock, AClockBeforeTheReleaseKeepsTheBoardOnItsLastContentUntilTheTimeIsRight) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto config = write_config(dir, display_yaml("cong-ubnd", panel.port()));
  ManualClock clock(tuesday_morning());
  Clocks clocks = clock.clocks();
  clocks.earliest = std::chrono::sys_days(std::chrono::year{2026} / 11 / 20);
  LogRecorder log;
  RunningDaemon daemon(config, clocks, log.sink());
  const Frame before = expected_frame(config, "cong-ubnd", tuesday_morning());
  ASSERT_TRUE(panel_shows(panel, before));

  clock.set_wall_only(SystemClock::time_point{});  // power cut, no real-time clock: 1970
  EXPECT_TRUE(log.wait_for("CLOCK: ", 3s)) << log.all();
  const auto seen = panel.commits();
  const auto frame = panel.wait_for_commit(seen + 5, 2s);
  ASSERT_TRUE(frame);
  EXPECT_EQ(*frame, panel.shown_frame());
  EXPECT_EQ(*frame, before);  // not the 1970 schedule: the last content stays

  const auto later = tuesday_morning() + 30s;
  clock.set_wall_only(later);  // NTP sets the time
  EXPECT_TRUE(log.wait_for("the time is right again", 3s)) << log.all();
  EXPECT_TRUE(panel_shows(panel, expected_frame(config, "cong-ubnd", later)));
}
