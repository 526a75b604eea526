// The daemon's state directory, end to end: a real daemon, a panel simulator on loopback, and
// the files it leaves in STATE.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <thread>

#include "atomic_file.hpp"
#include "bangtin/daemon_status.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/play_log.hpp"
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

// The daemon rewrites its status every second: waits for one that `wanted` accepts.
std::optional<DaemonStatus> wait_for_status(const std::filesystem::path& file,
                                            const std::function<bool(const DaemonStatus&)>& wanted,
                                            std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::optional<DaemonStatus> status;
    try {
      status = status_from_json(read_file(file));
    } catch (const std::runtime_error&) {
      // not written yet
    }
    if (status && wanted(*status)) return status;
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(20ms);
  }
}

// Moves the daemon's clock on by `span` in steps shorter than any play, each step shown.
void play_on(ManualClock& clock, const PanelSimulator& panel, SystemClock::time_point from,
             std::chrono::seconds span) {
  for (auto t = from; t <= from + span; t += 2s) {
    clock.set(t);
    const auto seen = panel.commits();
    ASSERT_TRUE(panel.wait_for_commit(seen + 1, 2s));
  }
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

// Root ignores permissions, so the database is kept from opening by a directory in its place, as
// a state directory not mounted yet or read-only would.
TEST(DaemonProofOfPlay, OffWhileTheDatabaseCannotBeOpenedThenRecordingWithThePlaysBetween) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto config = write_config(dir, panel.port());
  const auto database = dir.path() / "state/plays.sqlite3";
  const auto status_file = dir.path() / "state/status.json";
  std::filesystem::create_directories(database);
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  std::uint64_t plays_while_off = 0;
  {
    RunningDaemon daemon(config, clock.clocks(), log.sink());
    EXPECT_GE(
        log.count("proof of play is off: cannot open proof-of-play database " + database.string()),
        1)
        << log.all();
    play_on(clock, panel, tuesday_morning(), 60s);
    const auto off = wait_for_status(
        status_file,
        [](const DaemonStatus& s) {
          return s.proof_of_play && !s.proof_of_play->recording &&
                 s.proof_of_play->plays_pending >= 2;
        },
        5s);
    ASSERT_TRUE(off) << log.all();
    plays_while_off = off->proof_of_play->plays_pending;
    EXPECT_NE(status_text(*off).find("proof of play: off: cannot open proof-of-play database " +
                                     database.string()),
              std::string::npos)
        << status_text(*off);

    std::filesystem::remove(database);  // mounted, or made writable
    EXPECT_TRUE(log.wait_for("proof of play is recording again", 10s)) << log.all();
    const auto recording = wait_for_status(
        status_file,
        [](const DaemonStatus& s) {
          return s.proof_of_play && s.proof_of_play->recording &&
                 s.proof_of_play->plays_pending == 0;
        },
        5s);
    ASSERT_TRUE(recording) << log.all();
    EXPECT_NE(status_text(*recording).find("\nproof of play: recording\n"), std::string::npos)
        << status_text(*recording);
    play_on(clock, panel, tuesday_morning() + 62s, 30s);
  }
  const auto last = status_from_json(read_file(status_file));
  ASSERT_TRUE(last && last->proof_of_play);
  EXPECT_EQ(*last->proof_of_play, (ProofOfPlayStatus{true, "", 0, 0}));
  PlayStore store(database, PlayStore::Access::read_only);
  using namespace std::chrono;
  const auto day = sys_days(year{2026} / November / 24);
  int plays = 0;
  seconds on_air{0};
  for (const auto& row : store.totals(day, day, hours(7))) {
    plays += row.plays;
    on_air += row.on_air;
  }
  // Every play, from the daemon's first frame: those while it was off too.
  EXPECT_GT(static_cast<std::uint64_t>(plays), plays_while_off) << log.all();
  EXPECT_GE(on_air, 91s) << log.all();
  EXPECT_LE(on_air, 93s) << log.all();
}
