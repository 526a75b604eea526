// The one place dates and times are written, for files, status, reports, logs and the panels'
// clock.
#include <gtest/gtest.h>

#include "bangtin/date_time_text.hpp"

namespace bangtin {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// 2026-11-24 01:00:05.750 UTC, 08:00:05 in Vietnam.
const system_clock::time_point kTuesdayMorning = sys_days(2026y / November / 24) + 1h + 5s + 750ms;

TEST(DateTimeText, WritesIsoDatesWithZerosInFront) {
  EXPECT_EQ(iso_date_text(2026y / November / 24), "2026-11-24");
  EXPECT_EQ(iso_date_text(2027y / January / 5), "2027-01-05");
  EXPECT_EQ(iso_date_text(1970y / January / 1), "1970-01-01");
  EXPECT_EQ(iso_date_text(999y / March / 9), "0999-03-09");
}

TEST(DateTimeText, WritesTimesOfDayToTheMinuteAndAWindowsEndAsMidnight) {
  EXPECT_EQ(time_of_day_text(0min), "00:00");
  EXPECT_EQ(time_of_day_text(7h + 5min), "07:05");
  EXPECT_EQ(time_of_day_text(23h + 59min), "23:59");
  EXPECT_EQ(time_of_day_text(24h), "24:00");
}

TEST(DateTimeText, WritesLocalDateTimesAtAnOffsetToTheSecondRoundedDown) {
  EXPECT_EQ(iso_local_date_time_text(kTuesdayMorning, 7h), "2026-11-24T08:00:05");
  EXPECT_EQ(iso_local_date_time_text(kTuesdayMorning, 0s), "2026-11-24T01:00:05");
  // West of UTC the local day is still the day before.
  EXPECT_EQ(iso_local_date_time_text(kTuesdayMorning, -(3h + 30min)), "2026-11-23T21:30:05");
  // A system zone's local mean time, before 1906, was not whole minutes.
  EXPECT_EQ(iso_local_date_time_text(kTuesdayMorning, 7h + 6min + 40s), "2026-11-24T08:06:45");
  // The log's form.
  EXPECT_EQ(iso_local_date_time_text(kTuesdayMorning, 7h, ' '), "2026-11-24 08:00:05");
  // Before 1970 the second still rounds down, not towards 1970.
  EXPECT_EQ(iso_local_date_time_text(system_clock::time_point{} - 250ms, 0s),
            "1969-12-31T23:59:59");
}

TEST(DateTimeText, WritesInstantsInIso8601WithTheirOffset) {
  EXPECT_EQ(iso_date_time_text(kTuesdayMorning, 7h), "2026-11-24T08:00:05+07:00");
  EXPECT_EQ(iso_date_time_text(kTuesdayMorning, 0min), "2026-11-24T01:00:05+00:00");
  EXPECT_EQ(iso_date_time_text(kTuesdayMorning, 5h + 45min), "2026-11-24T06:45:05+05:45");
  EXPECT_EQ(iso_date_time_text(kTuesdayMorning, -(3h + 30min)), "2026-11-23T21:30:05-03:30");
  // Midnight local is the start of the local day, not the end of the one before.
  EXPECT_EQ(iso_date_time_text(sys_days(2026y / November / 23) + 17h, 7h),
            "2026-11-24T00:00:00+07:00");
}

TEST(DateTimeText, WritesAClockOfUnknownZoneInUtcToTheMinute) {
  EXPECT_EQ(utc_minute_text(kTuesdayMorning), "2026-11-24T01:00Z");
  EXPECT_EQ(utc_minute_text(system_clock::time_point{} + 42s), "1970-01-01T00:00Z");
}

TEST(DateTimeText, WritesTheDayFirstAsVietnamDoes) {
  EXPECT_EQ(day_month_year_text(2026y / November / 24), "24/11/2026");
  EXPECT_EQ(day_month_year_text(2027y / January / 5), "05/01/2027");
}

}  // namespace
}  // namespace bangtin
