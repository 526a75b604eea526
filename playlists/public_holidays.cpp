// Vietnam's public holidays, from the Labour Code 2019, Article 112. The lunar ones move every
// year; the schedule asks about a day many times a second, so the years boards actually run in
// are worked out once and looked up after that.
#include <algorithm>

#include "bangtin/vietnamese_calendar.hpp"

namespace bangtin {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr int first_tabled_year = 1968;
constexpr int last_tabled_year = 2199;

std::vector<sys_days> tabled_holidays() {
  std::vector<sys_days> dates;
  for (int year = first_tabled_year; year <= last_tabled_year; ++year)
    for (const auto& holiday : vietnam_public_holidays(std::chrono::year(year)))
      dates.push_back(holiday.date);
  return dates;  // already sorted: years in order, each year's holidays in date order
}

}  // namespace

std::vector<PublicHoliday> vietnam_public_holidays(std::chrono::year year) {
  const auto on = [&](std::chrono::month month, unsigned day) {
    return sys_days(year / month / std::chrono::day(day));
  };
  const sys_days tet = lunar_new_year(year);
  // 10/3 always exists: every lunar month has at least 29 days, and month 3 is never skipped.
  const sys_days hung_kings = *from_lunar(LunarDate{10, 3, static_cast<int>(year), false});
  std::vector<PublicHoliday> holidays{
      {on(std::chrono::January, 1), "Tết Dương lịch"},
      {tet - days(1), "Tết Nguyên Đán"},  // the last day of the old lunar year
      {tet, "Tết Nguyên Đán"},
      {tet + days(1), "Tết Nguyên Đán"},
      {tet + days(2), "Tết Nguyên Đán"},
      {hung_kings, "Giỗ Tổ Hùng Vương"},
      {on(std::chrono::April, 30), "Ngày Chiến thắng"},
      {on(std::chrono::May, 1), "Ngày Quốc tế Lao động"},
      // The Code gives 2/9 and one day before or after it; the day before is the usual choice.
      {on(std::chrono::September, 1), "Quốc khánh"},
      {on(std::chrono::September, 2), "Quốc khánh"},
  };
  std::sort(holidays.begin(), holidays.end(),
            [](const PublicHoliday& a, const PublicHoliday& b) { return a.date < b.date; });
  return holidays;
}

bool is_vietnam_public_holiday(sys_days date) {
  const int year = static_cast<int>(std::chrono::year_month_day(date).year());
  if (year < first_tabled_year || year > last_tabled_year) {
    const auto holidays = vietnam_public_holidays(std::chrono::year(year));
    return std::any_of(holidays.begin(), holidays.end(),
                       [&](const PublicHoliday& holiday) { return holiday.date == date; });
  }
  static const std::vector<sys_days> table = tabled_holidays();
  return std::binary_search(table.begin(), table.end(), date);
}

}  // namespace bangtin
