// Files that broke the loader before it read YAML in a strict first pass (issue 8): a file that
// made yaml-cpp loop forever, quotes that never close, aliases that expand without bound, and
// operator text that forged log lines. Each is reported at its place, promptly.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>

#include "bangtin/playlists.hpp"
#include "diagnostic_texts.hpp"
#include "hostile_yaml.hpp"
#include "temp_directory.hpp"

namespace bangtin {
namespace {

using testing::at;
using testing::billion_laughs;
using testing::TempDirectory;
using testing::texts;

// Runs a load on another thread and waits a bounded time. A load that never ends (yaml-cpp's
// LoadAll on ",") cannot be stopped, and the future would wait for it at destruction, so the
// test program stops here: the regression fails instead of hanging the suite.
template <typename Load>
auto finished_within_seconds(Load load, int seconds = 5) {
  auto loading = std::async(std::launch::async, std::move(load));
  if (loading.wait_for(std::chrono::seconds(seconds)) != std::future_status::ready) {
    std::fprintf(stderr, "FAILED: loading is still running after %d s; it hangs\n", seconds);
    std::fflush(stderr);
    std::_Exit(1);
  }
  return loading.get();
}

class HostileYaml : public ::testing::Test {
 protected:
  Loaded<Playlist> load(std::string_view bytes) {
    directory.write(file.filename(), bytes);
    return finished_within_seconds([this] { return load_playlist(file); });
  }
  std::vector<std::string> problems_with(std::string_view bytes) {
    return texts(load(bytes).diagnostics);
  }
  std::string error_at(int line, int column, std::string_view message) const {
    return at(file, line, column) + "error: " + std::string(message);
  }

  TempDirectory directory;
  const std::filesystem::path file = directory.path() / "playlist.yaml";
};

// yaml-cpp 0.7's LoadAll produced empty documents from these forever (its issue 1040).
TEST_F(HostileYaml, ALoneCommaIsMalformedNotALoop) {
  EXPECT_EQ(problems_with(",\n"), std::vector<std::string>{error_at(
                                      1, 1, "malformed YAML: did not find expected node content")});
  EXPECT_EQ(problems_with(",\n-\n"),
            std::vector<std::string>{
                error_at(1, 1, "malformed YAML: did not find expected node content")});
}

TEST_F(HostileYaml, QuoteLeftOpenAtTheEndIsReportedWhereItOpened) {
  EXPECT_EQ(
      problems_with("playlist: p\nitems:\n  - id: a\n    text: \"Họp lúc 8 giờ\n"),
      std::vector<std::string>{error_at(
          4, 11,
          "the quote opened here is never closed (the text runs on to the end of the file)")});
  EXPECT_EQ(
      problems_with("playlist: p\nitems:\n  - id: a\n    text: 'Họp lúc 8 giờ\n"),
      std::vector<std::string>{error_at(
          4, 11,
          "the quote opened here is never closed (the text runs on to the end of the file)")});
}

TEST_F(HostileYaml, QuoteLeftOpenMidFileIsReportedWhereItOpened) {
  // The text would run on to the quote on line 8, taking item b with it.
  EXPECT_EQ(problems_with("playlist: p\n"
                          "items:\n"
                          "  - id: a\n"
                          "    text: \"Họp lúc 8 giờ\n"
                          "  - id: b\n"
                          "    text: Hai\n"
                          "  - id: c\n"
                          "    text: \"Ba\"\n"),
            std::vector<std::string>{error_at(
                4, 11, "the quote opened here is never closed (the text runs on into line 5)")});
  // The same with the next key of the same item, and with single quotes.
  EXPECT_EQ(problems_with("playlist: p\n"
                          "items:\n"
                          "  - id: a\n"
                          "    text: 'Họp lúc 8 giờ\n"
                          "    effect: static\n"
                          "  - id: b\n"
                          "    text: 'Hai'\n"),
            std::vector<std::string>{error_at(
                4, 11, "the quote opened here is never closed (the text runs on into line 5)")});
}

TEST_F(HostileYaml, QuoteLeftOpenIsBlamedEvenWhenTheRunOnTextTripsTheParser) {
  // "\p" further on is no escape; the mistake is still the quote on line 4.
  EXPECT_EQ(problems_with("playlist: p\n"
                          "items:\n"
                          "  - id: a\n"
                          "    text: \"Họp\n"
                          "  - id: b\n"
                          "    text: C:\\path\n"),
            std::vector<std::string>{error_at(
                4, 11, "the quote opened here is never closed (the text runs on into line 5)")});
}

TEST_F(HostileYaml, QuotedTextOverSeveralLinesStillLoads) {
  const auto loaded = load(
      "playlist: p\n"
      "items:\n"
      "  - id: a\n"
      "    text: \"Họp lúc 8 giờ\n"
      "      tại hội trường\"\n"
      "  - id: b\n"
      "    text: 'Địa điểm\n"
      "    tầng 2'\n"
      "  - id: c\n"
      "    text: \"Lưu ý\n"
      "      Địa điểm: hội trường\"\n");
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics)[0];
  ASSERT_TRUE(loaded.value);
  ASSERT_EQ(loaded.value->items.size(), 3u);
  EXPECT_EQ(loaded.value->items[0].text, "Họp lúc 8 giờ tại hội trường");
  EXPECT_EQ(loaded.value->items[1].text, "Địa điểm tầng 2");
  EXPECT_EQ(loaded.value->items[2].text, "Lưu ý Địa điểm: hội trường");
}

TEST_F(HostileYaml, BillionLaughsIsStoppedAtTheAliasThatExpandsTooFar) {
  EXPECT_EQ(problems_with(billion_laughs()),
            std::vector<std::string>{
                error_at(7, 10, "aliases expand the file to more than 200000 YAML nodes")});
}

TEST_F(HostileYaml, AnAliasRepeatedByEveryItemCountsAsWhatItStandsFor) {
  // Valid, and 5 KB: 400 items that each target the same 500 names are 200 000 names to read.
  std::string yaml = "playlist: p\nitems:\n  - id: i0\n    text: x\n    targets: &boards [all";
  for (int name = 1; name < 500; ++name) yaml += ", all";
  yaml += "]\n";
  for (int item = 1; item < 400; ++item)
    yaml += "  - {id: i" + std::to_string(item) + ", text: x, targets: *boards}\n";
  const auto problems = problems_with(yaml);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find(": error: aliases expand the file to more than 200000 YAML nodes"),
            std::string::npos)
      << problems[0];
}

TEST_F(HostileYaml, AnchorsForASharedScheduleStillWork) {
  const auto loaded = load(
      "playlist: p\n"
      "items:\n"
      "  - id: a\n"
      "    text: Một\n"
      "    schedule: &office {days: [mon..fri], hours: [\"07:30-11:30\"]}\n"
      "  - id: b\n"
      "    text: Hai\n"
      "    schedule: *office\n");
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics)[0];
  ASSERT_TRUE(loaded.value);
  ASSERT_EQ(loaded.value->items.size(), 2u);
  EXPECT_EQ(loaded.value->items[1].schedule.weekdays, loaded.value->items[0].schedule.weekdays);
  ASSERT_EQ(loaded.value->items[1].schedule.hours.size(), 1u);
  EXPECT_EQ(loaded.value->items[1].schedule.hours[0].start, std::chrono::minutes(7 * 60 + 30));
}

TEST_F(HostileYaml, LongTextRepeatedByAliasesIsStopped) {
  std::string yaml =
      "playlist: p\nitems:\n  - id: a\n    text: &long \"" + std::string(100'000, 'x') + "\"\n";
  for (int item = 1; item < 50; ++item)
    yaml += "  - {id: i" + std::to_string(item) + ", text: *long}\n";
  // 42 copies of 100 000 bytes pass 4 MiB (4 194 304): the written one and i41's, on line 45.
  EXPECT_EQ(problems_with(yaml), std::vector<std::string>{error_at(
                                     45, 21, "aliases expand the file's text to more than 4 MiB")});
}

TEST_F(HostileYaml, AliasesThatNeverEndOrNameNothingAreErrors) {
  EXPECT_EQ(
      problems_with("playlist: p\nitems: &loop [*loop]\n"),
      std::vector<std::string>{error_at(
          2, 15, "alias '*loop' is inside the node it refers to, which would repeat forever")});
  EXPECT_EQ(
      problems_with("playlist: p\nitems: *nothing\n"),
      std::vector<std::string>{error_at(
          2, 8, "alias '*nothing' refers to no anchor; write '&nothing' on a node before it")});
}

TEST_F(HostileYaml, NestingDeeperThan64IsStoppedWhereItGoesTooDeep) {
  // The mapping and 63 lists are 64 levels; the 64th list, in column 8 + 63, is one too many.
  EXPECT_EQ(
      problems_with("playlist: p\nitems: " + std::string(100, '[') + std::string(100, ']')),
      std::vector<std::string>{error_at(2, 71, "malformed YAML: nested more than 64 levels deep")});
  // 64 levels are read, and reported as the wrong type, not as nesting.
  const auto problems =
      problems_with("playlist: p\nitems: [" + std::string(62, '[') + std::string(63, ']'));
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].find("nested"), std::string::npos) << problems[0];
}

TEST_F(HostileYaml, MoreThan200000NodesIsStoppedAtTheOneTooMany) {
  std::string yaml = "playlist: p\nitems: [a";
  for (int node = 1; node < 200'000; ++node) yaml += ",a";
  yaml += "]\n";
  // The mapping, two keys, "p" and the list are 5 nodes; the 199 996th "a" is one too many.
  EXPECT_EQ(problems_with(yaml),
            std::vector<std::string>{error_at(
                2, 9 + 2 * 199'995,
                "the file has more than 200000 YAML nodes (keys, values, lists and mappings)")});
}

TEST_F(HostileYaml, ALongLineOfErrorsIsReportedPromptly) {
  // Each mark on this 400 KB line used to count the line's characters from its start again:
  // 35 s for its 199 995 errors, now 1.5 s.
  std::string yaml = "playlist: p\nitems: [a";
  for (int node = 1; node < 199'995; ++node) yaml += ",a";
  yaml += "]\n";
  directory.write(file.filename(), yaml);
  const auto loaded = finished_within_seconds([this] { return load_playlist(file); }, 20);
  EXPECT_EQ(loaded.diagnostics.size(), 199'995u);
  EXPECT_EQ(loaded.diagnostics.back().where.column, 9 + 2 * 199'994);
}

TEST_F(HostileYaml, ASecondDocumentOrStrayContentIsAnError) {
  EXPECT_EQ(
      problems_with("playlist: p\nitems: []\n---\n# the next one\nitems: [b]\n"),
      std::vector<std::string>{error_at(5, 1, "only one YAML document is allowed in a file")});
  EXPECT_EQ(problems_with("playlist: p\nitems: []\n...\nitems: [b]\n"),
            std::vector<std::string>{
                error_at(4, 1, "malformed YAML: content after the end of the document")});
  EXPECT_EQ(problems_with("playlist: p\nitems: []\n]\n"),
            std::vector<std::string>{
                error_at(3, 1,
                         "malformed YAML: did not find expected key (while parsing a block "
                         "mapping that starts at line 1, column 1)")});
}

TEST_F(HostileYaml, ATabInTheIndentationSaysSo) {
  EXPECT_EQ(problems_with("playlist: p\nitems:\n\t- id: a\n"),
            std::vector<std::string>{error_at(
                3, 1, "malformed YAML: a tab where YAML wants spaces (indent with spaces only)")});
}

TEST_F(HostileYaml, AControlCharacterWrittenInTheFileIsAnError) {
  EXPECT_EQ(
      problems_with("playlist: p\nitems:\n  - id: a\n    text: Đỏ\x1b[31m\n"),
      std::vector<std::string>{error_at(
          4, 13, "the file contains a control character (U+001B), which YAML does not allow")});
}

TEST_F(HostileYaml, AKeyWithEscapesIsEchoedEscaped) {
  const auto problems = problems_with(
      "playlist: p\nitems:\n  - id: a\n    text: x\n    \"sp\\e[2Jeed\\nfake: line\": 5\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(problems[0].starts_with(
      error_at(5, 5, "unknown key 'sp\\x1b[2Jeed\\nfake: line' (known keys: id, text,")))
      << problems[0];
}

TEST_F(HostileYaml, NamesAreOneLine) {
  EXPECT_EQ(problems_with("playlist: p\nitems:\n  - id: \"a\\nb\"\n    text: x\n"),
            (std::vector<std::string>{
                error_at(3, 9, "id contains a line break (U+000A), which a name cannot have")}));
  // A tab typed into a plain id is pointed at.
  EXPECT_EQ(problems_with("playlist: p\nitems:\n  - id: ab\tc\n    text: x\n"),
            (std::vector<std::string>{
                error_at(3, 11, "id contains a tab (U+0009), which a name cannot have")}));
  EXPECT_EQ(problems_with("playlist: \"p\\tq\"\nitems:\n  - id: a\n    text: x\n"),
            std::vector<std::string>{
                error_at(1, 11, "playlist contains a tab (U+0009), which a name cannot have")});
  EXPECT_EQ(problems_with("playlist: p\nitems:\n  - id: a\n    text: x\n    targets: "
                          "[all, \"a\\u2028b\"]\n"),
            (std::vector<std::string>{error_at(
                5, 20, "targets contains a line separator (U+2028), which a name cannot have")}));
}

// Found by the loader's fuzzer: a year far from now overflowed the instant it was read into.
TEST_F(HostileYaml, AYearFarFromNowIsAnErrorAtTheDate) {
  EXPECT_EQ(
      problems_with("playlist: p\nitems:\n  - id: a\n    text: x\n"
                    "    from: 1013-11-25T12:00\n"),
      std::vector<std::string>{error_at(5, 11, "1013-11-25 is outside the years 1900 to 2200")});
}

TEST(HostileConfig, DisplayNamesAreOneLine) {
  TempDirectory directory;
  const auto config = directory.write("bangtin.yaml",
                                      "displays:\n  - name: \"cong\\nubnd\"\n    size: 128x32\n"
                                      "    link: modbus-tcp://127.0.0.1:1502?unit=1\n");
  directory.write("playlists/empty.yaml", "playlist: p\nitems: []\n");
  const auto loaded = finished_within_seconds([&] { return load_config(config); });
  const auto problems = texts(loaded.diagnostics);
  EXPECT_NE(std::find(problems.begin(), problems.end(),
                      at(config, 2, 11) +
                          "error: name contains a line break (U+000A), which a name cannot have"),
            problems.end())
      << ::testing::PrintToString(problems);
}

TEST(HostileConfig, ALoneCommaIsMalformedNotALoop) {
  TempDirectory directory;
  const auto config = directory.write("bangtin.yaml", ",\n");
  const auto loaded = finished_within_seconds([&] { return load_config(config); });
  EXPECT_EQ(texts(loaded.diagnostics),
            std::vector<std::string>{at(config, 1, 1) +
                                     "error: malformed YAML: did not find expected node content"});
  EXPECT_FALSE(finished_within_seconds([&] { return looks_like_config(config); }));
}

}  // namespace
}  // namespace bangtin
