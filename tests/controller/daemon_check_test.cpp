// `bangtind --config FILE --check`: what starting would find, said as `bangtin validate` says it,
// with nothing started and nothing written.
#include <gtest/gtest.h>

#include "daemon_check.hpp"
#include "loopback_port.hpp"
#include "program_run.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;

namespace {

const std::filesystem::path kSource = BANGTIN_SOURCE_DIR;
const std::filesystem::path kDaemonProgram =
    std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtind";

ProgramRun check(const std::filesystem::path& config) {
  return run_program(kDaemonProgram.string() + " --config " + config.string() + " --check 2>&1");
}

// The bundled example in a folder of the test's own, its console on a port nobody uses.
std::filesystem::path example_copy(const ScratchDir& dir, int console_port) {
  std::filesystem::copy(kSource / "examples/playlists", dir.path() / "playlists");
  return dir.write("bangtin.yaml",
                   "timezone: \"+07:00\"\nplaylists: playlists/\nstate: state/\n"
                   "console: {listen: 127.0.0.1:" +
                       std::to_string(console_port) +
                       "}\n"
                       "displays:\n  - name: cong-ubnd\n    size: 128x32\n    pixel: mono\n"
                       "    link: modbus-tcp://127.0.0.1:1502?unit=1\n    groups: [street]\n");
}

}  // namespace

TEST(DaemonCheck, AGoodConfigPassesAndNothingStartsOrIsWritten) {
  ScratchDir dir;
  const int console_port = free_loopback_port();
  const auto config = example_copy(dir, console_port);
  const ProgramRun run = check(config);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("bangtind --check: " + config.string() +
                            ": 2 playlist(s), 0 error(s), 0 warning(s)"),
            std::string::npos)
      << run.output;
  // Not started: no state directory made, no last-good copies, no console listening.
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "state")) << run.output;
  EXPECT_FALSE(accepts_connections(console_port));
  EXPECT_EQ(run.output.find("bangtind started"), std::string::npos) << run.output;
}

TEST(DaemonCheck, TheBundledExamplesPass) {
  for (const char* config : {"examples/bangtin.yaml", "examples/demo.yaml"}) {
    const DaemonCheck found = check_daemon_config(kSource / config);
    EXPECT_TRUE(found.usable) << config;
    EXPECT_EQ(found.errors, 0) << config;
    EXPECT_TRUE(found.problems.empty()) << config << ": " << found.problems.front();
  }
}

TEST(DaemonCheck, ABrokenPlaylistIsSaidWithItsPlaceAndFails) {
  ScratchDir dir;
  const auto config = example_copy(dir, free_loopback_port());
  dir.write("playlists/hong.yaml", "playlist: hong\nitems:\n  - id: a\n    txet: \"Một cửa\"\n");
  const ProgramRun run = check(config);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find((dir.path() / "playlists/hong.yaml").string() + ":4:5: error: "),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("2 error(s)"), std::string::npos) << run.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "state"));
}

TEST(DaemonCheck, ADisplayThatCouldNotStartFails) {
  ScratchDir dir;
  dir.write("playlists/a.yaml", "playlist: a\nitems:\n  - id: a\n    text: \"Một cửa\"\n");
  const auto config = dir.write(
      "bangtin.yaml",
      "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n  - name: cho\n    size: 64x16\n"
      "    pixel: mono\n    link: modbus-tcp://127.0.0.1:99999\n");
  const ProgramRun run = check(config);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(config.string() + ": error: display cho: not started: "),
            std::string::npos)
      << run.output;
}

TEST(DaemonCheck, AConfigThatCannotBeReadFails) {
  ScratchDir dir;
  const auto config = dir.write("bangtin.yaml", "timezone: \"+07:00\"\ndisplays: [\n");
  const ProgramRun run = check(config);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(config.string() + ":"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("not a usable config"), std::string::npos) << run.output;
}

TEST(DaemonOptions, AnUnknownLogLevelIsRefused) {
  const ProgramRun run =
      run_program(kDaemonProgram.string() + " --config /nonexistent.yaml --log-level loud 2>&1");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("--log-level must be error, warning, info or debug, not 'loud'"),
            std::string::npos)
      << run.output;
}
