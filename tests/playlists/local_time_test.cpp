#include <gtest/gtest.h>

#include "bangtin/playlists.hpp"

namespace bangtin {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

sys_seconds utc(year_month_day date, hours h, minutes m = 0min, seconds s = 0s) {
  return sys_days(date) + h + m + s;
}

TEST(ParseLocalDatetime, ReadsLocalTimeAtTheOffset) {
  const auto parsed = parse_local_datetime("2026-11-24T08:00:00", 7h);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, utc(2026y / November / 24, 1h));
}

TEST(ParseLocalDatetime, SecondsAreOptional) {
  EXPECT_EQ(parse_local_datetime("2026-11-24T08:30", 7h), utc(2026y / November / 24, 1h, 30min));
  // Outside what a 64-bit nanosecond clock holds, and what playlists allow: refused, not wrapped.
  EXPECT_FALSE(parse_local_datetime("1013-11-25T12:00", 7h));
  EXPECT_FALSE(parse_local_datetime("9999-12-31T23:59", 7h));
  EXPECT_TRUE(parse_local_datetime("2200-12-31T23:59", 7h));
  EXPECT_EQ(parse_local_datetime("2026-11-24T08:30:15", 7h),
            utc(2026y / November / 24, 1h, 30min, 15s));
}

TEST(ParseLocalDatetime, SpaceInsteadOfT) {
  EXPECT_EQ(parse_local_datetime("2026-11-24 08:00", 7h), utc(2026y / November / 24, 1h));
}

TEST(ParseLocalDatetime, EarlyMorningIsTheDayBeforeInUtc) {
  EXPECT_EQ(parse_local_datetime("2026-01-01T03:00", 7h), utc(2025y / December / 31, 20h));
}

TEST(ParseLocalDatetime, WestOfGreenwich) {
  EXPECT_EQ(parse_local_datetime("2026-11-24T22:00", -(5h + 30min)),
            utc(2026y / November / 25, 3h, 30min));
  EXPECT_EQ(parse_local_datetime("2026-11-24T22:00", 0min), utc(2026y / November / 24, 22h));
}

TEST(ParseLocalDatetime, CalendarEdges) {
  EXPECT_EQ(parse_local_datetime("2028-02-29T00:00", 0min), utc(2028y / February / 29, 0h));
  EXPECT_EQ(parse_local_datetime("2026-12-31T23:59:59", 0min),
            utc(2026y / December / 31, 23h, 59min, 59s));
  EXPECT_EQ(parse_local_datetime("1969-12-31T23:00", 0min), utc(1969y / December / 31, 23h));
}

TEST(ParseLocalDatetime, RejectsImpossibleDatesAndTimes) {
  for (const char* text :
       {"2026-11-24T25:00", "2026-11-24T24:00", "2026-11-24T08:60", "2026-11-24T08:00:60",
        "2026-13-01T08:00", "2026-00-10T08:00", "2026-02-30T08:00", "2026-02-29T08:00",
        "2026-04-31T08:00", "2026-11-00T08:00"}) {
    EXPECT_FALSE(parse_local_datetime(text, 7h)) << text;
  }
}

TEST(ParseLocalDatetime, RejectsOtherShapesAndTrailingJunk) {
  for (const char* text :
       {"", "2026-11-24", "2026-11-24T", "2026-11-24T08", "2026-11-24T8:00", "2026-1-24T08:00",
        "26-11-24T08:00", "2026/11/24T08:00", "2026-11-24T08:00:00Z", "2026-11-24T08:00:00+07:00",
        "2026-11-24T08:00:00.5", "2026-11-24T08:00 ", " 2026-11-24T08:00",
        "2026-11-24T08:00:", "2026-11-24x08:00", "24/11/2026 08:00", "+2026-11-24T08:00"}) {
    EXPECT_FALSE(parse_local_datetime(text, 7h)) << '"' << text << '"';
  }
}

TEST(ParseUtcOffset, AcceptedForms) {
  EXPECT_EQ(parse_utc_offset("+07:00"), 7h);
  EXPECT_EQ(parse_utc_offset("+0700"), 7h);
  EXPECT_EQ(parse_utc_offset("+07"), 7h);
  EXPECT_EQ(parse_utc_offset("-05:30"), -(5h + 30min));
  EXPECT_EQ(parse_utc_offset("+05:45"), 5h + 45min);
  EXPECT_EQ(parse_utc_offset("+14:00"), 14h);
  EXPECT_EQ(parse_utc_offset("-12:00"), -12h);
  EXPECT_EQ(parse_utc_offset("+00:00"), 0min);
  EXPECT_EQ(parse_utc_offset("Z"), 0min);
  EXPECT_EQ(parse_utc_offset("UTC"), 0min);
}

TEST(ParseUtcOffset, RejectedForms) {
  for (const char* text :
       {"", "07:00", "+7:00", "+07:0", "+07:", "+07:60", "+15:00", "+25:00", "+07:00 ", "GMT+7",
        "UTC+07:00", "Asia/Ho_Chi_Minh", "ICT", "z", "+07-00", "++07:00"}) {
    EXPECT_FALSE(parse_utc_offset(text)) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace bangtin
