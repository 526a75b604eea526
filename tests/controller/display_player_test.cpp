// The display's player: the schedule followed play after play, and reloads mid-play.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

const std::string kConfig =
    "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n"
    "  - name: cong-ubnd\n    size: 128x32\n    pixel: mono\n"
    "    link: modbus-tcp://127.0.0.1:1502\n";

const std::string kTwoItems = R"(playlist: test
items:
  - id: dich-vu-cong
    text: "Nộp hồ sơ trực tuyến"
    speed: 50
  - id: mot-cua
    text: "Bộ phận Một cửa"
    speed: 50
)";

class PlayerTest : public ::testing::Test {
 protected:
  Programme programme_with(const std::string& playlist) {
    dir_.write("playlists/test.yaml", playlist);
    Loaded<Programme> loaded = load_programme(dir_.write("bangtin.yaml", kConfig));
    EXPECT_FALSE(has_errors(loaded.diagnostics));
    for (const auto& d : loaded.diagnostics) ADD_FAILURE() << d.to_string();
    return std::move(*loaded.value);
  }
  ScratchDir dir_;
};

// A playlist of `count` still notices, muc-0, muc-1, ..., five seconds each.
std::string five_second_notices(int count) {
  std::string playlist = "playlist: test\nitems:\n";
  for (int i = 0; i < count; ++i) {
    playlist += "  - id: muc-" + std::to_string(i) + "\n    text: \"Thông báo số " +
                std::to_string(i) + "\"\n    effect: static\n    duration: 5s\n";
  }
  return playlist;
}

std::string on_air_id(const DisplayPlayer& player) {
  const Play* play = player.on_air();
  return play && play->item ? play->item->id : "(idle)";
}

}  // namespace

TEST_F(PlayerTest, FollowsTheScheduleAndAgreesWithAFreshPlayerAtEveryInstant) {
  const Programme programme = programme_with(kTwoItems);
  const DisplayConfig& display = programme.config.displays.front();
  DisplayPlayer running(programme, display);
  std::vector<DisplayPlayer::Change> changes;
  for (auto t = tuesday_morning(); t < tuesday_morning() + 10min; t += 777ms) {
    const Frame frame = running.frame_at(t, &changes);
    if ((t - tuesday_morning()) % 60s < 777ms) {  // now and then, a fresh player at the same t
      DisplayPlayer fresh(programme, display);
      ASSERT_EQ(fresh.frame_at(t), frame) << "at +" << (t - tuesday_morning()) / 1s << " s";
    }
  }
  ASSERT_GT(changes.size(), 10u);
  for (std::size_t i = 1; i < changes.size(); ++i) {
    ASSERT_TRUE(changes[i].ended);
    EXPECT_EQ(changes[i].ended->end, changes[i].started.start);  // no gap, no overlap
    EXPECT_FALSE(changes[i].ended_early);
    EXPECT_NE(changes[i].ended->item->id, changes[i].started.item->id);  // they alternate
  }
}

TEST_F(PlayerTest, AReloadLetsTheItemOnAirFinishAndThenPlaysTheNewProgramme) {
  DisplayPlayer player(programme_with(kTwoItems), programme_with(kTwoItems).config.displays[0]);
  const auto t = tuesday_morning();
  player.frame_at(t);
  const Play before = *player.on_air();
  const std::string before_id = before.item->id;  // the play's item lives as long as its content
  const Frame frame_before = player.frame_at(t + 1s);

  const Programme bigger = programme_with(kTwoItems + R"(  - id: gio-lam-viec
    text: "Giờ làm việc: 7:30–11:30, 13:30–17:00"
    speed: 50
)");
  std::vector<DisplayPlayer::Change> changes;
  player.reload(bigger, t + 1s, &changes);
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(player.on_air()->item->id, before_id);
  EXPECT_EQ(player.on_air()->end, before.end);
  EXPECT_EQ(player.frame_at(t + 1s), frame_before);

  // The rotation goes on from where it was, now through three items.
  std::vector<std::string> order;
  for (auto now = before.end; order.size() < 4; now = player.on_air()->end) {
    player.frame_at(now);
    order.push_back(on_air_id(player));
  }
  const std::string after = before_id == "dich-vu-cong" ? "mot-cua" : "gio-lam-viec";
  EXPECT_EQ(order[0], after);
  EXPECT_EQ(std::count(order.begin(), order.end(), "gio-lam-viec"), 1 + (after == "gio-lam-viec"));
}

TEST_F(PlayerTest, AnEditedItemRestartsAtOnceWithItsNewText) {
  const Programme programme = programme_with(kTwoItems);
  DisplayPlayer player(programme, programme.config.displays[0]);
  const auto t = tuesday_morning();
  player.frame_at(t);
  const std::string first = on_air_id(player);

  std::string edited = kTwoItems;
  const std::string old_text = first == "dich-vu-cong" ? "Nộp hồ sơ trực tuyến" : "Bộ phận Một cửa";
  edited.replace(edited.find(old_text), old_text.size(), "Văn bản đã sửa");
  std::vector<DisplayPlayer::Change> changes;
  player.reload(programme_with(edited), t + 2s, &changes);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].ended_early);
  EXPECT_EQ(changes[0].ended->end, t + 2s);
  EXPECT_EQ(changes[0].started.start, t + 2s);
  EXPECT_EQ(on_air_id(player), first);
  EXPECT_EQ(player.on_air()->item->text, "Văn bản đã sửa");
}

TEST_F(PlayerTest, ARemovedItemIsCutAtOnceAndTheRotationGoesOn) {
  const Programme programme = programme_with(kTwoItems);
  DisplayPlayer player(programme, programme.config.displays[0]);
  const auto t = tuesday_morning();
  player.frame_at(t);
  const std::string first = on_air_id(player);
  const std::string other = first == "dich-vu-cong" ? "mot-cua" : "dich-vu-cong";
  const std::string kept_text =
      other == "dich-vu-cong" ? "Nộp hồ sơ trực tuyến" : "Bộ phận Một cửa";

  std::vector<DisplayPlayer::Change> changes;
  player.reload(programme_with("playlist: test\nitems:\n  - id: " + other + "\n    text: \"" +
                               kept_text + "\"\n    speed: 50\n"),
                t + 2s, &changes);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].ended_early);
  EXPECT_EQ(on_air_id(player), other);
  EXPECT_EQ(player.on_air()->start, t + 2s);
}

TEST_F(PlayerTest, AnUrgentNoticeCutsInAtOnceAndTheBoardReturnsWhenItExpires) {
  const Programme programme = programme_with(kTwoItems);
  DisplayPlayer player(programme, programme.config.displays[0]);
  const auto t = tuesday_morning();  // 08:00 local
  player.frame_at(t);
  const std::string cut = on_air_id(player);

  std::vector<DisplayPlayer::Change> changes;
  player.reload(programme_with(kTwoItems + R"(  - id: mat-dien
    text: "Thông báo: tạm ngừng tiếp nhận hồ sơ"
    effect: static
    duration: 30s
    priority: urgent
    until: 2026-11-24T08:01
)"),
                t + 3s, &changes);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(on_air_id(player), "mat-dien");
  EXPECT_EQ(changes[0].started.start, t + 3s);

  // The notice plays until 08:01; then the item it cut starts again from its beginning.
  std::string after;
  for (auto now = t + 3s; now < t + 5min; now = player.on_air()->end) {
    player.frame_at(now);
    if (on_air_id(player) != "mat-dien") {
      after = on_air_id(player);
      EXPECT_GE(now, t + 60s);
      break;
    }
  }
  EXPECT_EQ(after, cut);
}

TEST_F(PlayerTest, IdleGivesWayAtOnceToANewlyEligibleItem) {
  const std::string sundays =
      "playlist: test\nitems:\n  - id: chu-nhat\n    text: \"Chủ Nhật\"\n"
      "    schedule:\n      days: [sun]\n";
  const Programme programme = programme_with(sundays);
  DisplayPlayer player(programme, programme.config.displays[0]);
  const auto t = tuesday_morning();
  const Frame idle = player.frame_at(t);
  EXPECT_EQ(on_air_id(player), "(idle)");
  EXPECT_GT(idle.lit_count(), 50);  // the clock, never a dark board
  std::vector<DisplayPlayer::Change> changes;
  player.reload(programme_with(sundays + "  - id: moi\n    text: \"Tin mới\"\n"), t + 5s, &changes);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(on_air_id(player), "moi");
}

namespace {

const std::string kZonedBoard = R"(timezone: "+07:00"
playlists: playlists/
displays:
  - name: sanh-ubnd
    size: 192x64
    pixel: rgb565
    link: modbus-tcp://127.0.0.1:1502
    colour: "#FFB000"
    brightness: [{from: "06:00", percent: 100}, {from: "18:00", percent: 25}]
    zones:
      - {rect: "0,0,192,16", role: title, text: "CẢI CÁCH HÀNH CHÍNH"}
      - {rect: "0,16,192,48", role: content}
)";

// The brightest channel value in a band of rows.
int brightest(const Frame& frame, int top, int bottom) {
  int most = 0;
  for (int y = top; y < bottom; ++y)
    for (int x = 0; x < frame.width; ++x) {
      const Rgb c = frame.pixel(x, y);
      most = std::max({most, int(c.r), int(c.g), int(c.b)});
    }
  return most;
}

}  // namespace

TEST(PlayerLook, ZonesShowTheTitleAndTheBoardDimsAtNight) {
  ScratchDir dir;
  dir.write("playlists/test.yaml",
            "playlist: t\nitems:\n  - id: a\n    text: \"Một cửa\"\n"
            "    effect: static\n    duration: 1h\n");
  Loaded<Programme> loaded = load_programme(dir.write("bangtin.yaml", kZonedBoard));
  for (const auto& d : loaded.diagnostics) ADD_FAILURE() << d.to_string();
  ASSERT_TRUE(loaded.value);
  DisplayPlayer player(*loaded.value, loaded.value->config.displays[0]);

  const Frame day = player.frame_at(tuesday_morning());  // 08:00
  EXPECT_GT(brightest(day, 0, 16), 200);                 // the title, in the display's amber
  EXPECT_GT(brightest(day, 16, 64), 200);                // the item
  const Rgb amber = [&] {
    for (int y = 0; y < 16; ++y)
      for (int x = 0; x < 192; ++x)
        if (day.pixel(x, y).r > 240) return day.pixel(x, y);
    return Rgb{};
  }();
  EXPECT_GT(amber.g, 150);
  EXPECT_LT(amber.b, 40);

  const Frame night = player.frame_at(tuesday_morning() + std::chrono::hours(12));  // 20:00
  EXPECT_LE(brightest(night, 0, 64), 255 * 25 / 100 + 8);
  EXPECT_GT(brightest(night, 0, 64), 255 * 25 / 100 - 16);
}

TEST_F(PlayerTest, AnItemTheRendererRefusesIsLeftOutAndTheOthersPlay) {
  std::string long_text;
  for (int i = 0; i < 60; ++i) long_text += "Cải cách hành chính vì người dân. ";
  // A thousand rounds of some sixty pages shown five seconds each: longer than a day.
  const Programme programme =
      programme_with(kTwoItems + "  - id: qua-dai\n    text: \"" + long_text +
                     "\"\n    effect: page\n    passes: 1000\n");
  DisplayPlayer player(programme, programme.config.displays[0]);
  ASSERT_EQ(player.problems().size(), 1u);
  EXPECT_NE(player.problems()[0].find("test.yaml:9:5: error: item 'qua-dai' cannot be drawn"),
            std::string::npos)
      << player.problems()[0];
  std::set<std::string> played;
  for (auto t = tuesday_morning(); t < tuesday_morning() + std::chrono::minutes(5);
       t = player.on_air()->end) {
    player.frame_at(t);
    played.insert(on_air_id(player));
  }
  EXPECT_EQ(played, (std::set<std::string>{"dich-vu-cong", "mot-cua"}));
}

TEST_F(PlayerTest, DrawsAnItemOnlyWhenItGoesOnAirAndKeepsItForItsNextPlay) {
  const Programme programme = programme_with(five_second_notices(200));
  DisplayPlayer player(programme, programme.config.displays.front());
  // Two hundred items scheduled, none drawn yet.
  EXPECT_EQ(player.prepared_cache().items, 0u);
  // Moving through the schedule without frames (plan, report) draws nothing either.
  // The day's rotation from midnight: 5 s plays, 200 items, so 162 at 08:00:12.
  player.advance(tuesday_morning() + 12s);
  EXPECT_EQ(on_air_id(player), "muc-162");
  EXPECT_EQ(player.prepared_cache().items, 0u);

  const Frame third = player.frame_at(tuesday_morning() + 12s);
  EXPECT_EQ(player.prepared_cache().items, 1u);
  EXPECT_GT(player.prepared_cache().bytes, 0u);
  EXPECT_EQ(player.prepared_cache().budget, kDefaultDisplayMemoryBytes);
  player.frame_at(tuesday_morning() + 17s);
  EXPECT_EQ(on_air_id(player), "muc-163");
  EXPECT_EQ(player.prepared_cache().items, 2u);
  // What a fresh player draws at the same instant is the same picture.
  DisplayPlayer fresh(programme, programme.config.displays.front());
  EXPECT_EQ(fresh.frame_at(tuesday_morning() + 12s), third);
}

TEST_F(PlayerTest, DrawsTheNextItemAheadSoThatItsPlayFindsItReady) {
  const Programme programme = programme_with(five_second_notices(20));
  const DisplayConfig& display = programme.config.displays.front();
  DisplayPlayer player(programme, display);
  player.draw_ahead();
  const auto on_air_at = tuesday_morning() + 1s;
  player.frame_at(on_air_at);
  EXPECT_EQ(on_air_id(player), "muc-0");
  // The next item is drawn on the player's own thread and taken in at a later frame.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (player.prepared_cache().items < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
    player.frame_at(on_air_at);
  }
  ASSERT_EQ(player.prepared_cache().items, 2u);
  // Its play takes it from there, drawn exactly as a player drawing it then and there would.
  const Frame next = player.frame_at(tuesday_morning() + 6s);
  EXPECT_EQ(on_air_id(player), "muc-1");
  DisplayPlayer fresh(programme, display);
  EXPECT_EQ(fresh.frame_at(tuesday_morning() + 6s), next);
  EXPECT_GE(player.prepared_cache().items, 2u);
}

TEST(PlayerMemory, KeepsNoMoreDrawnItemsThanTheDisplaysMemoryHolds) {
  ScratchDir dir;
  dir.write("playlists/test.yaml", five_second_notices(4));
  // A 640x360 colour screen: each still item drawn takes close to a megabyte.
  const Loaded<Programme> loaded =
      load_programme(dir.write("bangtin.yaml",
                               "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n"
                               "  - name: sanh\n    size: 640x360\n    pixel: rgb888\n"
                               "    link: modbus-tcp://127.0.0.1:1502\n    memory: 2MB\n"));
  ASSERT_TRUE(loaded.value);
  ASSERT_FALSE(has_errors(loaded.diagnostics));
  DisplayPlayer player(*loaded.value, loaded.value->config.displays.front());
  for (int play = 0; play < 4; ++play) player.frame_at(tuesday_morning() + play * 5s + 1s);
  const PreparedCacheStatus kept = player.prepared_cache();
  EXPECT_EQ(kept.budget, std::size_t{2} << 20);
  EXPECT_LE(kept.bytes, kept.budget);
  EXPECT_GE(kept.items, 1u);
  EXPECT_LT(kept.items, 4u);
}
