#include <gtest/gtest.h>

#include "bangtin/playlists.hpp"
#include "diagnostic_texts.hpp"
#include "temp_directory.hpp"

namespace bangtin {
namespace {

using testing::at;
using testing::TempDirectory;
using testing::texts;

class PlaylistLoader : public ::testing::Test {
 protected:
  Loaded<Playlist> load(std::string_view yaml, const Config* config = nullptr) {
    directory.write(file.filename(), yaml);
    return load_playlist(file, config);
  }
  // The diagnostics for a one-item playlist whose item has `item_lines` (indented by 4) after
  // its id, which is on line 3.
  std::vector<std::string> problems_with_item(std::string_view item_lines,
                                              const Config* config = nullptr) {
    std::string yaml = "playlist: p\nitems:\n  - id: a\n";
    yaml += item_lines;
    return texts(load(yaml, config).diagnostics);
  }
  std::string error_at(int line, int column, std::string_view message) const {
    return at(file, line, column) + "error: " + std::string(message);
  }

  TempDirectory directory;
  const std::filesystem::path file = directory.path() / "playlist.yaml";
};

Config config_with_street_boards() {
  Config config;
  DisplayConfig gate;
  gate.name = "cong-ubnd";
  gate.groups = {"street"};
  DisplayConfig hall;
  hall.name = "hoi-truong";
  hall.groups = {"indoor"};
  config.displays = {gate, hall};
  return config;
}

TEST_F(PlaylistLoader, ReadsAGoodPlaylist) {
  const auto loaded = load(R"(playlist: cchc-2026
title: Thông tin, tuyên truyền cải cách hành chính năm 2026
items:
  - id: dich-vu-cong
    text: "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia: nhanh, tiết kiệm"
    effect: scroll
    speed: 40.5
    passes: 2
    targets: [street, cong-ubnd]
  - id: lich-tiep-dan
    text: Lịch tiếp công dân thứ Năm hằng tuần
)");
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  ASSERT_TRUE(loaded.value);
  const Playlist& playlist = *loaded.value;
  EXPECT_EQ(playlist.name, "cchc-2026");
  EXPECT_EQ(playlist.title, "Thông tin, tuyên truyền cải cách hành chính năm 2026");
  EXPECT_EQ(playlist.file, file);
  ASSERT_EQ(playlist.items.size(), 2u);

  const Item& first = playlist.items[0];
  EXPECT_EQ(first.id, "dich-vu-cong");
  EXPECT_EQ(first.text, "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia: nhanh, tiết kiệm");
  EXPECT_EQ(first.effect, TextEffect::scroll);
  EXPECT_EQ(first.speed, 40.5);
  EXPECT_EQ(first.passes, 2);
  EXPECT_EQ(first.targets, (std::vector<std::string>{"street", "cong-ubnd"}));
  EXPECT_EQ(first.where.file, file);
  EXPECT_EQ(first.where.line, 4);
  EXPECT_EQ(first.where.column, 5);

  const Item& second = playlist.items[1];
  EXPECT_EQ(second.id, "lich-tiep-dan");
  EXPECT_EQ(second.text, "Lịch tiếp công dân thứ Năm hằng tuần");
  EXPECT_EQ(second.speed, 32);
  EXPECT_EQ(second.passes, 1);
  EXPECT_TRUE(second.targets.empty());
  EXPECT_EQ(second.where.line, 10);
}

TEST_F(PlaylistLoader, TitleIsOptional) {
  const auto loaded = load("playlist: p\nitems:\n  - id: a\n    text: x\n");
  ASSERT_TRUE(loaded.value);
  EXPECT_TRUE(loaded.diagnostics.empty());
  EXPECT_EQ(loaded.value->title, "");
}

TEST_F(PlaylistLoader, DecomposedTextIsNormalizedToNfc) {
  // NFD, as some Mac and web tools write Vietnamese: base letters followed by combining marks.
  const std::string decomposed = "Thu\u0309 tu\u0323c ha\u0300nh chi\u0301nh";
  const std::string precomposed = "Thủ tục hành chính";
  ASSERT_NE(decomposed, precomposed);
  const auto loaded = load("playlist: p\ntitle: " + decomposed +
                           "\nitems:\n  - id: a\n    text: " + decomposed + "\n");
  ASSERT_TRUE(loaded.value);
  ASSERT_EQ(loaded.value->items.size(), 1u);
  EXPECT_EQ(loaded.value->items[0].text, precomposed);
  EXPECT_EQ(loaded.value->title, precomposed);
}

TEST_F(PlaylistLoader, DecomposedTargetMatchesPrecomposedGroup) {
  Config config;
  DisplayConfig board;
  board.name = "cho";
  board.groups = {"đường"};
  config.displays = {board};
  const auto problems =
      problems_with_item("    text: x\n    targets: [\"đu\u031bo\u031b\u0300ng\"]\n", &config);
  EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST_F(PlaylistLoader, TextIsTrimmedIncludingNoBreakSpaces) {
  const auto loaded =
      load("playlist: p\nitems:\n  - id: a\n    text: \"\u00a0 Xin chào bà con \u3000\"\n");
  ASSERT_TRUE(loaded.value);
  ASSERT_EQ(loaded.value->items.size(), 1u);
  EXPECT_EQ(loaded.value->items[0].text, "Xin chào bà con");
}

TEST_F(PlaylistLoader, BlockScalarTextKeepsItsWords) {
  const auto loaded =
      load("playlist: p\nitems:\n  - id: a\n    text: >\n      Một hai\n      ba\n");
  ASSERT_TRUE(loaded.value);
  ASSERT_EQ(loaded.value->items.size(), 1u);
  EXPECT_EQ(loaded.value->items[0].text, "Một hai ba");
}

TEST_F(PlaylistLoader, WrongTypeOfSpeed) {
  EXPECT_EQ(
      problems_with_item("    text: x\n    speed: fast\n"),
      std::vector<std::string>{error_at(5, 12, "speed must be a number of pixels per second")});
}

TEST_F(PlaylistLoader, SpeedOutOfRange) {
  for (const char* speed : {"0", "-5", "1000.5", "1e9"}) {
    EXPECT_EQ(problems_with_item(std::string("    text: x\n    speed: ") + speed + "\n"),
              std::vector<std::string>{
                  error_at(5, 12, "speed must be more than 0 and at most 1000 pixels per second")})
        << speed;
  }
  for (const char* speed : {".inf", ".nan", "[32]", ""}) {
    EXPECT_EQ(problems_with_item(std::string("    text: x\n    speed: ") + speed + "\n").size(), 1u)
        << speed;
  }
  EXPECT_TRUE(problems_with_item("    text: x\n    speed: 1000\n").empty());
  EXPECT_TRUE(problems_with_item("    text: x\n    speed: 0.5\n").empty());
}

TEST_F(PlaylistLoader, PassesMustBeAWholeNumberAtLeastOne) {
  for (const char* passes : {"0", "-1", "2.5", "two", "99999999999"}) {
    EXPECT_EQ(
        problems_with_item(std::string("    text: x\n    passes: ") + passes + "\n"),
        std::vector<std::string>{error_at(5, 13, "passes must be a whole number from 1 to 1000")})
        << passes;
  }
}

TEST_F(PlaylistLoader, UnknownEffect) {
  EXPECT_EQ(problems_with_item("    text: x\n    effect: marquee\n"),
            std::vector<std::string>{error_at(
                5, 13, "unknown effect 'marquee' (effects: scroll, static, page, blink, fade)")});
  EXPECT_EQ(
      problems_with_item("    text: x\n    effect: scrol\n"),
      std::vector<std::string>{error_at(5, 13, "unknown effect 'scrol' (did you mean 'scroll'?)")});
}

TEST_F(PlaylistLoader, UnknownKeySuggestsTheNearestKnownOne) {
  EXPECT_EQ(problems_with_item("    text: x\n    sped: 40\n"),
            std::vector<std::string>{error_at(5, 5, "unknown key 'sped' (did you mean 'speed'?)")});
  EXPECT_EQ(
      problems_with_item("    text: x\n    taregts: [all]\n"),
      std::vector<std::string>{error_at(5, 5, "unknown key 'taregts' (did you mean 'targets'?)")});
  EXPECT_EQ(
      problems_with_item("    text: x\n    Speed: 40\n"),
      std::vector<std::string>{error_at(5, 5, "unknown key 'Speed' (did you mean 'speed'?)")});
}

TEST_F(PlaylistLoader, UnknownKeyWithNothingCloseListsTheKnownKeys) {
  EXPECT_EQ(problems_with_item("    text: x\n    background: red\n"),
            std::vector<std::string>{error_at(
                5, 5,
                "unknown key 'background' (known keys: id, text, image, qr, video, document, fit, "
                "side, qr-level, effect, speed, passes, duration, colour, priority, weight, from, "
                "until, schedule, targets)")});
}

TEST_F(PlaylistLoader, UnknownTopLevelKey) {
  const auto loaded = load("playlist: p\ntitel: Tin\nitems:\n  - id: a\n    text: x\n");
  EXPECT_EQ(texts(loaded.diagnostics), std::vector<std::string>{error_at(
                                           2, 1, "unknown key 'titel' (did you mean 'title'?)")});
}

TEST_F(PlaylistLoader, RepeatedKeyIsAnError) {
  EXPECT_EQ(problems_with_item("    text: x\n    speed: 10\n    speed: 20\n"),
            std::vector<std::string>{error_at(6, 5, "duplicate key 'speed' (first at line 5)")});
}

TEST_F(PlaylistLoader, MissingRequiredKeys) {
  const auto loaded = load("title: Tin\n");
  EXPECT_EQ(texts(loaded.diagnostics),
            (std::vector<std::string>{error_at(1, 1, "playlist file is missing 'playlist'"),
                                      error_at(1, 1, "playlist file is missing 'items'")}));

  EXPECT_EQ(problems_with_item("    speed: 10\n"),
            std::vector<std::string>{error_at(3, 5, "item is missing 'text'")});
  EXPECT_EQ(texts(load("playlist: p\nitems:\n  - text: x\n").diagnostics),
            std::vector<std::string>{error_at(3, 5, "item is missing 'id'")});
}

TEST_F(PlaylistLoader, EmptyTextIsReportedAtTheTextNode) {
  EXPECT_EQ(problems_with_item("    text: \"  \\t \"\n"),
            std::vector<std::string>{error_at(4, 11, "text is empty")});
  EXPECT_EQ(problems_with_item("    text: ''\n"),
            std::vector<std::string>{error_at(4, 11, "text is empty")});
}

TEST_F(PlaylistLoader, TextThatIsNotAStringIsReportedAtItsNode) {
  EXPECT_EQ(
      problems_with_item("    text: [Một, Hai]\n"),
      std::vector<std::string>{error_at(4, 11, "text must be text, not a list or a mapping")});
  EXPECT_EQ(problems_with_item("    text:\n    speed: 10\n"),
            std::vector<std::string>{error_at(4, 5, "text has no value")});
}

TEST_F(PlaylistLoader, ControlCharactersFromEscapesAreErrors) {
  EXPECT_EQ(problems_with_item("    text: \"Chu\\au\\0\"\n"),
            std::vector<std::string>{error_at(
                4, 11, "text contains a control character (U+0007), which no board can show")});
}

TEST_F(PlaylistLoader, NumbersAreAcceptedAsText) {
  const auto loaded = load("playlist: 2026\nitems:\n  - id: 115\n    text: 1900 1000\n");
  ASSERT_TRUE(loaded.value);
  EXPECT_TRUE(loaded.diagnostics.empty());
  EXPECT_EQ(loaded.value->name, "2026");
  EXPECT_EQ(loaded.value->items.at(0).id, "115");
  EXPECT_EQ(loaded.value->items.at(0).text, "1900 1000");
}

TEST_F(PlaylistLoader, DuplicateItemIdsInAFile) {
  const auto loaded = load(
      "playlist: p\nitems:\n  - id: a\n    text: Một\n  - id: b\n    text: Hai\n"
      "  - id: a\n    text: Ba\n");
  EXPECT_EQ(texts(loaded.diagnostics),
            std::vector<std::string>{error_at(7, 9, "duplicate item id 'a' (first at line 3)")});
  ASSERT_TRUE(loaded.value);
  ASSERT_EQ(loaded.value->items.size(), 2u);
  EXPECT_EQ(loaded.value->items[0].text, "Một");
}

TEST_F(PlaylistLoader, ReportsAllProblemsNotOnlyTheFirst) {
  const auto loaded = load(R"(playlist: cchc-2026
items:
  - id: a
    text: Một
  - id: b
    text: "   "
    sped: 40
  - id: c
    text: Hai
    speed: fast
  - id: a
    text: Ba
  - text: Bốn
    passes: 0
)");
  EXPECT_EQ(texts(loaded.diagnostics),
            (std::vector<std::string>{
                error_at(7, 5, "unknown key 'sped' (did you mean 'speed'?)"),
                error_at(6, 11, "text is empty"),
                error_at(10, 12, "speed must be a number of pixels per second"),
                error_at(11, 9, "duplicate item id 'a' (first at line 3)"),
                error_at(13, 5, "item is missing 'id'"),
                error_at(14, 13, "passes must be a whole number from 1 to 1000"),
            }));
  // What was good is still there; the bad items are left out.
  ASSERT_TRUE(loaded.value);
  ASSERT_EQ(loaded.value->items.size(), 1u);
  EXPECT_EQ(loaded.value->items[0].text, "Một");
}

TEST_F(PlaylistLoader, PlaylistMustBeAMapping) {
  EXPECT_EQ(texts(load("- a\n- b\n").diagnostics),
            std::vector<std::string>{error_at(
                1, 1, "a playlist must be a mapping with 'playlist', 'title' and 'items'")});
}

TEST_F(PlaylistLoader, ItemsMustBeAListOfMappings) {
  EXPECT_EQ(texts(load("playlist: p\nitems: Xin chào\n").diagnostics),
            std::vector<std::string>{
                error_at(2, 8, "items must be a list of items, each with 'id' and 'text'")});
  EXPECT_EQ(texts(load("playlist: p\nitems:\n  - Xin chào\n").diagnostics),
            std::vector<std::string>{error_at(3, 5,
                                              "each item must be a mapping with 'id' and 'text' "
                                              "(or an image, qr, video or document)")});
}

TEST_F(PlaylistLoader, NoItemsIsOnlyAWarning) {
  const auto loaded = load("playlist: p\nitems: []\n");
  ASSERT_TRUE(loaded.value);
  EXPECT_FALSE(has_errors(loaded.diagnostics));
  EXPECT_EQ(texts(loaded.diagnostics),
            std::vector<std::string>{at(file, 2, 8) + "warning: playlist has no items"});
}

TEST_F(PlaylistLoader, TargetsAreNotCheckedWithoutAConfig) {
  EXPECT_TRUE(problems_with_item("    text: x\n    targets: [anywhere]\n").empty());
}

TEST_F(PlaylistLoader, UnknownTargetSuggestsAKnownDisplayOrGroup) {
  const Config config = config_with_street_boards();
  EXPECT_EQ(problems_with_item("    text: x\n    targets: [cong-ubnd, strret]\n", &config),
            std::vector<std::string>{
                error_at(5, 26, "unknown display or group 'strret' (did you mean 'street'?)")});
  EXPECT_EQ(problems_with_item("    text: x\n    targets: [market]\n", &config),
            std::vector<std::string>{error_at(5, 15, "unknown display or group 'market'")});
}

TEST_F(PlaylistLoader, KnownTargetsAreAccepted) {
  const Config config = config_with_street_boards();
  EXPECT_TRUE(
      problems_with_item("    text: x\n    targets: [all, street, hoi-truong]\n", &config).empty());
}

TEST_F(PlaylistLoader, ASingleTargetNeedsNoBrackets) {
  const Config config = config_with_street_boards();
  const auto loaded =
      load("playlist: p\nitems:\n  - id: a\n    text: x\n    targets: street\n", &config);
  ASSERT_TRUE(loaded.value);
  EXPECT_TRUE(loaded.diagnostics.empty());
  EXPECT_EQ(loaded.value->items.at(0).targets, std::vector<std::string>{"street"});
}

TEST_F(PlaylistLoader, BadTargetsLists) {
  EXPECT_EQ(problems_with_item("    text: x\n    targets: {street: yes}\n"),
            std::vector<std::string>{error_at(
                5, 14, "targets must be a list of display names or groups, e.g. [street]")});
  EXPECT_EQ(problems_with_item("    text: x\n    targets: [street, '']\n"),
            std::vector<std::string>{error_at(5, 23, "targets contains an empty name")});
}

TEST_F(PlaylistLoader, EmptyTargetsListIsAWarning) {
  const auto problems = problems_with_item("    text: x\n    targets: []\n");
  EXPECT_EQ(problems,
            std::vector<std::string>{
                at(file, 5, 14) + "warning: targets is empty, so the item plays on every display"});
}

}  // namespace
}  // namespace bangtin
