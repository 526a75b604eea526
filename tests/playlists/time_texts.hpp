// Dates and instants as text in test failure messages (this GCC's <chrono> cannot print them).
#pragma once

#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>

#include "bangtin/vietnamese_calendar.hpp"

namespace bangtin {

namespace testing {

// "2026-11-24".
inline std::string iso(std::chrono::sys_days date) {
  const std::chrono::year_month_day ymd(date);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return text;
}

// "2026-11-24T08:00:00.250" in local time at the offset.
inline std::string iso(std::chrono::system_clock::time_point instant,
                       std::chrono::minutes utc_offset) {
  using namespace std::chrono;
  const auto local = instant + utc_offset;
  const auto day = floor<days>(local);
  const hh_mm_ss time(floor<milliseconds>(local - day));
  char text[32];
  std::snprintf(text, sizeof text, "T%02d:%02d:%02d.%03d", int(time.hours().count()),
                int(time.minutes().count()), int(time.seconds().count()),
                int(time.subseconds().count()));
  return iso(day) + text;
}

}  // namespace testing

inline void PrintTo(const LunarDate& date, std::ostream* out) {
  *out << date.day << "/" << date.month << (date.leap_month ? " (leap)" : "") << "/" << date.year;
}

}  // namespace bangtin
