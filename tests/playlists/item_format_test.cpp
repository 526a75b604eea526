// The full item and config format read into values: what each key becomes, and the forms an
// operator may write it in. (What goes wrong, and where it is reported, is the corpus's job.)
#include <gtest/gtest.h>

#include "bangtin/playlists.hpp"
#include "diagnostic_texts.hpp"
#include "temp_directory.hpp"
#include "time_texts.hpp"

namespace bangtin {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using testing::at;
using testing::TempDirectory;
using testing::texts;

constexpr std::string_view street_board = R"(displays:
  - name: cong-ubnd
    size: 128x32
    link: modbus-tcp://127.0.0.1:1502?unit=1
    groups: [street]
)";

class ItemFormat : public ::testing::Test {
 protected:
  ItemFormat() {
    directory.write("bangtin.yaml",
                    "timezone: \"+07:00\"\nplaylists: p.yaml\n" + std::string(street_board));
    directory.write("p.yaml", "playlist: p\nitems: []\n");
    config = *load_config(directory.path() / "bangtin.yaml").value;
  }

  // The one item of a playlist made of `item_lines` (indented by 4) after "- id: a".
  Loaded<Playlist> load(std::string_view item_lines) {
    const auto file =
        directory.write("p.yaml", "playlist: p\nitems:\n  - id: a\n" + std::string(item_lines));
    return load_playlist(file, &config);
  }
  Item item(std::string_view item_lines) {
    auto loaded = load(item_lines);
    EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
    EXPECT_TRUE(loaded.value && loaded.value->items.size() == 1);
    if (!loaded.value || loaded.value->items.empty()) return Item{};
    return loaded.value->items.front();
  }

  TempDirectory directory;
  Config config;
};

TimePoint vietnam_time(sys_days date, minutes time_of_day) { return date + time_of_day - 7h; }

TEST_F(ItemFormat, EveryKey) {
  const Item read = item(R"(    text: "Nộp hồ sơ trực tuyến: nhanh, tiết kiệm"
    effect: page
    speed: 40
    duration: 1m30s
    colour: "#FFB000"
    priority: high
    weight: 3
    from: 2026-11-01T07:30
    until: 2026-11-30
    schedule:
      dates: [2026-11-01..2026-11-15, 2026-11-20]
      days: [mon..fri, holidays]
      hours: ["07:00-11:30", "22:00-02:00"]
      except: [holidays, 2026-11-05..2026-11-06]
    targets: [street]
)");
  EXPECT_EQ(read.id, "a");
  EXPECT_EQ(read.playlist, "p");
  EXPECT_EQ(read.text, "Nộp hồ sơ trực tuyến: nhanh, tiết kiệm");
  EXPECT_EQ(read.text_where.line, 4);
  EXPECT_EQ(read.text_where.column, 11);
  EXPECT_EQ(read.effect, TextEffect::page);
  EXPECT_EQ(read.speed, 40);
  EXPECT_EQ(read.duration, 90s);
  EXPECT_EQ(read.colour, (Rgb{255, 176, 0}));
  EXPECT_EQ(read.priority, Priority::high);
  EXPECT_EQ(read.weight, 3);
  EXPECT_EQ(read.from, vietnam_time(2026y / November / 1, 7h + 30min));
  // A date alone as until includes that day.
  EXPECT_EQ(read.until, vietnam_time(2026y / December / 1, 0min));
  ASSERT_EQ(read.schedule.dates.size(), 2u);
  EXPECT_EQ(read.schedule.dates[0].first, sys_days(2026y / November / 1));
  EXPECT_EQ(read.schedule.dates[0].last, sys_days(2026y / November / 15));
  EXPECT_EQ(read.schedule.dates[1].first, sys_days(2026y / November / 20));
  EXPECT_EQ(read.schedule.dates[1].last, sys_days(2026y / November / 20));
  EXPECT_EQ(read.schedule.weekdays, std::bitset<7>(0b011'1110));
  EXPECT_TRUE(read.schedule.holidays);
  ASSERT_EQ(read.schedule.hours.size(), 2u);
  EXPECT_EQ(read.schedule.hours[0].start, 7h);
  EXPECT_EQ(read.schedule.hours[0].end, 11h + 30min);
  EXPECT_EQ(read.schedule.hours[1].start, 22h);
  EXPECT_EQ(read.schedule.hours[1].end, 2h);
  EXPECT_TRUE(read.schedule.except_holidays);
  ASSERT_EQ(read.schedule.except_dates.size(), 1u);
  EXPECT_EQ(read.schedule.except_dates[0].last, sys_days(2026y / November / 6));
  EXPECT_EQ(read.targets, std::vector<std::string>{"street"});
}

TEST_F(ItemFormat, Defaults) {
  const Item read = item("    text: x\n");
  EXPECT_EQ(read.effect, TextEffect::scroll);
  EXPECT_EQ(read.passes, 1);
  EXPECT_FALSE(read.duration);
  EXPECT_FALSE(read.colour);
  EXPECT_EQ(read.priority, Priority::normal);
  EXPECT_EQ(read.weight, 1);
  EXPECT_FALSE(read.from);
  EXPECT_FALSE(read.until);
  EXPECT_TRUE(read.schedule.dates.empty());
  EXPECT_TRUE(read.schedule.weekdays.all());
  EXPECT_FALSE(read.schedule.holidays);
  ASSERT_EQ(read.schedule.hours.size(), 1u);
  EXPECT_EQ(read.schedule.hours[0].start, 0min);
  EXPECT_EQ(read.schedule.hours[0].end, 24h);
  EXPECT_FALSE(read.schedule.except_holidays);
}

TEST_F(ItemFormat, FromAndUntilForms) {
  EXPECT_EQ(item("    text: x\n    from: 2026-11-25\n").from,
            vietnam_time(2026y / November / 25, 0min));
  EXPECT_EQ(item("    text: x\n    from: 2026-11-25 14:00\n").from,
            vietnam_time(2026y / November / 25, 14h));
  EXPECT_EQ(item("    text: x\n    until: 2026-11-25T17:00:30\n").until,
            vietnam_time(2026y / November / 25, 17h) + 30s);
}

TEST_F(ItemFormat, DayForms) {
  const auto weekdays = [&](std::string_view days) {
    return item("    text: x\n    schedule: {days: " + std::string(days) + "}\n").schedule.weekdays;
  };
  // Bit 0 is Sunday.
  EXPECT_EQ(weekdays("[Mon, TUE]"), std::bitset<7>(0b000'0110));
  EXPECT_EQ(weekdays("[fri..mon]"), std::bitset<7>(0b110'0011));
  EXPECT_EQ(weekdays("[t2..t6]"), std::bitset<7>(0b011'1110));
  EXPECT_EQ(weekdays("[t7, cn]"), std::bitset<7>(0b100'0001));
  EXPECT_EQ(weekdays("sat"), std::bitset<7>(0b100'0000));
  const Item holidays_only = item("    text: x\n    schedule: {days: [holidays]}\n");
  EXPECT_TRUE(holidays_only.schedule.weekdays.none());
  EXPECT_TRUE(holidays_only.schedule.holidays);
}

TEST_F(ItemFormat, HourForms) {
  const auto hours_of = [&](std::string_view hours) {
    return item("    text: x\n    schedule: {hours: " + std::string(hours) + "}\n").schedule.hours;
  };
  const auto window = hours_of("\"7:00 - 11:30\"").at(0);
  EXPECT_EQ(window.start, 7h);
  EXPECT_EQ(window.end, 11h + 30min);
  EXPECT_EQ(hours_of("[\"13:30–17:00\"]").at(0).end, 17h);  // an en dash, as word processors write
  EXPECT_EQ(hours_of("[\"00:00-24:00\"]").at(0).end, 24h);
}

TEST_F(ItemFormat, DurationForms) {
  const auto duration_of = [&](std::string_view written) {
    return item("    text: x\n    duration: " + std::string(written) + "\n").duration;
  };
  EXPECT_EQ(duration_of("20s"), 20s);
  EXPECT_EQ(duration_of("2m"), 2min);
  EXPECT_EQ(duration_of("1h"), 1h);
  EXPECT_EQ(duration_of("1m30s"), 90s);
  EXPECT_EQ(duration_of("1h 15m"), 75min);
  const auto problem = [&](std::string_view written) {
    const auto loaded = load("    text: x\n    duration: " + std::string(written) + "\n");
    return loaded.diagnostics.empty() ? std::string() : loaded.diagnostics.front().message;
  };
  EXPECT_EQ(problem("30s1m"), "write a duration like 20s, 2m, 1m30s or 1h");
  EXPECT_EQ(problem("20 sec"), "write a duration like 20s, 2m, 1m30s or 1h");
  EXPECT_EQ(problem("0s"), "a duration must be longer than 0s");
  EXPECT_EQ(problem("25h"), "a duration can be at most 24h");
}

TEST_F(ItemFormat, EffectsAndTheKeysTheyIgnore) {
  EXPECT_EQ(item("    text: x\n    effect: static\n    duration: 10s\n").effect, TextEffect::still);
  EXPECT_EQ(item("    text: x\n    effect: blink\n    passes: 3\n").effect, TextEffect::blink);
  EXPECT_EQ(item("    text: x\n    effect: fade\n").effect, TextEffect::fade);
  const auto loaded = load("    text: x\n    effect: static\n    speed: 20\n    passes: 2\n");
  EXPECT_EQ(texts(loaded.diagnostics),
            (std::vector<std::string>{
                at(loaded.value->file, 6, 12) + "warning: speed does not apply to effect static",
                at(loaded.value->file, 7, 13) +
                    "warning: passes does not apply to effect static; give its duration instead"}));
  // Warnings only: the item is loaded.
  EXPECT_EQ(loaded.value->items.size(), 1u);
}

TEST_F(ItemFormat, Colours) {
  EXPECT_EQ(item("    text: x\n    colour: red\n").colour, (Rgb{255, 0, 0}));
  EXPECT_EQ(item("    text: x\n    colour: \"#00ff7F\"\n").colour, (Rgb{0, 255, 127}));
  EXPECT_EQ(load("    text: x\n    colour: \"#12345\"\n").diagnostics.at(0).message,
            "colour must be #RRGGBB or one of white, red, green, blue, yellow, amber, orange, "
            "cyan, magenta");
}

TEST_F(ItemFormat, TimesAreReadAtTheConfigsOffset) {
  Config utc = config;
  utc.utc_offset = 0min;
  const auto file = directory.write(
      "p.yaml", "playlist: p\nitems:\n  - id: a\n    text: x\n    from: 2026-11-25T08:00\n");
  EXPECT_EQ(load_playlist(file, &utc).value->items.at(0).from,
            sys_days(2026y / November / 25) + 8h);
  EXPECT_EQ(load_playlist(file, &config).value->items.at(0).from,
            sys_days(2026y / November / 25) + 1h);
}

class ConfigFormat : public ::testing::Test {
 protected:
  ConfigFormat() { directory.write("playlists/p.yaml", "playlist: p\nitems: []\n"); }
  Loaded<Config> load(std::string_view lines) {
    return load_config(directory.write(
        "etc/bangtin.yaml",
        "playlists: ../playlists\n" + std::string(lines) + std::string(street_board)));
  }
  TempDirectory directory;
};

TEST_F(ConfigFormat, StateDefaultsToBesideTheConfig) {
  const auto loaded = load("");
  ASSERT_TRUE(loaded.value);
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  EXPECT_EQ(loaded.value->state, directory.path() / "etc" / "state");
  EXPECT_EQ(load("state: /var/lib/bangtin\n").value->state, "/var/lib/bangtin");
  EXPECT_EQ(load("state: ../var/\n").value->state, directory.path() / "var");
}

TEST_F(ConfigFormat, IdleContent) {
  EXPECT_EQ(load("").value->idle.kind, IdleContent::Kind::clock);
  EXPECT_EQ(load("idle: clock\n").value->idle.kind, IdleContent::Kind::clock);
  const auto text = load("idle: {text: \"UBND xa\u0303 Hòa Bình\"}\n");
  ASSERT_TRUE(text.value);
  EXPECT_TRUE(text.diagnostics.empty()) << texts(text.diagnostics).front();
  EXPECT_EQ(text.value->idle.kind, IdleContent::Kind::text);
  EXPECT_EQ(text.value->idle.text, "UBND xã Hòa Bình");  // NFC, like item texts
  EXPECT_EQ(text.value->idle.text_where.line, 2);
  EXPECT_EQ(texts(load("idle: {text: \"\"}\n").diagnostics).size(), 1u);
}

TEST_F(ConfigFormat, Holidays) {
  const auto loaded =
      load("holidays:\n  extra: [2026-02-14..2026-02-22, 11-24]\n  removed: 2024-09-01\n");
  ASSERT_TRUE(loaded.value);
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  const HolidayAdjustments& holidays = loaded.value->holidays;
  ASSERT_EQ(holidays.extra.size(), 1u);
  EXPECT_EQ(holidays.extra[0].first, sys_days(2026y / February / 14));
  EXPECT_EQ(holidays.extra[0].last, sys_days(2026y / February / 22));
  EXPECT_EQ(holidays.extra_every_year, std::vector<month_day>{November / 24});
  ASSERT_EQ(holidays.removed.size(), 1u);
  EXPECT_EQ(holidays.removed[0].first, sys_days(2024y / September / 1));
  EXPECT_TRUE(is_holiday(holidays, 2026y / February / 20));
  EXPECT_FALSE(is_holiday(holidays, 2024y / September / 1));
}

TEST_F(ConfigFormat, ADisplayWithErrorsIsKeptAsATargetOnly) {
  const auto loaded = load("");
  ASSERT_TRUE(loaded.value);
  const auto broken = load_config(directory.write("broken.yaml", R"(playlists: playlists
displays:
  - name: cho
    size: 64x16
    link: x
    pixel: rgb556
    groups: [market]
)"));
  ASSERT_TRUE(broken.value);
  EXPECT_TRUE(broken.value->displays.empty());
  ASSERT_EQ(broken.value->displays_with_errors.size(), 1u);
  EXPECT_EQ(broken.value->displays_with_errors[0].name, "cho");
  EXPECT_EQ(broken.value->displays_with_errors[0].groups, std::vector<std::string>{"market"});
}

TEST(LooksLikeConfig, AHugeFileIsNotEvenParsed) {
  TempDirectory directory;
  // Valid YAML with `displays:`, but far over the size limit: the loader would refuse it, so
  // `bangtin validate` must send it to the loader rather than parse a gigantic file itself.
  std::string huge = "displays:\n  - name: a\n    size: 8x8\n    link: x\n";
  while (huge.size() <= 1024 * 1024) huge += "# " + std::string(78, '-') + "\n";
  EXPECT_FALSE(looks_like_config(directory.write("huge.yaml", huge)));
  huge.resize(1000);
  huge.resize(huge.rfind('\n') + 1);
  EXPECT_TRUE(looks_like_config(directory.write("small.yaml", huge)));
}

}  // namespace
}  // namespace bangtin
