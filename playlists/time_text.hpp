// Dates, times of day and durations as operators write them in playlists: "2026-11-24",
// "2026-01-01..2026-12-31", "07:00-11:30", "1m30s". A problem comes with the byte offset in the
// text where it is, so the diagnostic can point at the very date or time that is wrong.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "bangtin/date_time_text.hpp"
#include "bangtin/playlists.hpp"

namespace bangtin::playlists_detail {

template <typename T>
struct ParsedText {
  std::optional<T> value;
  std::string problem;     // when there is no value: what is wrong, in the operator's terms
  std::size_t offset = 0;  // where in the text the problem starts
  bool malformed = false;  // not written in the expected form (rather than an impossible value)

  static ParsedText success(T value) { return ParsedText{std::move(value), {}, 0, false}; }
  static ParsedText failure(std::string problem, std::size_t offset) {
    return ParsedText{std::nullopt, std::move(problem), offset, false};
  }
  static ParsedText malformed_at(std::string problem, std::size_t offset) {
    return ParsedText{std::nullopt, std::move(problem), offset, true};
  }
};

// "2026-11-24".
ParsedText<std::chrono::sys_days> parse_date(std::string_view text);
// "2026-01-01..2026-12-31", or one date meaning that day alone.
ParsedText<DateRange> parse_date_range(std::string_view text);
// "11-24": a month and day, every year.
ParsedText<std::chrono::month_day> parse_month_day(std::string_view text);
// "18:30": a time of day, 00:00 to 23:59.
ParsedText<std::chrono::minutes> parse_time_of_day(std::string_view text);
// "07:00-11:30"; "24:00" is allowed as an end.
ParsedText<TimeWindow> parse_time_window(std::string_view text);
// "20s", "2m", "1h", "1m30s", "1h15m".
ParsedText<std::chrono::seconds> parse_duration(std::string_view text);

// "2026-11-25T17:00" (seconds optional, a space for the T allowed) or a date alone. A date alone
// is its midnight when `date_means_its_end` is false, and the midnight after it when true, so
// `until: 2026-11-25` includes the 25th.
ParsedText<TimePoint> parse_local_instant(std::string_view text, std::chrono::minutes utc_offset,
                                          bool date_means_its_end);

// "1m30s", "20s", "2h": the shortest way to write a duration, for messages.
std::string duration_text(std::chrono::nanoseconds duration);
// "07:00-11:30".
std::string window_text(const TimeWindow& window);

}  // namespace bangtin::playlists_detail
