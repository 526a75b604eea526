#include <gtest/gtest.h>

#include "bangtin/playlists.hpp"
#include "diagnostic_texts.hpp"
#include "temp_directory.hpp"

namespace bangtin {
namespace {

using testing::at;
using testing::TempDirectory;
using testing::texts;

constexpr std::string_view two_boards_config = R"(timezone: "+07:00"
playlists: playlists/
displays:
  - name: cong-ubnd
    size: 128x32
    link: modbus-tcp://127.0.0.1:1502?unit=1
    groups: [street]
  - name: hoi-truong
    size: 64x16
    pixel: rgb565
    link: modbus-tcp://127.0.0.1:1503?unit=1
    groups: [indoor]
)";

class ProgrammeLoader : public ::testing::Test {
 protected:
  ProgrammeLoader() { directory.write("bangtin.yaml", two_boards_config); }

  std::filesystem::path write_playlist(const std::string& name, std::string_view yaml) {
    return directory.write("playlists/" + name, yaml);
  }
  std::vector<std::string> ids_for(const Programme& programme, std::string_view display_name) {
    std::vector<std::string> ids;
    const DisplayConfig* display = find_display(programme.config, display_name);
    EXPECT_NE(display, nullptr) << display_name;
    if (!display) return ids;
    for (const Item* item : items_for(programme, *display)) ids.push_back(item->id);
    return ids;
  }

  TempDirectory directory;
  const std::filesystem::path config_file = directory.path() / "bangtin.yaml";
};

TEST_F(ProgrammeLoader, LoadsConfigAndEveryPlaylistInFileNameOrder) {
  write_playlist("20-cchc.yaml", R"(playlist: cchc-2026
items:
  - id: dich-vu-cong
    text: Nộp hồ sơ trực tuyến
    targets: [street]
  - id: tiep-dan
    text: Lịch tiếp công dân
)");
  write_playlist("10-an-toan.yml", R"(playlist: an-toan-giao-thong
items:
  - id: mu-bao-hiem
    text: Đội mũ bảo hiểm khi đi xe máy
    targets: [all]
  - id: hop-dan
    text: Họp dân tối thứ Sáu
    targets: [hoi-truong]
)");
  const auto loaded = load_programme(config_file);
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  ASSERT_TRUE(loaded.value);
  const Programme& programme = *loaded.value;
  EXPECT_EQ(programme.config.displays.size(), 2u);
  ASSERT_EQ(programme.playlists.size(), 2u);
  EXPECT_EQ(programme.playlists[0].name, "an-toan-giao-thong");
  EXPECT_EQ(programme.playlists[1].name, "cchc-2026");

  EXPECT_EQ(ids_for(programme, "cong-ubnd"),
            (std::vector<std::string>{"mu-bao-hiem", "dich-vu-cong", "tiep-dan"}));
  EXPECT_EQ(ids_for(programme, "hoi-truong"),
            (std::vector<std::string>{"mu-bao-hiem", "hop-dan", "tiep-dan"}));
}

TEST_F(ProgrammeLoader, BrokenPlaylistIsReportedAndLeftOut) {
  write_playlist("10-good.yaml", "playlist: good\nitems:\n  - id: a\n    text: Một\n");
  const auto broken =
      write_playlist("20-broken.yaml", "playlist: broken\nitems:\n  - id: b\n    text: [\n");
  const auto half_bad =
      write_playlist("30-half-bad.yaml",
                     "playlist: half\nitems:\n  - id: c\n    text: Ba\n  - id: d\n    text: Bốn\n"
                     "    targets: [strret]\n");
  write_playlist("40-good.yaml", "playlist: good-too\nitems:\n  - id: e\n    text: Năm\n");

  const auto loaded = load_programme(config_file);
  ASSERT_TRUE(loaded.value);
  EXPECT_EQ(
      texts(loaded.diagnostics),
      (std::vector<std::string>{
          at(broken, 5, 1) + "error: malformed YAML: did not find expected node content",
          broken.string() + ": warning: playlist left out because of the errors above",
          at(half_bad, 7, 15) + "error: unknown display or group 'strret' (did you mean 'street'?)",
          half_bad.string() + ": warning: playlist left out because of the errors above",
      }));
  ASSERT_EQ(loaded.value->playlists.size(), 2u);
  EXPECT_EQ(loaded.value->playlists[0].name, "good");
  EXPECT_EQ(loaded.value->playlists[1].name, "good-too");
}

TEST_F(ProgrammeLoader, DuplicateItemIdsAcrossFiles) {
  const auto first =
      write_playlist("10-first.yaml", "playlist: first\nitems:\n  - id: a\n    text: Một\n");
  const auto second = write_playlist(
      "20-second.yaml",
      "playlist: second\nitems:\n  - id: b\n    text: Hai\n  - id: a\n    text: Ba\n");
  const auto loaded = load_programme(config_file);
  ASSERT_TRUE(loaded.value);
  EXPECT_EQ(
      texts(loaded.diagnostics),
      (std::vector<std::string>{
          at(second, 5, 5) + "error: duplicate item id 'a' (first at " + first.string() + ":3:5)",
          second.string() + ": warning: playlist left out because of the errors above",
      }));
  ASSERT_EQ(loaded.value->playlists.size(), 1u);
  EXPECT_EQ(loaded.value->playlists[0].name, "first");
}

TEST_F(ProgrammeLoader, DuplicatePlaylistNamesAcrossFiles) {
  const auto first =
      write_playlist("10-first.yaml", "playlist: cchc\nitems:\n  - id: a\n    text: Một\n");
  const auto second =
      write_playlist("20-second.yaml", "playlist: cchc\nitems:\n  - id: b\n    text: Hai\n");
  const auto loaded = load_programme(config_file);
  ASSERT_TRUE(loaded.value);
  EXPECT_EQ(texts(loaded.diagnostics),
            (std::vector<std::string>{
                second.string() + ": error: duplicate playlist name 'cchc' (first in " +
                    first.string() + ")",
                second.string() + ": warning: playlist left out because of the errors above",
            }));
  EXPECT_EQ(loaded.value->playlists.size(), 1u);
}

TEST_F(ProgrammeLoader, EmptyPlaylistsDirectoryIsAWarning) {
  std::filesystem::create_directory(directory.path() / "playlists");
  const auto loaded = load_programme(config_file);
  ASSERT_TRUE(loaded.value);
  EXPECT_EQ(texts(loaded.diagnostics),
            std::vector<std::string>{config_file.string() +
                                     ": warning: no playlist files (*.yaml, *.yml) in '" +
                                     (directory.path() / "playlists").string() + "'"});
}

TEST_F(ProgrammeLoader, OnePlaylistFileInsteadOfADirectory) {
  const auto config = directory.write(
      "single.yaml",
      "playlists: one.yaml\ndisplays:\n  - name: a\n    size: 32x16\n    link: tcp://x\n");
  directory.write("one.yaml", "playlist: one\nitems:\n  - id: a\n    text: Một\n");
  const auto loaded = load_programme(config);
  ASSERT_TRUE(loaded.value);
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  ASSERT_EQ(loaded.value->playlists.size(), 1u);
  EXPECT_EQ(loaded.value->playlists[0].file, directory.path() / "one.yaml");
}

TEST_F(ProgrammeLoader, UnusableConfigGivesNothing) {
  const auto loaded = load_programme(directory.path() / "missing.yaml");
  EXPECT_FALSE(loaded.value);
  EXPECT_EQ(texts(loaded.diagnostics),
            std::vector<std::string>{(directory.path() / "missing.yaml").string() +
                                     ": error: cannot read file: No such file or directory"});
}

TEST_F(ProgrammeLoader, ConfigWithErrorsStillLoadsWhatItCan) {
  const auto config = directory.write(
      "partial.yaml",
      "playlists: lists\ndisplays:\n  - name: a\n    size: 32x16\n    link: tcp://x\n"
      "  - name: b\n    size: huge\n    link: tcp://y\n");
  directory.write("lists/p.yaml", "playlist: p\nitems:\n  - id: a\n    text: Một\n");
  const auto loaded = load_programme(config);
  ASSERT_TRUE(loaded.value);
  EXPECT_EQ(texts(loaded.diagnostics),
            std::vector<std::string>{at(config, 7, 11) +
                                     "error: size must be WIDTHxHEIGHT, e.g. 128x32"});
  EXPECT_EQ(loaded.value->config.displays.size(), 1u);
  EXPECT_EQ(loaded.value->playlists.size(), 1u);
}

TEST(ItemsFor, MatchesByNameGroupAllOrNoTargets) {
  Programme programme;
  DisplayConfig gate;
  gate.name = "cong-ubnd";
  gate.groups = {"street", "outdoor"};
  DisplayConfig hall;
  hall.name = "hoi-truong";
  programme.config.displays = {gate, hall};

  const auto item = [](std::string id, std::vector<std::string> targets) {
    Item made;
    made.id = std::move(id);
    made.text = "x";
    made.targets = std::move(targets);
    return made;
  };
  Playlist first;
  first.items = {item("untargeted", {}),
                 item("everyone", {"all"}),
                 item("by-name", {"cong-ubnd"}),
                 item("by-group", {"outdoor"}),
                 item("other-board", {"hoi-truong"}),
                 item("other-group", {"indoor"})};
  Playlist second;
  second.items = {item("either", {"indoor", "street"}), item("nobody", {"cho"})};
  programme.playlists = {first, second};

  std::vector<std::string> ids;
  for (const Item* chosen : items_for(programme, gate)) ids.push_back(chosen->id);
  EXPECT_EQ(ids,
            (std::vector<std::string>{"untargeted", "everyone", "by-name", "by-group", "either"}));
  ids.clear();
  for (const Item* chosen : items_for(programme, hall)) ids.push_back(chosen->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"untargeted", "everyone", "other-board"}));
  // The pointers are into the programme, so the daemon can keep them while it plays.
  EXPECT_EQ(items_for(programme, hall).front(), &programme.playlists[0].items[0]);
}

}  // namespace
TEST_F(ProgrammeLoader, AReloadParsesOnlyTheFilesThatChangedAndGivesWhatAFullLoadGives) {
  const std::string first = "playlist: mot\nitems:\n  - id: a\n    text: Một\n";
  const std::string second =
      "playlist: hai\nitems:\n  - id: b\n    text: Hai\n    targets: [ghost]\n";
  const auto first_file = write_playlist("1.yaml", first);
  const auto second_file = write_playlist("2.yaml", second);
  PlaylistCache cache;
  const auto loaded = load_programme(config_file, {}, &cache);
  ASSERT_TRUE(loaded.value);
  // Both files are kept by their bytes, with what loading them said ('ghost' is no display, so
  // the second is left out of the programme, and will be again without being parsed again).
  ASSERT_TRUE(cache.find(first_file, first));
  ASSERT_TRUE(cache.find(second_file, second));
  EXPECT_EQ(texts(cache.find(second_file, second)->diagnostics).at(0),
            texts(loaded.diagnostics).at(0));

  const std::string edited = "playlist: mot\nitems:\n  - id: a\n    text: Một lần nữa\n";
  write_playlist("1.yaml", edited);
  EXPECT_FALSE(cache.find(first_file, edited));  // new bytes: parsed again
  const auto reloaded = load_programme(config_file, {}, &cache);
  const auto fresh = load_programme(config_file);
  ASSERT_TRUE(reloaded.value && fresh.value);
  EXPECT_EQ(texts(reloaded.diagnostics), texts(fresh.diagnostics));
  EXPECT_EQ(reloaded.value->playlists.at(0).items.at(0).text, "Một lần nữa");
  EXPECT_EQ(reloaded.value->playlists.size(), 1u);
  EXPECT_FALSE(cache.find(first_file, first));  // the old bytes are forgotten
  EXPECT_TRUE(cache.find(first_file, edited));

  // A removed file is forgotten; a changed config parses every file again.
  std::filesystem::remove(second_file);
  load_programme(config_file, {}, &cache);
  EXPECT_FALSE(cache.find(second_file, second));
  directory.write("bangtin.yaml", std::string(two_boards_config) + "# edited\n");
  const auto before = cache.find(first_file, edited);
  ASSERT_TRUE(before);
  const auto items_before = before->value->items.size();
  load_programme(config_file, {}, &cache);
  ASSERT_TRUE(cache.find(first_file, edited));
  EXPECT_EQ(cache.find(first_file, edited)->value->items.size(), items_before);

  // Told of the programme its user keeps, the cache takes unchanged playlists from it.
  auto kept = load_programme(config_file, {}, &cache);
  ASSERT_TRUE(kept.value);
  const auto programme = std::make_shared<const Programme>(std::move(*kept.value));
  cache.remember(programme);
  const auto again = load_programme(config_file, {}, &cache);
  ASSERT_TRUE(again.value);
  EXPECT_EQ(again.value->playlists.at(0).items.at(0).text, "Một lần nữa");
  EXPECT_EQ(texts(again.diagnostics), texts(load_programme(config_file).diagnostics));
}

}  // namespace bangtin
