// --help and --version of every controller program, and `bangtin help`, run as an administrator
// types them: help on stdout with exit 0, the version CMake gives, and a wrong option still
// refused with exit 2 and a message that names it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "program_run.hpp"
#include "project_version.hpp"

using namespace bangtin::testing;

namespace {

const std::filesystem::path kBuild = BANGTIN_BINARY_DIR;
const std::string kBangtin = (kBuild / "controller/bangtin").string();

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// stdout only: help and version must go there, for `| less` and scripts.
ProgramRun stdout_of(const std::string& command_line) {
  return run_program(command_line + " 2>/dev/null");
}

TEST(ProgramVersions, EveryProgramPrintsItsNameAndTheCMakeVersion) {
  const std::string version = cmake_project_version();
  for (const std::string program : {"bangtin", "bangtind", "bangtin-hub"}) {
    const ProgramRun run = stdout_of((kBuild / "controller" / program).string() + " --version");
    EXPECT_EQ(run.exit_code, 0) << program;
    EXPECT_EQ(run.output, program + " " + version + "\n");
  }
}

TEST(ProgramHelp, EveryProgramPrintsItsUsageOnStdoutAndExitsZero) {
  for (const std::string program : {"bangtind", "bangtin-hub"}) {
    for (const std::string option : {"--help", "-h"}) {
      const ProgramRun run = stdout_of((kBuild / "controller" / program).string() + " " + option);
      EXPECT_EQ(run.exit_code, 0) << program << " " << option;
      EXPECT_TRUE(has(run.output, "Usage:") && has(run.output, "--version")) << program << ":\n"
                                                                             << run.output;
    }
  }
  const ProgramRun bangtin = stdout_of(kBangtin + " --help");
  EXPECT_EQ(bangtin.exit_code, 0);
  for (const std::string command :
       {"validate", "render", "report", "plan", "status", "displays", "user", "fleet", "help"})
    EXPECT_TRUE(has(bangtin.output, "bangtin " + command + " ")) << command;
  EXPECT_EQ(stdout_of(kBangtin + " help").output, bangtin.output);
}

TEST(BangtinHelp, EachCommandAnswersHelpWithItsOwnUsage) {
  // The line each usage opens with, and a command whose usage must not come with it.
  const std::pair<std::string, std::string> commands[] = {
      {"validate", "bangtin render"}, {"render", "bangtin plan"},     {"report", "bangtin plan"},
      {"plan", "bangtin report"},     {"status", "bangtin user"},     {"user", "bangtin status"},
      {"fleet", "bangtin user"},      {"displays", "bangtin status"},
  };
  for (const auto& [command, other] : commands) {
    for (const std::string& asked : {" " + command + " --help", " " + command + " -h",
                                     " help " + command, " " + command + " add x --help"}) {
      if (asked.ends_with("x --help") && command != "user") continue;
      const ProgramRun run = stdout_of(kBangtin + asked);
      EXPECT_EQ(run.exit_code, 0) << asked;
      EXPECT_TRUE(has(run.output, "bangtin " + command + " ")) << asked << ":\n" << run.output;
      EXPECT_FALSE(has(run.output, other)) << asked << ":\n" << run.output;
    }
  }
  const ProgramRun report = stdout_of(kBangtin + " report --help");
  EXPECT_TRUE(has(report.output, "--hub DB")) << report.output;
}

TEST(BangtinHelp, AnUnknownOptionOrCommandIsStillRefusedWithExitTwo) {
  const ProgramRun option = run_program(kBangtin + " report --frobnicate 2>&1");
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_TRUE(has(option.output, "bangtin report: unrecognised option '--frobnicate'"))
      << option.output;
  EXPECT_TRUE(has(option.output, "bangtin report --config FILE")) << option.output;
  EXPECT_FALSE(has(option.output, "bangtin user add")) << "only report's usage:\n" << option.output;

  const ProgramRun fleet = run_program(kBangtin + " fleet --frobnicate 2>&1");
  EXPECT_EQ(fleet.exit_code, 2);
  EXPECT_TRUE(has(fleet.output, "unrecognised option '--frobnicate'")) << fleet.output;

  const ProgramRun command = run_program(kBangtin + " frobnicate 2>&1");
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_TRUE(has(command.output, "unknown command \"frobnicate\"")) << command.output;
  const ProgramRun help = run_program(kBangtin + " help frobnicate 2>&1");
  EXPECT_EQ(help.exit_code, 2);
  EXPECT_TRUE(has(help.output, "no command \"frobnicate\"")) << help.output;

  const ProgramRun daemon = run_program((kBuild / "controller/bangtind").string() + " --frob 2>&1");
  EXPECT_EQ(daemon.exit_code, 2);
  EXPECT_TRUE(has(daemon.output, "unrecognised option '--frob'")) << daemon.output;

  const ProgramRun nothing = stdout_of(kBangtin);
  EXPECT_EQ(nothing.exit_code, 2);
}

}  // namespace
