// Whether the system clock can be scheduled by. A board's controller without a battery-backed
// clock boots in 1970 and learns the time later from NTP, in one jump; both are to be noticed
// before a whole day's programme is played from the wrong date.
#include <string_view>

#include "bangtin/date_time_text.hpp"
#include "bangtin/schedule.hpp"

namespace bangtin {

using namespace std::chrono;

namespace {

#ifndef BANGTIN_EARLIEST_TRUSTED_DATE
#error "BANGTIN_EARLIEST_TRUSTED_DATE (YYYY-MM-DD) is set in the top-level CMakeLists.txt"
#endif

// "2026-12-01", read while compiling: a date that is not one stops the build.
consteval year_month_day date_written(std::string_view text) {
  const auto digit = [&](std::size_t at) {
    if (text[at] < '0' || text[at] > '9') throw "BANGTIN_EARLIEST_TRUSTED_DATE is not YYYY-MM-DD";
    return text[at] - '0';
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    throw "BANGTIN_EARLIEST_TRUSTED_DATE is not YYYY-MM-DD";
  return year_month_day{year(digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)),
                        month(static_cast<unsigned>(digit(5) * 10 + digit(6))),
                        day(static_cast<unsigned>(digit(8) * 10 + digit(9)))};
}

constexpr year_month_day kEarliestTrusted = date_written(BANGTIN_EARLIEST_TRUSTED_DATE);
static_assert(kEarliestTrusted.ok(), "BANGTIN_EARLIEST_TRUSTED_DATE is not a calendar date");

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

sys_days earliest_trusted_date() { return kEarliestTrusted; }

ClockCheck check_clock(sys_days earliest, const std::optional<ClockReading>& previous,
                       const ClockReading& now, nanoseconds tolerance) {
  // The date is a calendar date somewhere; a day of slack covers any time zone.
  if (now.wall < system_clock::time_point(earliest - days(1))) {
    return ClockCheck{ClockVerdict::before_release,
                      "system clock says " + utc_minute_text(now.wall) +
                          ", before this version of bangtin was released (" +
                          iso_date_text(earliest) +
                          "); keeping the content on air until the time is set"};
  }
  if (previous) {
    const nanoseconds wall_moved = now.wall - previous->wall;
    const nanoseconds monotonic_moved = now.monotonic - previous->monotonic;
    const nanoseconds jump = wall_moved - monotonic_moved;
    if (jump > tolerance || jump < -tolerance) {
      return ClockCheck{ClockVerdict::jumped,
                        "system clock jumped " + signed_minutes_text(jump) + " (now " +
                            utc_minute_text(now.wall) +
                            "); starting the schedule again from the new time"};
    }
  }
  return ClockCheck{};
}

}  // namespace bangtin
