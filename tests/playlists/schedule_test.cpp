// The schedule over simulated days and weeks, with the real loader reading the playlists and
// play lengths given per item (what the renderer would say), so each case reads like the
// operator's file and the board's day.
#include <gtest/gtest.h>

#include <map>

#include "bangtin/schedule.hpp"
#include "diagnostic_texts.hpp"
#include "temp_directory.hpp"
#include "time_texts.hpp"

namespace bangtin {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using testing::iso;
using testing::TempDirectory;
using testing::texts;

constexpr minutes vietnam = 7h;

TimePoint local(std::string_view text) {
  const auto instant = parse_local_datetime(text, vietnam);
  if (!instant) throw std::invalid_argument("bad time in test: " + std::string(text));
  return *instant;
}

std::string local_text(TimePoint instant) { return iso(instant, vietnam); }

// One pass of each item; the whole play is its duration, or passes times the pass. A pass of 0
// is static text, which can stop at any instant.
using PassLengths = std::map<std::string, nanoseconds>;

PlayLength length_from(const PassLengths& passes, const Item& item) {
  const auto found = passes.find(item.id);
  const nanoseconds pass = found == passes.end() ? 10s : found->second;
  if (item.duration) return PlayLength{*item.duration, pass};
  return PlayLength{pass * item.passes, pass};
}

// A config with one street board and the given playlist, loaded as the daemon loads it.
class Board {
 public:
  explicit Board(std::string_view items, PassLengths passes = {},
                 std::string_view config_extra = "") {
    directory_.write("bangtin.yaml", "timezone: \"+07:00\"\nplaylists: playlists/\n" +
                                         std::string(config_extra) +
                                         "displays:\n"
                                         "  - name: cong-ubnd\n"
                                         "    size: 128x32\n"
                                         "    link: modbus-tcp://127.0.0.1:1502?unit=1\n"
                                         "    groups: [street]\n"
                                         "  - name: hoi-truong\n"
                                         "    size: 64x16\n"
                                         "    link: modbus-tcp://127.0.0.1:1503?unit=1\n"
                                         "    groups: [indoor]\n");
    directory_.write("playlists/cchc.yaml", "playlist: cchc\nitems:\n" + std::string(items));
    auto loaded = load_programme(directory_.path() / "bangtin.yaml");
    if (!loaded.value || !loaded.diagnostics.empty())
      throw std::runtime_error("test playlist does not load cleanly: " +
                               (loaded.diagnostics.empty() ? std::string("no value")
                                                           : texts(loaded.diagnostics).front()));
    programme_ = std::move(*loaded.value);
    schedule_.emplace(programme_, programme_.config.displays.at(0),
                      [passes](const Item& item) { return length_from(passes, item); });
  }

  const Schedule& schedule() const { return *schedule_; }

  // Every play from `first` until `last`, as the daemon's loop makes them.
  std::vector<Play> run(TimePoint first, TimePoint last) const {
    std::vector<Play> plays{schedule_->at(first)};
    while (plays.back().end <= last)
      plays.push_back(schedule_->next(plays.back().cursor, plays.back().end));
    return plays;
  }

 private:
  TempDirectory directory_;
  Programme programme_;
  std::optional<Schedule> schedule_;
};

std::string id_of(const Play& play) { return play.item ? play.item->id : "(idle)"; }

// "a 10:00:00-10:00:30", "(idle) ... interrupted" for comparing plays in one line.
std::string describe(const Play& play) {
  return id_of(play) + " " + local_text(play.start) + " - " + local_text(play.end) +
         (play.interrupted ? " interrupted" : "");
}

std::string describe(std::string_view id, std::string_view start, std::string_view end,
                     bool interrupted = false) {
  return std::string(id) + " " + local_text(local(start)) + " - " + local_text(local(end)) +
         (interrupted ? " interrupted" : "");
}

// --- What plays at given instants ------------------------------------------------------------

struct Expected {
  std::string_view at;
  std::string_view item;  // "(idle)" for nothing
  std::string_view start;
  std::string_view end;
  bool interrupted = false;
};

struct Case {
  std::string_view name;
  std::string_view items;
  PassLengths passes;
  std::vector<Expected> expected;
  std::string_view config_extra = "";
};

// 2026-11-23 is a Monday.
const Case cases[] = {
    {"rotation in file order, each for its length",
     R"(  - {id: a, text: Một}
  - {id: b, text: Hai}
  - {id: c, text: Ba}
)",
     {{"a", 10s}, {"b", 20s}, {"c", 5s}},
     {{"2026-11-24T00:00", "a", "2026-11-24T00:00", "2026-11-24T00:00:10"},
      {"2026-11-24T00:00:10", "b", "2026-11-24T00:00:10", "2026-11-24T00:00:30"},
      {"2026-11-24T00:00:34", "c", "2026-11-24T00:00:30", "2026-11-24T00:00:35"},
      {"2026-11-24T00:00:35", "a", "2026-11-24T00:00:35", "2026-11-24T00:00:45"},
      // 35 s a round: 822 rounds make 07:59:30.
      {"2026-11-24T07:59:59", "b", "2026-11-24T07:59:40", "2026-11-24T08:00"},
      {"2026-11-24T08:00", "c", "2026-11-24T08:00", "2026-11-24T08:00:05"},
      {"2026-11-24T08:00:05", "a", "2026-11-24T08:00:05", "2026-11-24T08:00:15"}}},

    {"weights repeat an item in each round",
     R"(  - {id: a, text: Một, weight: 3}
  - {id: b, text: Hai}
  - {id: c, text: Ba}
)",
     {{"a", 10s}, {"b", 10s}, {"c", 10s}},
     {{"2026-11-24T00:00:05", "a", "2026-11-24T00:00", "2026-11-24T00:00:10"},
      {"2026-11-24T00:00:15", "b", "2026-11-24T00:00:10", "2026-11-24T00:00:20"},
      {"2026-11-24T00:00:25", "c", "2026-11-24T00:00:20", "2026-11-24T00:00:30"},
      {"2026-11-24T00:00:35", "a", "2026-11-24T00:00:30", "2026-11-24T00:00:40"},
      {"2026-11-24T00:00:45", "a", "2026-11-24T00:00:40", "2026-11-24T00:00:50"},
      {"2026-11-24T00:00:55", "a", "2026-11-24T00:00:50", "2026-11-24T00:01"},
      {"2026-11-24T00:01:05", "b", "2026-11-24T00:01", "2026-11-24T00:01:10"}}},

    {"office hours on weekdays; idle until the window opens",
     R"(  - id: gio-lam-viec
    text: Giờ làm việc
    schedule:
      days: [mon..fri]
      hours: ["07:00-11:30", "13:30-17:00"]
)",
     {{"gio-lam-viec", 30s}},
     {{"2026-11-24T06:59:59", "(idle)", "2026-11-24T00:00", "2026-11-24T07:00"},
      {"2026-11-24T07:00", "gio-lam-viec", "2026-11-24T07:00", "2026-11-24T07:00:30"},
      {"2026-11-24T11:29:45", "gio-lam-viec", "2026-11-24T11:29:30", "2026-11-24T11:30"},
      {"2026-11-24T11:30", "(idle)", "2026-11-24T11:30", "2026-11-24T13:30"},
      {"2026-11-24T17:00", "(idle)", "2026-11-24T17:00", "2026-11-25T00:00"},
      // Saturday and Sunday: nothing all day.
      {"2026-11-28T09:00", "(idle)", "2026-11-28T00:00", "2026-11-29T00:00"},
      {"2026-11-29T09:00", "(idle)", "2026-11-29T00:00", "2026-11-30T00:00"},
      {"2026-11-30T07:00", "gio-lam-viec", "2026-11-30T07:00", "2026-11-30T07:00:30"}}},

    {"Vietnamese day names mean the same",
     R"(  - id: thu-hai-den-thu-sau
    text: x
    schedule: {days: [t2..t6], hours: "08:00-09:00"}
  - id: chu-nhat
    text: y
    schedule: {days: cn, hours: "08:00-09:00"}
)",
     {},
     {{"2026-11-27T08:00", "thu-hai-den-thu-sau", "2026-11-27T08:00", "2026-11-27T08:00:10"},
      {"2026-11-28T08:00", "(idle)", "2026-11-28T00:00", "2026-11-29T00:00"},
      {"2026-11-29T08:00", "chu-nhat", "2026-11-29T08:00", "2026-11-29T08:00:10"}}},

    {"a window crossing midnight belongs to the day it starts",
     R"(  - id: dem-thu-sau
    text: Đêm thứ Sáu
    schedule: {days: [fri], hours: ["22:00-02:00"]}
)",
     {{"dem-thu-sau", 60s}},
     {{"2026-11-26T23:00", "(idle)", "2026-11-26T00:00", "2026-11-27T00:00"},
      {"2026-11-27T01:00", "(idle)", "2026-11-27T00:00", "2026-11-27T22:00"},
      {"2026-11-27T22:00", "dem-thu-sau", "2026-11-27T22:00", "2026-11-27T22:01"},
      {"2026-11-27T23:59:30", "dem-thu-sau", "2026-11-27T23:59", "2026-11-28T00:00"},
      // The new day starts afresh at midnight, still inside Friday's window.
      {"2026-11-28T00:00", "dem-thu-sau", "2026-11-28T00:00", "2026-11-28T00:01"},
      {"2026-11-28T01:59:59", "dem-thu-sau", "2026-11-28T01:59", "2026-11-28T02:00"},
      {"2026-11-28T02:00", "(idle)", "2026-11-28T02:00", "2026-11-29T00:00"}}},

    {"date ranges include both ends",
     R"(  - id: tiep-dan
    text: Tiếp dân
    schedule: {dates: 2026-11-24..2026-11-25}
)",
     {{"tiep-dan", 60s}},
     {{"2026-11-23T23:59:59", "(idle)", "2026-11-23T00:00", "2026-11-24T00:00"},
      {"2026-11-24T00:00", "tiep-dan", "2026-11-24T00:00", "2026-11-24T00:01"},
      {"2026-11-25T23:59:59", "tiep-dan", "2026-11-25T23:59", "2026-11-26T00:00"},
      {"2026-11-26T00:00", "(idle)", "2026-11-26T00:00", "2026-11-27T00:00"}}},

    {"an urgent item cuts in at once; the cut item starts again when it expires",
     R"(  - {id: a, text: Một, passes: 3}
  - {id: b, text: Hai, passes: 3}
  - id: mat-dien
    text: "Thông báo: tạm ngừng tiếp nhận hồ sơ"
    priority: urgent
    from: 2026-11-24T10:00:07
    until: 2026-11-24T10:01:00
)",
     {{"a", 10s}, {"b", 10s}, {"mat-dien", 8s}},
     {{"2026-11-24T10:00:06", "a", "2026-11-24T10:00", "2026-11-24T10:00:07", true},
      {"2026-11-24T10:00:07", "mat-dien", "2026-11-24T10:00:07", "2026-11-24T10:00:15"},
      {"2026-11-24T10:00:15", "mat-dien", "2026-11-24T10:00:15", "2026-11-24T10:00:23"},
      // The last pass starts before until and is finished.
      {"2026-11-24T10:01:02", "mat-dien", "2026-11-24T10:00:55", "2026-11-24T10:01:03"},
      {"2026-11-24T10:01:03", "a", "2026-11-24T10:01:03", "2026-11-24T10:01:33"},
      {"2026-11-24T10:01:33", "b", "2026-11-24T10:01:33", "2026-11-24T10:02:03"}}},

    {"a cut item that expired meanwhile is not started again",
     R"(  - {id: a, text: Một, passes: 3, until: 2026-11-24T10:00:30}
  - {id: b, text: Hai, passes: 3}
  - id: mat-dien
    text: Mất điện
    priority: urgent
    from: 2026-11-24T10:00:07
    until: 2026-11-24T10:01:00
)",
     {{"a", 10s}, {"b", 10s}, {"mat-dien", 8s}},
     {{"2026-11-24T10:00:06", "a", "2026-11-24T10:00", "2026-11-24T10:00:07", true},
      {"2026-11-24T10:01:03", "b", "2026-11-24T10:01:03", "2026-11-24T10:01:33"},
      {"2026-11-24T10:01:33", "b", "2026-11-24T10:01:33", "2026-11-24T10:02:03"}}},

    {"urgent items take turns and cut into idle too",
     R"(  - id: office
    text: Giờ làm việc
    schedule: {hours: "07:00-17:00"}
  - id: bao
    text: Bão số 9
    priority: urgent
    from: 2026-11-24T05:00
    until: 2026-11-24T05:00:30
  - id: lu
    text: Lũ
    priority: urgent
    from: 2026-11-24T05:00:10
    until: 2026-11-24T05:00:30
)",
     {{"bao", 15s}, {"lu", 5s}},
     {{"2026-11-24T04:59", "(idle)", "2026-11-24T00:00", "2026-11-24T05:00"},
      {"2026-11-24T05:00:10", "bao", "2026-11-24T05:00", "2026-11-24T05:00:15"},
      {"2026-11-24T05:00:15", "lu", "2026-11-24T05:00:15", "2026-11-24T05:00:20"},
      {"2026-11-24T05:00:20", "bao", "2026-11-24T05:00:20", "2026-11-24T05:00:35"},
      {"2026-11-24T05:00:35", "(idle)", "2026-11-24T05:00:35", "2026-11-24T07:00"}}},

    {"a high item goes before normal ones at the next boundary, without cutting",
     R"(  - {id: a, text: Một, passes: 3}
  - {id: b, text: Hai, passes: 3}
  - id: bau-cu
    text: Bầu cử
    priority: high
    from: 2026-11-24T10:00:10
    until: 2026-11-24T10:01:00
)",
     {{"a", 10s}, {"b", 10s}, {"bau-cu", 20s}},
     {{"2026-11-24T10:00:10", "a", "2026-11-24T10:00", "2026-11-24T10:00:30"},
      {"2026-11-24T10:00:30", "bau-cu", "2026-11-24T10:00:30", "2026-11-24T10:00:50"},
      {"2026-11-24T10:00:50", "bau-cu", "2026-11-24T10:00:50", "2026-11-24T10:01:10"},
      // The rotation goes on after a, the last normal item that played.
      {"2026-11-24T10:01:10", "b", "2026-11-24T10:01:10", "2026-11-24T10:01:40"}}},

    {"an item expiring while it plays finishes the pass in progress; static text stops",
     R"(  - id: scroll
    text: Chữ chạy
    passes: 3
    until: 2026-11-24T10:00:15
  - id: still
    text: Chữ đứng
    effect: static
    duration: 1m
    from: 2026-11-24T10:00:30
    until: 2026-11-24T10:00:50
)",
     {{"scroll", 10s}, {"still", 0s}},
     {{"2026-11-24T10:00", "scroll", "2026-11-24T10:00", "2026-11-24T10:00:20"},
      {"2026-11-24T10:00:20", "(idle)", "2026-11-24T10:00:20", "2026-11-24T10:00:30"},
      {"2026-11-24T10:00:30", "still", "2026-11-24T10:00:30", "2026-11-24T10:00:50"},
      {"2026-11-24T10:00:50", "(idle)", "2026-11-24T10:00:50", "2026-11-25T00:00"}}},

    {"no play crosses midnight: whole passes that fit, then idle",
     R"(  - {id: dai, text: Dài, passes: 3}
)",
     {{"dai", 35s}},
     // 105 s a play: 822 plays make 23:58:30, when 90 s are left: two passes fit, then the 20 s
     // left are too few for one.
     {{"2026-11-24T23:58:29", "dai", "2026-11-24T23:56:45", "2026-11-24T23:58:30"},
      {"2026-11-24T23:59", "dai", "2026-11-24T23:58:30", "2026-11-24T23:59:40"},
      {"2026-11-24T23:59:50", "(idle)", "2026-11-24T23:59:40", "2026-11-25T00:00"},
      {"2026-11-25T00:00", "dai", "2026-11-25T00:00", "2026-11-25T00:01:45"}}},

    {"offices close on holidays; holiday items play only then",
     R"(  - id: mot-cua
    text: Bộ phận Một cửa
    schedule: {days: [mon..fri], except: [holidays], hours: "07:00-17:00"}
  - id: chuc-mung
    text: Chúc mừng ngày lễ
    schedule: {days: [holidays], hours: "07:00-17:00"}
)",
     {{"mot-cua", 60s}, {"chuc-mung", 60s}},
     // 2026-04-26 is Giỗ Tổ (a Sunday), 30/4 and 1/5 a Thursday and Friday; the config adds
     // 2026-04-29 and removes nothing.
     {{"2026-04-26T08:00", "chuc-mung", "2026-04-26T08:00", "2026-04-26T08:01"},
      {"2026-04-27T08:00", "mot-cua", "2026-04-27T08:00", "2026-04-27T08:01"},
      {"2026-04-28T08:00", "mot-cua", "2026-04-28T08:00", "2026-04-28T08:01"},
      {"2026-04-29T08:00", "chuc-mung", "2026-04-29T08:00", "2026-04-29T08:01"},
      {"2026-04-30T08:00", "chuc-mung", "2026-04-30T08:00", "2026-04-30T08:01"},
      {"2026-05-01T08:00", "chuc-mung", "2026-05-01T08:00", "2026-05-01T08:01"},
      {"2026-05-02T08:00", "(idle)", "2026-05-02T00:00", "2026-05-03T00:00"},
      {"2026-05-04T08:00", "mot-cua", "2026-05-04T08:00", "2026-05-04T08:01"},
      // Tết: 2026-02-16 (the last day of Ất Tỵ) to 2026-02-19.
      {"2026-02-13T08:00", "mot-cua", "2026-02-13T08:00", "2026-02-13T08:01"},
      {"2026-02-16T08:00", "chuc-mung", "2026-02-16T08:00", "2026-02-16T08:01"},
      {"2026-02-19T08:00", "chuc-mung", "2026-02-19T08:00", "2026-02-19T08:01"},
      {"2026-02-20T08:00", "mot-cua", "2026-02-20T08:00", "2026-02-20T08:01"}},
     "holidays:\n  extra: [2026-04-29]\n"},
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

class ScheduleCase : public ::testing::TestWithParam<Case> {};

TEST_P(ScheduleCase, PlaysAsExpected) {
  const Case& c = GetParam();
  const Board board(c.items, c.passes, c.config_extra);
  for (const Expected& expected : c.expected) {
    const Play play = board.schedule().at(local(expected.at));
    EXPECT_EQ(describe(play),
              describe(expected.item, expected.start, expected.end, expected.interrupted))
        << "at " << expected.at;
  }
}

// The daemon's loop, started at the local midnight before the first instant, shows at every
// instant what at() says: `bangtin render --at` and the board agree.
TEST_P(ScheduleCase, TheDaemonsLoopAgreesWithAt) {
  const Case& c = GetParam();
  const Board board(c.items, c.passes, c.config_extra);
  for (const Expected& expected : c.expected) {
    const TimePoint instant = local(expected.at);
    const TimePoint midnight = TimePoint(floor<days>(instant + vietnam)) - vietnam;
    const auto plays = board.run(midnight, instant);
    const auto on_air = std::find_if(plays.begin(), plays.end(), [&](const Play& play) {
      return play.start <= instant && instant < play.end;
    });
    ASSERT_NE(on_air, plays.end()) << expected.at;
    EXPECT_EQ(describe(*on_air), describe(board.schedule().at(instant))) << expected.at;
  }
}

INSTANTIATE_TEST_SUITE_P(Days, ScheduleCase, ::testing::ValuesIn(cases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name;
                           for (const char c : info.param.name)
                             name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

// --- A simulated week ------------------------------------------------------------------------

// A programme with most of what operators write, run as the daemon runs it for a week, with
// what must hold of every play checked against the items' own rules.
TEST(ScheduleWeek, EveryPlayOfAWeekFollowsTheRules) {
  const Board board(R"(  - id: dich-vu-cong
    text: Nộp hồ sơ trực tuyến
    passes: 2
    schedule: {days: [mon..fri], hours: ["07:00-11:30", "13:30-17:00"], except: [holidays]}
  - id: mot-cua
    text: Bộ phận Một cửa
    weight: 2
    schedule: {days: [mon..sat], hours: ["06:00-22:00"]}
  - id: dem
    text: Giữ gìn trật tự ban đêm
    schedule: {hours: ["21:00-01:30"]}
  - id: ngay-le
    text: Chúc mừng ngày lễ
    schedule: {days: [holidays]}
  - id: bau-cu
    text: Bầu cử
    priority: high
    schedule: {dates: 2026-04-28..2026-04-29, hours: ["09:00-10:00"]}
  - id: mat-dien
    text: Tạm ngừng tiếp nhận hồ sơ
    priority: urgent
    from: 2026-04-28T14:00:05
    until: 2026-04-28T14:30
  - id: thong-bao
    text: Thông báo ngắn
    effect: static
    duration: 15s
    from: 2026-04-27T12:00
    until: 2026-05-01T12:00
)",
                    {{"dich-vu-cong", 17s},
                     {"mot-cua", 23s},
                     {"dem", 41s},
                     {"ngay-le", 29s},
                     {"bau-cu", 13s},
                     {"mat-dien", 11s},
                     {"thong-bao", 0s}});
  const Schedule& schedule = board.schedule();
  const auto item_named = [&](std::string_view id) -> const Item& {
    return **std::find_if(schedule.items().begin(), schedule.items().end(),
                          [&](const Item* item) { return item->id == id; });
  };
  const Item& urgent = item_named("mat-dien");

  // Sunday 2026-04-26 (Giỗ Tổ) to Sunday 2026-05-03, 30/4 and 1/5 holidays on the way.
  const TimePoint start = local("2026-04-26T00:00");
  const TimePoint end = local("2026-05-03T00:00");
  const auto plays = board.run(start, end);
  std::map<std::string, int> count;
  for (std::size_t i = 0; i < plays.size(); ++i) {
    const Play& play = plays[i];
    SCOPED_TRACE(describe(play));
    ASSERT_LT(play.start, play.end);
    if (i > 0) {
      ASSERT_EQ(play.start, plays[i - 1].end);
    }
    // No play crosses a local midnight.
    ASSERT_EQ(floor<days>(play.start + vietnam), floor<days>(play.end - 1ns + vietnam));
    ++count[id_of(play)];
    if (!play.item) continue;
    // Ends are whole passes of its length, or a cut by the urgent item, or a static stop.
    const PlayLength& length = schedule.length_of(*play.item);
    const nanoseconds played = play.end - play.start;
    ASSERT_LE(played, length.whole);
    if (play.interrupted) {
      ASSERT_NE(play.item->priority, Priority::urgent);
      ASSERT_EQ(play.end, *urgent.from);
    } else if (length.pass > 0ns && played != length.whole) {
      ASSERT_EQ(played % length.pass, 0ns);
    } else {
      ASSERT_TRUE(length.pass == 0ns || played == length.whole);
    }
  }
  // Every instant of the urgent item's time shows it, except its first ones cutting in.
  for (TimePoint t = *urgent.from; t < *urgent.until; t += 7s)
    ASSERT_EQ(id_of(schedule.at(t)), "mat-dien") << local_text(t);
  // Something plays at all hours of the week but one: Sunday 03:00 shows ngay-le (Giỗ Tổ),
  // Saturday has mot-cua from 06:00; the only idle stretches are nights outside `dem`.
  EXPECT_EQ(id_of(schedule.at(local("2026-04-26T03:00"))), "ngay-le");
  EXPECT_EQ(id_of(schedule.at(local("2026-04-27T03:00"))), "(idle)");
  EXPECT_EQ(id_of(schedule.at(local("2026-04-28T09:30"))), "bau-cu");
  EXPECT_GT(count["dich-vu-cong"], 0);
  EXPECT_GT(count["thong-bao"], 0);
  EXPECT_GT(count["mat-dien"], 100);
  // dich-vu-cong never plays on the holidays.
  for (const Play& play : plays) {
    if (!play.item || play.item->id != "dich-vu-cong") continue;
    const sys_days day = floor<days>(play.start + vietnam);
    EXPECT_NE(day, sys_days(2026y / April / 30)) << describe(play);
    EXPECT_NE(day, sys_days(2026y / May / 1)) << describe(play);
  }
  // And at() agrees with the loop at instants all through the week.
  for (TimePoint t = start; t < end; t += 3h + 17min + 13s) {
    const auto on_air = std::find_if(plays.begin(), plays.end(), [&](const Play& play) {
      return play.start <= t && t < play.end;
    });
    ASSERT_NE(on_air, plays.end());
    EXPECT_EQ(describe(*on_air), describe(schedule.at(t)));
  }
}

// --- Pieces ----------------------------------------------------------------------------------

TEST(Schedule, NextInterruptFindsWhenAnUrgentItemBecomesEligible) {
  const Board board(R"(  - {id: a, text: Một}
  - id: u
    text: Khẩn
    priority: urgent
    schedule: {dates: 2026-11-24, hours: ["10:00-10:05", "10:05-10:10", "14:00-14:01"]}
)");
  const Schedule& schedule = board.schedule();
  EXPECT_EQ(schedule.next_interrupt(local("2026-11-24T09:00"), local("2026-11-24T11:00")),
            local("2026-11-24T10:00"));
  // 10:05 continues the same stretch; it is not a new start.
  EXPECT_EQ(schedule.next_interrupt(local("2026-11-24T10:00"), local("2026-11-24T15:00")),
            local("2026-11-24T14:00"));
  // Strictly between.
  EXPECT_FALSE(schedule.next_interrupt(local("2026-11-24T09:00"), local("2026-11-24T10:00")));
  EXPECT_FALSE(schedule.next_interrupt(local("2026-11-24T14:00"), local("2026-11-24T23:00")));
}

TEST(Schedule, ACursorByIdOutlivesAReload) {
  const Board before(R"(  - {id: a, text: Một}
  - {id: b, text: Hai}
  - {id: c, text: Ba}
)");
  const Play b = before.schedule().at(local("2026-11-24T08:00:15"));
  ASSERT_EQ(id_of(b), "b");
  // The same items with a new one before them: the rotation goes on after b, at c.
  const Board after(R"(  - {id: moi, text: Mới}
  - {id: a, text: Một}
  - {id: b, text: Hai}
  - {id: c, text: Ba}
)");
  EXPECT_EQ(id_of(after.schedule().next(b.cursor, b.end)), "c");
  // b removed: its position is unknown, so the rotation starts from the top.
  const Board removed(R"(  - {id: a, text: Một}
  - {id: c, text: Ba}
)");
  EXPECT_EQ(id_of(removed.schedule().next(b.cursor, b.end)), "a");
}

TEST(Schedule, CursorIfCutRestartsTheItem) {
  const Board board(R"(  - {id: a, text: Một}
  - {id: b, text: Hai}
)");
  const Play a = board.schedule().at(local("2026-11-24T08:00:05"));
  ASSERT_EQ(id_of(a), "a");
  EXPECT_EQ(id_of(board.schedule().next(a.cursor, a.end)), "b");
  const Play again = board.schedule().next(a.cursor_if_cut, local("2026-11-24T08:00:07"));
  EXPECT_EQ(describe(again), describe("a", "2026-11-24T08:00:07", "2026-11-24T08:00:17"));
}

TEST(Schedule, AStaleCursorStartsTheDayAfresh) {
  const Board board(R"(  - {id: a, text: Một}
  - {id: b, text: Hai}
)");
  const Play evening = board.schedule().at(local("2026-11-24T23:59:55"));
  ASSERT_EQ(id_of(evening), "b");
  EXPECT_EQ(id_of(board.schedule().next(evening.cursor, local("2026-11-25T00:00"))), "a");
}

TEST(Schedule, ItemsThatWouldPlayForNoTimeAreLeftOut) {
  const Board board(R"(  - {id: a, text: Một}
  - {id: b, text: Hai}
)",
                    {{"a", 0s}});
  ASSERT_EQ(board.schedule().items().size(), 1u);
  EXPECT_EQ(id_of(board.schedule().at(local("2026-11-24T08:00"))), "b");
}

TEST(Schedule, OnlyItemsTargetingTheDisplay) {
  const Board board(R"(  - {id: cho, text: Chợ, targets: [street]}
  - {id: hoi-truong, text: Hội trường, targets: [indoor]}
)");
  ASSERT_EQ(board.schedule().items().size(), 1u);
  EXPECT_EQ(board.schedule().items().front()->id, "cho");
  EXPECT_EQ(board.schedule().items().front()->playlist, "cchc");
}

TEST(Schedule, ADayWithNothingIsOneIdlePlay) {
  const Board board(R"(  - {id: a, text: Một, schedule: {dates: 2026-01-01}}
)");
  const Play play = board.schedule().at(local("2026-11-24T12:00"));
  EXPECT_EQ(describe(play), describe("(idle)", "2026-11-24T00:00", "2026-11-25T00:00"));
}

}  // namespace
}  // namespace bangtin
