// Dates and instants as text in test failure messages (this GCC's <chrono> cannot print them).
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "bangtin/date_time_text.hpp"
#include "bangtin/vietnamese_calendar.hpp"

namespace bangtin {

namespace testing {

// "2026-11-24".
inline std::string iso(std::chrono::sys_days date) { return iso_date_text(date); }

// "2026-11-24T08:00:00.250" in local time at the offset.
inline std::string iso(std::chrono::system_clock::time_point instant,
                       std::chrono::minutes utc_offset) {
  using namespace std::chrono;
  const auto millisecond = (floor<milliseconds>(instant) - floor<seconds>(instant)).count();
  std::string text = iso_local_date_time_text(instant, utc_offset) + ".";
  if (millisecond < 100) text += millisecond < 10 ? "00" : "0";
  return text + std::to_string(millisecond);
}

}  // namespace testing

inline void PrintTo(const LunarDate& date, std::ostream* out) {
  *out << date.day << "/" << date.month << (date.leap_month ? " (leap)" : "") << "/" << date.year;
}

}  // namespace bangtin
