// Whether the system clock can be scheduled by. A board's controller without a battery-backed
// clock boots in 1970 and learns the time later from NTP, in one jump; both are to be noticed
// before a whole day's programme is played from the wrong date.
#include <algorithm>
#include <array>
#include <cstdio>

#include "bangtin/schedule.hpp"

namespace bangtin {

using namespace std::chrono;

namespace {

std::string date_text(sys_days date) {
  const year_month_day ymd(date);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return text;
}

// "2026-11-24T01:00Z": the clock's own reading, in UTC, as nothing here knows the board's zone.
std::string utc_text(system_clock::time_point instant) {
  const auto day = floor<days>(instant);
  const hh_mm_ss time(floor<minutes>(instant - day));
  char text[16];
  std::snprintf(text, sizeof text, "T%02d:%02dZ", int(time.hours().count()),
                int(time.minutes().count()));
  return date_text(day) + text;
}

// "3h25m", "-40m": how far a clock moved, for the log.
std::string signed_minutes_text(nanoseconds amount) {
  const auto total = round<minutes>(amount < nanoseconds(0) ? -amount : amount);
  const auto whole_hours = duration_cast<hours>(total);
  std::string text = amount < nanoseconds(0) ? "-" : "+";
  if (whole_hours.count() > 0) text += std::to_string(whole_hours.count()) + "h";
  text += std::to_string((total - whole_hours).count()) + "m";
  return text;
}

}  // namespace

ClockCheck check_clock(sys_days build_date, const std::optional<ClockReading>& previous,
                       const ClockReading& now, nanoseconds tolerance) {
  // __DATE__ is the build machine's local date; a day of slack covers any time zone.
  if (now.wall < system_clock::time_point(build_date - days(1))) {
    return ClockCheck{ClockVerdict::before_build,
                      "system clock says " + utc_text(now.wall) +
                          ", before this program was built (" + date_text(build_date) +
                          "); keeping the content on air until the time is set"};
  }
  if (previous) {
    const nanoseconds wall_moved = now.wall - previous->wall;
    const nanoseconds monotonic_moved = now.monotonic - previous->monotonic;
    const nanoseconds jump = wall_moved - monotonic_moved;
    if (jump > tolerance || jump < -tolerance) {
      return ClockCheck{ClockVerdict::jumped,
                        "system clock jumped " + signed_minutes_text(jump) + " (now " +
                            utc_text(now.wall) +
                            "); starting the schedule again from the new time"};
    }
  }
  return ClockCheck{};
}

std::optional<sys_days> parse_build_date(std::string_view compiler_date) {
  static constexpr std::array<std::string_view, 12> month_names{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // "Mmm dd yyyy", the day padded with a space.
  if (compiler_date.size() != 11 || compiler_date[3] != ' ' || compiler_date[6] != ' ')
    return std::nullopt;
  const auto month_name = compiler_date.substr(0, 3);
  const auto found = std::find(month_names.begin(), month_names.end(), month_name);
  if (found == month_names.end()) return std::nullopt;
  const auto digit = [](char c) -> std::optional<int> {
    if (c < '0' || c > '9') return std::nullopt;
    return c - '0';
  };
  const auto day_tens = compiler_date[4] == ' ' ? std::optional<int>(0) : digit(compiler_date[4]);
  const auto day_units = digit(compiler_date[5]);
  int year_number = 0;
  for (const char c : compiler_date.substr(7)) {
    const auto value = digit(c);
    if (!value) return std::nullopt;
    year_number = year_number * 10 + *value;
  }
  if (!day_tens || !day_units) return std::nullopt;
  const year_month_day date{year(year_number),
                            month(static_cast<unsigned>(found - month_names.begin() + 1)),
                            day(static_cast<unsigned>(*day_tens * 10 + *day_units))};
  if (!date.ok()) return std::nullopt;
  return sys_days(date);
}

}  // namespace bangtin
