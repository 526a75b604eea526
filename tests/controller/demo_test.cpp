// The demo a newcomer runs first (README: `bash examples/demo.sh build`): text moves on the
// simulated board within seconds, at whatever hour it is run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "bangtin/controller.hpp"
#include "daemon_process.hpp"
#include "loopback_port.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path kSource = BANGTIN_SOURCE_DIR;

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

TEST(Demo, EveryHourOfTheDayHasAMessageOnTheBoard) {
  // bangtind takes no clock from outside, so the hours are checked on the demo's programme as the
  // daemon plays it: its player at each hour of a day, night ones included, and on a day of
  // another year (the demo's messages carry no dates to run out).
  Loaded<Programme> programme = load_programme(kSource / "examples/demo.yaml");
  ASSERT_TRUE(programme.value);
  ASSERT_FALSE(has_errors(programme.diagnostics));
  const DisplayConfig& board = *find_display(programme.value->config, "cong-ubnd");
  for (const auto day : {std::chrono::sys_days{std::chrono::year{2026} / 12 / 1},
                         std::chrono::sys_days{std::chrono::year{2031} / 7 / 15}}) {
    for (int hour = 0; hour < 24; ++hour) {
      DisplayPlayer player(*programme.value, board);
      // The config's +07:00: local hour `hour` is UTC hour - 7. Within the first ten seconds of
      // the hour (the "within 10 s"), text is lit and moves: a scroll has blank moments
      // between its passes, so the frames are looked at every quarter second, not once.
      const auto hour_starts = day + std::chrono::hours(hour) - std::chrono::hours(7);
      std::vector<Frame> lit;
      for (auto in = 0ms; in <= 10s; in += 250ms) {
        Frame frame = player.frame_at(hour_starts + in);
        ASSERT_NE(player.on_air(), nullptr) << "local hour " << hour;
        EXPECT_NE(player.on_air()->item, nullptr) << "local hour " << hour << ": idle content";
        // Full brightness at night too: the demo is looked at up close.
        EXPECT_EQ(player.brightness(), 100) << "local hour " << hour;
        if (frame.lit_count() > 0) lit.push_back(std::move(frame));
      }
      ASSERT_FALSE(lit.empty()) << "local hour " << hour << ": nothing lit in 10 s";
      EXPECT_TRUE(std::any_of(lit.begin(), lit.end(),
                              [&](const Frame& frame) { return !(frame == lit.front()); }))
          << "local hour " << hour << ": the text does not move";
    }
  }
}

TEST(Demo, TheScriptShowsMovingTextOnTheSimulatorWithinTenSeconds) {
  ScratchDir dir;
  ::setenv("DEMO_SECONDS", "60", 1);
  ::setenv("DEMO_PANEL_PORT", std::to_string(free_loopback_port()).c_str(), 1);
  ::setenv("DEMO_CONSOLE_PORT", std::to_string(free_loopback_port()).c_str(), 1);
  ::setenv("DEMO_OUT", dir.path().c_str(), 1);
  const auto started = std::chrono::steady_clock::now();
  DaemonProcess demo("/bin/bash", {(kSource / "examples/demo.sh").string(), BANGTIN_BINARY_DIR},
                     dir.path() / "demo.log");
  for (const char* name : {"DEMO_SECONDS", "DEMO_PANEL_PORT", "DEMO_CONSOLE_PORT", "DEMO_OUT"})
    ::unsetenv(name);

  // The simulator rewrites its snapshot about once a second: text that moves gives another one.
  const auto snapshot = dir.path() / "panel.png";
  std::string first;
  bool moved = false;
  while (!moved && std::chrono::steady_clock::now() - started < 20s) {
    const std::string now = std::filesystem::exists(snapshot) ? file_bytes(snapshot) : "";
    if (first.empty()) first = now;
    moved = !now.empty() && now != first;
    if (!moved) std::this_thread::sleep_for(100ms);
  }
  const auto took = std::chrono::steady_clock::now() - started;
  const std::string log = demo.log();
  EXPECT_EQ(demo.terminate(10s), 0) << log;
  ASSERT_TRUE(moved) << log;
  EXPECT_LT(took, 10s) << log;
  EXPECT_TRUE(log.starts_with("demo: playing " + (dir.path() / "demo.yaml").string() +
                              ", whose messages play at any hour: moving text on the board "
                              "within seconds"))
      << log;
  EXPECT_NE(log.find("display cong-ubnd: playing "), std::string::npos) << log;
  // The copy with other ports keeps its state beside it, not in the source tree's examples/.
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "state-demo")) << log;
}
