// Reading wall-clock times as the operator writes them, at the commune's fixed offset from UTC.
// Vietnam has no daylight saving, so a fixed offset is the whole story and no tz database is
// needed on the board's controller.
#include "bangtin/playlists.hpp"

namespace bangtin {
namespace {

// Consumes exactly `digits` decimal digits from the front of `text`.
std::optional<int> take_digits(std::string_view& text, std::size_t digits) {
  if (text.size() < digits) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  text.remove_prefix(digits);
  return value;
}

bool take_char(std::string_view& text, char expected) {
  if (text.empty() || text.front() != expected) return false;
  text.remove_prefix(1);
  return true;
}

// The offsets in use on Earth run from -12:00 to +14:00.
constexpr std::chrono::minutes largest_offset = std::chrono::hours(14);

}  // namespace

std::optional<std::chrono::minutes> parse_utc_offset(std::string_view text) {
  if (text == "Z" || text == "UTC") return std::chrono::minutes(0);
  if (text.empty() || (text.front() != '+' && text.front() != '-')) return std::nullopt;
  const bool east = text.front() == '+';
  text.remove_prefix(1);

  const auto hours = take_digits(text, 2);
  if (!hours) return std::nullopt;
  int minutes = 0;
  if (!text.empty()) {
    take_char(text, ':');  // "+07:00" and "+0700" are both ISO 8601
    const auto written_minutes = take_digits(text, 2);
    if (!written_minutes || !text.empty()) return std::nullopt;
    minutes = *written_minutes;
  }
  if (minutes >= 60) return std::nullopt;
  const std::chrono::minutes offset = std::chrono::hours(*hours) + std::chrono::minutes(minutes);
  if (offset > largest_offset) return std::nullopt;
  return east ? offset : -offset;
}

std::optional<std::chrono::system_clock::time_point> parse_local_datetime(
    std::string_view text, std::chrono::minutes utc_offset) {
  using namespace std::chrono;
  const auto year_number = take_digits(text, 4);
  if (!year_number || !take_char(text, '-')) return std::nullopt;
  const auto month_number = take_digits(text, 2);
  if (!month_number || !take_char(text, '-')) return std::nullopt;
  const auto day_number = take_digits(text, 2);
  // A space instead of the 'T' is how people write it when not copying ISO 8601.
  if (!day_number || !(take_char(text, 'T') || take_char(text, ' '))) return std::nullopt;
  const auto hour = take_digits(text, 2);
  if (!hour || !take_char(text, ':')) return std::nullopt;
  const auto minute = take_digits(text, 2);
  if (!minute) return std::nullopt;
  int second = 0;
  if (take_char(text, ':')) {
    const auto written_second = take_digits(text, 2);
    if (!written_second) return std::nullopt;
    second = *written_second;
  }
  if (!text.empty()) return std::nullopt;

  const year_month_day date{year(*year_number), month(static_cast<unsigned>(*month_number)),
                            day(static_cast<unsigned>(*day_number))};
  // Leap seconds are not for signage: 60 is rejected along with 25 o'clock.
  if (!date.ok() || *hour > 23 || *minute > 59 || second > 59) return std::nullopt;
  // Instants are nanoseconds from 1970 in 64 bits (1677 to 2262): the years playlists allow.
  if (date.year() < year(1900) || date.year() > year(2200)) return std::nullopt;
  const sys_seconds local_as_if_utc =
      sys_days(date) + hours(*hour) + minutes(*minute) + seconds(second);
  return time_point_cast<system_clock::duration>(local_as_if_utc - utc_offset);
}

}  // namespace bangtin
