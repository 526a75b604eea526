// `bangtin validate` on the hostile files of issue 8, run as the operator runs it: each is an
// error at its place and exit status 1, promptly; none hangs, and none prints a forged line.
#include <gtest/gtest.h>

#include <sstream>

#include "hostile_yaml.hpp"
#include "program_run.hpp"
#include "test_support.hpp"

using namespace bangtin::testing;

namespace {

const std::filesystem::path kTool =
    std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtin";

// A hang is what some of these files used to cause; `timeout` turns one into a failure (124).
ProgramRun validate(const std::filesystem::path& file) {
  return run_program("timeout 10 " + kTool.string() + " validate '" + file.string() + "' 2>&1");
}

struct HostileFile {
  const char* name;
  std::string bytes;
  const char* place_and_start;  // "LINE:COL: error: ..." as far as the test checks it
};

// Names the case in a failure, rather than dumping its bytes.
void PrintTo(const HostileFile& hostile, std::ostream* out) { *out << hostile.name; }

class ValidateHostile : public ::testing::TestWithParam<HostileFile> {};

TEST_P(ValidateHostile, IsAnErrorAtItsPlaceAndExitsOne) {
  const HostileFile& hostile = GetParam();
  ScratchDir dir;
  const auto file = dir.write(std::string(hostile.name) + ".yaml", hostile.bytes);
  const ProgramRun result = validate(file);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find(file.string() + ":" + hostile.place_and_start), std::string::npos)
      << result.output;
}

INSTANTIATE_TEST_SUITE_P(
    Issue8, ValidateHostile,
    ::testing::Values(
        HostileFile{"lone_comma", ",\n", "1:1: error: malformed YAML"},
        HostileFile{"comma_then_dash", ",\n-\n", "1:1: error: malformed YAML"},
        HostileFile{"quote_open_at_the_end",
                    "playlist: p\nitems:\n  - id: a\n    text: \"Họp lúc 8 giờ\n",
                    "4:11: error: the quote opened here is never closed"},
        HostileFile{
            "quote_open_mid_file",
            "playlist: p\nitems:\n  - id: a\n    text: \"Họp\n  - id: b\n    text: \"Hai\"\n",
            "4:11: error: the quote opened here is never closed (the text runs on into "
            "line 5)"},
        HostileFile{"billion_laughs", billion_laughs(),
                    "7:10: error: aliases expand the file to more than 200000 YAML nodes"},
        HostileFile{"deep_nesting", "playlist: p\nitems: " + std::string(100, '['),
                    "2:71: error: malformed YAML: nested more than 64 levels deep"},
        HostileFile{"second_document", "playlist: p\nitems: []\n---\nplaylist: q\n",
                    "4:1: error: only one YAML document is allowed in a file"},
        HostileFile{"stray_content", "playlist: p\nitems: []\n]\n", "3:1: error: malformed YAML"},
        HostileFile{"line_break_in_an_id", "playlist: p\nitems:\n  - id: \"a\\nb\"\n    text: x\n",
                    "3:9: error: id contains a line break (U+000A)"}),
    [](const ::testing::TestParamInfo<HostileFile>& info) { return std::string(info.param.name); });

TEST(ValidateOutput, OperatorTextCannotForgeALine) {
  ScratchDir dir;
  const auto file =
      dir.write("forged.yaml",
                "playlist: p\nitems:\n  - id: a\n    text: x\n"
                "    \"sp\\e[2Jeed\\n/etc/bangtin/ok.yaml:1:1: note: all good\": 5\n");
  const ProgramRun result = validate(file);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(result.output.find('\x1b'), std::string::npos) << result.output;
  // Every line is a diagnostic about this file, or the summary.
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);)
    EXPECT_TRUE(line.starts_with(file.string() + ":") || line.starts_with("bangtin validate: "))
        << line;
  EXPECT_NE(result.output.find(":5:5: error: unknown key 'sp\\x1b[2Jeed\\n/etc/bangtin/ok.yaml"),
            std::string::npos)
      << result.output;
}

}  // namespace
