// Dates and times as bangtin writes them, in one place: ISO 8601 for files, status, reports,
// logs and messages ("2026-11-24", "2026-11-24T08:00:05+07:00"), and the day-first date people
// in Vietnam read on a panel ("24/11/2026"). Every module writes a date or a time of day through
// here, so they all agree; reading dates an operator wrote is the playlists' business.
#pragma once

#include <chrono>
#include <string>

namespace bangtin {

// "2026-11-24".
std::string iso_date_text(std::chrono::sys_days day);

// "08:00", from minutes since midnight; a window's end "24:00" is written as it is.
std::string time_of_day_text(std::chrono::minutes since_midnight);

// "2026-11-24T08:00:05": what a wall clock `utc_offset` east of UTC reads at `instant`, to the
// second (rounded down), without the offset. `separator` ' ' gives the log's
// "2026-11-24 08:00:05". The offset is in seconds because a system time zone may have one that is
// not whole minutes (local mean times before 1906).
std::string iso_local_date_time_text(std::chrono::system_clock::time_point instant,
                                     std::chrono::seconds utc_offset, char separator = 'T');

// "2026-11-24T08:00:05+07:00": the same with its offset, so that a reader anywhere, person or
// program, knows the instant. Offset 0 is written "+00:00".
std::string iso_date_time_text(std::chrono::system_clock::time_point instant,
                               std::chrono::minutes utc_offset);

// "2026-11-24T01:00Z": UTC to the minute, for a clock reading whose zone nothing vouches for.
std::string utc_minute_text(std::chrono::system_clock::time_point instant);

// "24/11/2026": day first, as dates are written in Vietnam (the panels' clock).
std::string day_month_year_text(std::chrono::sys_days day);

}  // namespace bangtin
