#include <gtest/gtest.h>

#include "bangtin/playlists.hpp"
#include "bangtin/vietnamese_calendar.hpp"
#include "time_texts.hpp"

namespace bangtin {
namespace {

using namespace std::chrono;
using testing::iso;

// Dates from published Vietnamese calendars (and the Labour Ministry's holiday notices).
struct KnownDate {
  sys_days solar;
  LunarDate lunar;
};
const KnownDate known_dates[] = {
    // Tết Nguyên Đán. 1985 and 2007 are years Vietnam (UTC+7) and China (UTC+8) differ: China's
    // new years were 1985-02-20 and 2007-02-18.
    {2020y / January / 25, {1, 1, 2020, false}},
    {2021y / February / 12, {1, 1, 2021, false}},
    {2022y / February / 1, {1, 1, 2022, false}},
    {2023y / January / 22, {1, 1, 2023, false}},
    {2024y / February / 10, {1, 1, 2024, false}},
    {2025y / January / 29, {1, 1, 2025, false}},
    {2026y / February / 17, {1, 1, 2026, false}},
    {2027y / February / 6, {1, 1, 2027, false}},
    {1985y / January / 21, {1, 1, 1985, false}},
    {2007y / February / 17, {1, 1, 2007, false}},
    // Giỗ Tổ Hùng Vương, 10/3.
    {2021y / April / 21, {10, 3, 2021, false}},
    {2022y / April / 10, {10, 3, 2022, false}},
    {2023y / April / 29, {10, 3, 2023, false}},
    {2024y / April / 18, {10, 3, 2024, false}},
    {2025y / April / 7, {10, 3, 2025, false}},
    {2026y / April / 26, {10, 3, 2026, false}},
    // Leap months: 4 of Canh Tý, 2 of Quý Mão, 6 of Ất Tỵ.
    {2020y / May / 23, {1, 4, 2020, true}},
    {2023y / March / 22, {1, 2, 2023, true}},
    {2023y / April / 20, {1, 3, 2023, false}},
    {2025y / July / 25, {1, 6, 2025, true}},
    {2025y / August / 23, {1, 7, 2025, false}},
    // The last day of a lunar year, in the Gregorian year after it began.
    {2026y / February / 16, {29, 12, 2025, false}},
};

TEST(LunarCalendar, KnownDates) {
  for (const auto& known : known_dates) {
    const std::string solar = iso(known.solar);
    EXPECT_EQ(to_lunar(known.solar), known.lunar) << solar;
    EXPECT_EQ(from_lunar(known.lunar), known.solar) << solar;
  }
}

TEST(LunarCalendar, LunarNewYear) {
  EXPECT_EQ(lunar_new_year(2024y), sys_days(2024y / February / 10));
  EXPECT_EQ(lunar_new_year(2030y), sys_days(2030y / February / 2));
}

TEST(LunarCalendar, DaysThatDoNotExist) {
  EXPECT_FALSE(from_lunar({1, 5, 2025, true}));     // 2025's leap month is the 6th
  EXPECT_FALSE(from_lunar({1, 1, 2026, true}));     // 2026 has no leap month
  EXPECT_FALSE(from_lunar({30, 12, 2025, false}));  // month 12 of Ất Tỵ has 29 days
  EXPECT_TRUE(from_lunar({29, 12, 2025, false}));
  EXPECT_FALSE(from_lunar({0, 1, 2026, false}));
  EXPECT_FALSE(from_lunar({1, 13, 2026, false}));
}

// Every day from 1970 to 2150 converts and converts back; lunar days count up one by one and
// months have 29 or 30 days; years have 12 or 13 months, the 13th a leap month.
TEST(LunarCalendar, EveryDayRoundTrips) {
  const sys_days first = lunar_new_year(1970y);
  const sys_days last = 2150y / December / 31;
  LunarDate previous = to_lunar(first - days(1));
  int months_this_year = 12;  // starting on a Tết, with the year before taken as whole
  int leap_months_this_year = 0;
  for (sys_days date = first; date <= last; date += days(1)) {
    const LunarDate lunar = to_lunar(date);
    ASSERT_EQ(from_lunar(lunar), date) << iso(date);
    if (lunar.day != 1) {
      ASSERT_EQ(lunar.day, previous.day + 1) << iso(date);
      ASSERT_EQ(lunar.month, previous.month);
      ASSERT_EQ(lunar.leap_month, previous.leap_month);
    } else if (lunar.month == 1 && !lunar.leap_month) {
      ASSERT_TRUE(previous.day == 29 || previous.day == 30) << iso(date);
      ASSERT_EQ(lunar.year, previous.year + 1);
      ASSERT_LE(leap_months_this_year, 1) << previous.year;
      ASSERT_EQ(months_this_year, 12 + leap_months_this_year) << previous.year;
      months_this_year = 1;
      leap_months_this_year = 0;
    } else {
      ASSERT_TRUE(previous.day == 29 || previous.day == 30) << iso(date);
      ++months_this_year;
      if (lunar.leap_month) {
        ++leap_months_this_year;
        ASSERT_EQ(lunar.month, previous.month) << iso(date);
      } else {
        ASSERT_EQ(lunar.month, previous.month + 1) << iso(date);
      }
    }
    previous = lunar;
  }
}

TEST(PublicHolidays, TheYear2026) {
  std::vector<std::pair<sys_days, std::string_view>> holidays;
  for (const auto& holiday : vietnam_public_holidays(2026y))
    holidays.emplace_back(holiday.date, holiday.name);
  EXPECT_EQ(holidays, (std::vector<std::pair<sys_days, std::string_view>>{
                          {2026y / January / 1, "Tết Dương lịch"},
                          {2026y / February / 16, "Tết Nguyên Đán"},
                          {2026y / February / 17, "Tết Nguyên Đán"},
                          {2026y / February / 18, "Tết Nguyên Đán"},
                          {2026y / February / 19, "Tết Nguyên Đán"},
                          {2026y / April / 26, "Giỗ Tổ Hùng Vương"},
                          {2026y / April / 30, "Ngày Chiến thắng"},
                          {2026y / May / 1, "Ngày Quốc tế Lao động"},
                          {2026y / September / 1, "Quốc khánh"},
                          {2026y / September / 2, "Quốc khánh"},
                      }));
}

TEST(PublicHolidays, TetFollowsTheLunarCalendarEachYear) {
  // Tết 2024: 30 tháng Chạp Quý Mão was 2024-02-09.
  EXPECT_FALSE(is_vietnam_public_holiday(2024y / February / 8));
  EXPECT_TRUE(is_vietnam_public_holiday(2024y / February / 9));
  EXPECT_TRUE(is_vietnam_public_holiday(2024y / February / 12));
  EXPECT_FALSE(is_vietnam_public_holiday(2024y / February / 13));
  // Giỗ Tổ 2025 on 2025-04-07, and nothing the day after.
  EXPECT_TRUE(is_vietnam_public_holiday(2025y / April / 7));
  EXPECT_FALSE(is_vietnam_public_holiday(2025y / April / 8));
  EXPECT_FALSE(is_vietnam_public_holiday(2026y / November / 24));
}

TEST(PublicHolidays, YearsOutsideTheTableAreComputedToo) {
  EXPECT_TRUE(is_vietnam_public_holiday(2250y / January / 1));
  EXPECT_TRUE(is_vietnam_public_holiday(lunar_new_year(2250y)));
  EXPECT_FALSE(is_vietnam_public_holiday(2250y / January / 2));
}

TEST(PublicHolidays, ConfigAdjustments) {
  HolidayAdjustments adjustments;
  // Tết 2026 was officially 2026-02-14..2026-02-22 with the weekends; 2024's Quốc khánh was
  // 2/9 and 3/9, not 1/9; 24/11 (Ngày Văn hóa Việt Nam) every year.
  adjustments.extra = {{2026y / February / 14, 2026y / February / 22},
                       {2024y / September / 3, 2024y / September / 3}};
  adjustments.removed = {{2024y / September / 1, 2024y / September / 1}};
  adjustments.extra_every_year = {November / 24};
  adjustments.removed_every_year = {May / 1};
  EXPECT_TRUE(is_holiday(adjustments, 2026y / February / 14));
  EXPECT_TRUE(is_holiday(adjustments, 2026y / February / 22));
  EXPECT_FALSE(is_holiday(adjustments, 2026y / February / 23));
  EXPECT_FALSE(is_holiday(adjustments, 2024y / September / 1));
  EXPECT_TRUE(is_holiday(adjustments, 2024y / September / 2));
  EXPECT_TRUE(is_holiday(adjustments, 2024y / September / 3));
  EXPECT_TRUE(is_holiday(adjustments, 2025y / September / 1));
  EXPECT_TRUE(is_holiday(adjustments, 2026y / November / 24));
  EXPECT_TRUE(is_holiday(adjustments, 2031y / November / 24));
  EXPECT_FALSE(is_holiday(adjustments, 2026y / May / 1));
  EXPECT_TRUE(is_holiday({}, 2026y / May / 1));
}

}  // namespace
}  // namespace bangtin
