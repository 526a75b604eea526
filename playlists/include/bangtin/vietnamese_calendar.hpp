// bangtin Vietnamese calendar — the lunar calendar (âm lịch) and Vietnam's public holidays,
// computed rather than typed in, so no one has to enter next year's Tết by hand.
//
// The lunar calendar is Hồ Ngọc Đức's astronomical one at UTC+7 (new moons and the sun's longitude
// after Jean Meeus, "Astronomical Algorithms"), the calendar Vietnam has used since 1968. It is
// exact for 1968–2199; dates are plain calendar days (std::chrono::sys_days used as a local date).
#pragma once

#include <chrono>
#include <compare>
#include <optional>
#include <string_view>
#include <vector>

namespace bangtin {

struct LunarDate {
  int day = 1;              // 1..30
  int month = 1;            // 1..12
  int year = 0;             // the Gregorian year its month 1 (Tết) falls in
  bool leap_month = false;  // the month repeated in a 13-month year (tháng nhuận)
  friend auto operator<=>(const LunarDate&, const LunarDate&) = default;
};

LunarDate to_lunar(std::chrono::sys_days date);
// Nothing for a day that does not exist: a 30th in a 29-day month, or a leap month the year lacks.
std::optional<std::chrono::sys_days> from_lunar(const LunarDate& date);

// Tết Nguyên Đán of a year: lunar 1/1.
std::chrono::sys_days lunar_new_year(std::chrono::year year);

// The public holidays of the Labour Code 2019 (Bộ luật Lao động, Article 112) that can be
// computed: Tết Dương lịch 1/1; Tết Nguyên Đán as the last day of the lunar year and 1/1 to 3/1
// (the four days every year's official five contain; the Prime Minister chooses the fifth each
// year); Giỗ Tổ Hùng Vương 10/3 lunar; 30/4; 1/5; Quốc khánh 2/9 with 1/9 as its adjacent day.
// In date order.
struct PublicHoliday {
  std::chrono::sys_days date;
  std::string_view name;  // in Vietnamese, e.g. "Tết Nguyên Đán"
};
std::vector<PublicHoliday> vietnam_public_holidays(std::chrono::year year);
bool is_vietnam_public_holiday(std::chrono::sys_days date);

}  // namespace bangtin
