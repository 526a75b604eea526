#include "time_text.hpp"

#include <cstdio>

namespace bangtin::playlists_detail {
namespace {

using namespace std::chrono;

// Reads a value left to right, keeping the position for problems.
class TextReader {
 public:
  explicit TextReader(std::string_view text) : text_(text) {}

  std::size_t position() const { return position_; }
  bool at_end() const { return position_ == text_.size(); }
  std::string_view rest() const { return text_.substr(position_); }

  void skip_spaces() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t'))
      ++position_;
  }
  bool take(std::string_view literal) {
    if (!rest().starts_with(literal)) return false;
    position_ += literal.size();
    return true;
  }
  bool next_is_digit() const {
    return position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9';
  }
  // Between `fewest` and `most` digits; nothing (and nothing consumed) when fewer are there.
  std::optional<long> take_number(std::size_t fewest, std::size_t most) {
    std::size_t digits = 0;
    long value = 0;
    while (digits < most && position_ + digits < text_.size() && text_[position_ + digits] >= '0' &&
           text_[position_ + digits] <= '9') {
      value = value * 10 + (text_[position_ + digits] - '0');
      ++digits;
    }
    if (digits < fewest) return std::nullopt;
    position_ += digits;
    return value;
  }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
};

// Echoes the numbers the operator wrote, which may be out of any range (month 13, 25:00): not yet
// a date or a time, so not written by date_time_text.
std::string two_digits(long value) {
  char text[8];
  std::snprintf(text, sizeof text, "%02ld", value);
  return text;
}

constexpr std::string_view date_form = "write dates as YYYY-MM-DD, e.g. 2026-11-24";

ParsedText<sys_days> read_date(TextReader& reader) {
  const std::size_t start = reader.position();
  const auto year_number = reader.take_number(4, 4);
  const auto bad_form = [&] {
    // 24/11/2026 is how dates are written in Vietnam; say which form the file wants.
    const bool slashes = reader.rest().find('/') != std::string_view::npos;
    return ParsedText<sys_days>::malformed_at(
        std::string(date_form) + (slashes ? " (not 24/11/2026)" : ""), start);
  };
  if (!year_number || !reader.take("-")) return bad_form();
  const auto month_number = reader.take_number(1, 2);
  if (!month_number || !reader.take("-")) return bad_form();
  const auto day_number = reader.take_number(1, 2);
  if (!day_number || reader.next_is_digit()) return bad_form();

  const std::string written = std::to_string(*year_number) + "-" + two_digits(*month_number) + "-" +
                              two_digits(*day_number);
  const year_month_day date{year(static_cast<int>(*year_number)),
                            month(static_cast<unsigned>(*month_number)),
                            day(static_cast<unsigned>(*day_number))};
  if (!date.month().ok())
    return ParsedText<sys_days>::failure(
        written + " is not a date: there is no month " + std::to_string(*month_number), start);
  if (!date.ok()) {
    const unsigned last =
        unsigned(year_month_day_last(date.year(), month_day_last(date.month())).day());
    return ParsedText<sys_days>::failure(
        written + " is not a date: that month has " + std::to_string(last) + " days", start);
  }
  // Instants are nanoseconds from 1970 in 64 bits, which reach from 1677 to 2262 only.
  if (date.year() < year(1900) || date.year() > year(2200))
    return ParsedText<sys_days>::failure(written + " is outside the years 1900 to 2200", start);
  return ParsedText<sys_days>::success(sys_days(date));
}

// "HH:MM"; with `end_of_day_allowed`, "24:00" too.
ParsedText<minutes> read_time_of_day(TextReader& reader, bool end_of_day_allowed) {
  const std::size_t start = reader.position();
  const auto hour = reader.take_number(1, 2);
  const auto bad_form = [&] {
    return ParsedText<minutes>::malformed_at("write times as HH:MM, e.g. 07:30", start);
  };
  if (!hour || !reader.take(":")) return bad_form();
  const auto minute = reader.take_number(2, 2);
  if (!minute || reader.next_is_digit()) return bad_form();
  const std::string written = two_digits(*hour) + ":" + two_digits(*minute);
  if (*hour == 24 && *minute == 0) {
    if (end_of_day_allowed) return ParsedText<minutes>::success(hours(24));
    return ParsedText<minutes>::failure("24:00 can only end a window; start it at 00:00", start);
  }
  if (*hour > 23)
    return ParsedText<minutes>::failure(written + " is not a time of day: hours go from 00 to 23",
                                        start);
  if (*minute > 59)
    return ParsedText<minutes>::failure(written + " is not a time of day: minutes go from 00 to 59",
                                        start);
  return ParsedText<minutes>::success(hours(*hour) + minutes(*minute));
}

bool take_dash(TextReader& reader) {
  // The en dash is what word processors turn "-" into, and files are often pasted from them.
  return reader.take("-") || reader.take("\u2013");
}

// The problem of a part, as the problem of the whole; a part not in its form is reported with the
// form of the whole, which is what the operator wrote wrong.
template <typename T>
ParsedText<T> failure_from(const auto& part, std::string_view form_of_whole) {
  if (part.malformed) return ParsedText<T>::malformed_at(std::string(form_of_whole), part.offset);
  return ParsedText<T>::failure(part.problem, part.offset);
}

}  // namespace

ParsedText<sys_days> parse_date(std::string_view text) {
  TextReader reader(text);
  reader.skip_spaces();
  auto date = read_date(reader);
  if (!date.value) return date;
  reader.skip_spaces();
  if (!reader.at_end())
    return ParsedText<sys_days>::failure(std::string(date_form), reader.position());
  return date;
}

ParsedText<DateRange> parse_date_range(std::string_view text) {
  constexpr std::string_view range_form =
      "write a date range as FIRST..LAST, e.g. 2026-01-01..2026-12-31";
  TextReader reader(text);
  reader.skip_spaces();
  const auto first = read_date(reader);
  if (!first.value) return failure_from<DateRange>(first, first.problem);
  reader.skip_spaces();
  if (reader.at_end()) return ParsedText<DateRange>::success(DateRange{*first.value, *first.value});
  if (!reader.take(".."))
    return ParsedText<DateRange>::failure(std::string(range_form), reader.position());
  reader.skip_spaces();
  const std::size_t last_start = reader.position();
  const auto last = read_date(reader);
  if (!last.value) return failure_from<DateRange>(last, last.problem);
  reader.skip_spaces();
  if (!reader.at_end())
    return ParsedText<DateRange>::failure(std::string(range_form), reader.position());
  if (*last.value < *first.value)
    return ParsedText<DateRange>::failure("the range ends (" + iso_date_text(*last.value) +
                                              ") before it starts (" + iso_date_text(*first.value) +
                                              ")",
                                          last_start);
  return ParsedText<DateRange>::success(DateRange{*first.value, *last.value});
}

ParsedText<month_day> parse_month_day(std::string_view text) {
  TextReader reader(text);
  reader.skip_spaces();
  const std::size_t start = reader.position();
  const auto month_number = reader.take_number(1, 2);
  const auto bad_form = [&] {
    return ParsedText<month_day>::failure(
        "write a yearly date as MM-DD, e.g. 11-24, or a date as YYYY-MM-DD", start);
  };
  if (!month_number || !reader.take("-")) return bad_form();
  const auto day_number = reader.take_number(1, 2);
  if (!day_number) return bad_form();
  reader.skip_spaces();
  if (!reader.at_end()) return bad_form();
  const month_day date{month(static_cast<unsigned>(*month_number)),
                       day(static_cast<unsigned>(*day_number))};
  if (!date.ok())
    return ParsedText<month_day>::failure(
        two_digits(*month_number) + "-" + two_digits(*day_number) +
            " is not a day of the year (yearly dates are MM-DD, month first)",
        start);
  return ParsedText<month_day>::success(date);
}

ParsedText<minutes> parse_time_of_day(std::string_view text) {
  TextReader reader(text);
  reader.skip_spaces();
  const std::size_t start = reader.position();
  auto time = read_time_of_day(reader, true);
  if (!time.value) return time;
  if (*time.value == hours(24))
    return ParsedText<minutes>::failure("24:00 is the end of the day; write 00:00", start);
  reader.skip_spaces();
  if (!reader.at_end())
    return ParsedText<minutes>::failure("write times as HH:MM, e.g. 07:30", reader.position());
  return time;
}

ParsedText<TimeWindow> parse_time_window(std::string_view text) {
  constexpr std::string_view window_form = "write hours as HH:MM-HH:MM, e.g. \"07:00-11:30\"";
  TextReader reader(text);
  reader.skip_spaces();
  const auto start = read_time_of_day(reader, false);
  if (!start.value) return failure_from<TimeWindow>(start, window_form);
  reader.skip_spaces();
  if (!take_dash(reader))
    return ParsedText<TimeWindow>::failure(std::string(window_form), reader.position());
  reader.skip_spaces();
  const auto end = read_time_of_day(reader, true);
  if (!end.value) return failure_from<TimeWindow>(end, window_form);
  reader.skip_spaces();
  if (!reader.at_end())
    return ParsedText<TimeWindow>::failure(std::string(window_form), reader.position());
  return ParsedText<TimeWindow>::success(TimeWindow{*start.value, *end.value});
}

ParsedText<seconds> parse_duration(std::string_view text) {
  constexpr std::string_view duration_form = "write a duration like 20s, 2m, 1m30s or 1h";
  TextReader reader(text);
  reader.skip_spaces();
  const std::size_t start = reader.position();
  seconds total{0};
  int parts = 0;
  char previous_unit = 0;
  while (!reader.at_end() && reader.next_is_digit()) {
    const auto amount = reader.take_number(1, 6);
    if (!amount) break;
    reader.skip_spaces();
    const std::size_t unit_at = reader.position();
    char unit = 0;
    if (reader.take("h"))
      unit = 'h';
    else if (reader.take("m"))
      unit = 'm';
    else if (reader.take("s"))
      unit = 's';
    if (unit == 0) {
      if (reader.at_end())
        return ParsedText<seconds>::failure("a duration needs a unit: " + std::to_string(*amount) +
                                                "s, " + std::to_string(*amount) + "m or " +
                                                std::to_string(*amount) + "h",
                                            unit_at);
      return ParsedText<seconds>::failure(std::string(duration_form), unit_at);
    }
    // Units in falling order, each once: "1m30s", not "30s1m" or "1m1m".
    const std::string_view order = "hms";
    if (previous_unit != 0 && order.find(unit) <= order.find(previous_unit))
      return ParsedText<seconds>::failure(std::string(duration_form), unit_at);
    previous_unit = unit;
    total += unit == 'h' ? hours(*amount) : unit == 'm' ? minutes(*amount) : seconds(*amount);
    ++parts;
    reader.skip_spaces();
  }
  if (parts == 0 || !reader.at_end())
    return ParsedText<seconds>::failure(std::string(duration_form),
                                        parts == 0 ? start : reader.position());
  if (total <= seconds(0))
    return ParsedText<seconds>::failure("a duration must be longer than 0s", start);
  if (total > hours(24))
    return ParsedText<seconds>::failure("a duration can be at most 24h", start);
  return ParsedText<seconds>::success(total);
}

ParsedText<TimePoint> parse_local_instant(std::string_view text, minutes utc_offset,
                                          bool date_means_its_end) {
  constexpr std::string_view instant_form =
      "write a local date and time as YYYY-MM-DDTHH:MM, e.g. 2026-11-25T17:00, or a date alone";
  TextReader reader(text);
  reader.skip_spaces();
  const auto date = read_date(reader);
  if (!date.value) return failure_from<TimePoint>(date, instant_form);
  const auto local_to_utc = [&](sys_time<minutes> local) {
    return time_point_cast<system_clock::duration>(local - utc_offset);
  };
  reader.skip_spaces();
  if (reader.at_end()) {
    const sys_days local_day = date_means_its_end ? *date.value + days(1) : *date.value;
    return ParsedText<TimePoint>::success(local_to_utc(local_day));
  }
  // The space form has been skipped already; a T may follow, or the time directly.
  reader.take("T");
  const auto time = read_time_of_day(reader, false);
  if (!time.value) return failure_from<TimePoint>(time, instant_form);
  seconds second{0};
  if (reader.take(":")) {
    const std::size_t seconds_at = reader.position();
    const auto written = reader.take_number(2, 2);
    if (!written || *written > 59)
      return ParsedText<TimePoint>::failure(std::string(instant_form), seconds_at);
    second = seconds(*written);
  }
  reader.skip_spaces();
  if (!reader.at_end())
    return ParsedText<TimePoint>::failure(std::string(instant_form), reader.position());
  return ParsedText<TimePoint>::success(local_to_utc(*date.value + *time.value) + second);
}

std::string duration_text(nanoseconds duration) {
  if (duration < seconds(1))
    return std::to_string(duration_cast<milliseconds>(duration).count()) + "ms";
  // Rounded to the second: messages compare lengths an operator thinks of in seconds.
  const auto total = round<seconds>(duration);
  const auto h = duration_cast<hours>(total);
  const auto m = duration_cast<minutes>(total - h);
  const auto s = total - h - m;
  std::string text;
  if (h.count() > 0) text += std::to_string(h.count()) + "h";
  if (m.count() > 0) text += std::to_string(m.count()) + "m";
  if (s.count() > 0 || text.empty()) text += std::to_string(s.count()) + "s";
  return text;
}

std::string window_text(const TimeWindow& window) {
  return time_of_day_text(window.start) + "-" + time_of_day_text(window.end);
}

}  // namespace bangtin::playlists_detail
