#include "schedule_fields.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "nearest_name.hpp"
#include "time_text.hpp"
#include "unicode_text.hpp"
#include "yaml_fields.hpp"

namespace bangtin::playlists_detail {
namespace {

using namespace std::chrono;

const std::vector<std::string> schedule_keys{"dates", "days", "hours", "except"};
const std::vector<std::string> holiday_keys{"extra", "removed"};

constexpr std::string_view holidays_word = "holidays";

struct DayName {
  std::string_view name;
  unsigned weekday;  // c_encoding: 0 Sunday .. 6 Saturday
};
// English abbreviations, and the Vietnamese ones (thứ Hai is t2, Chủ nhật cn).
constexpr std::array<DayName, 14> day_names{{{"mon", 1},
                                             {"tue", 2},
                                             {"wed", 3},
                                             {"thu", 4},
                                             {"fri", 5},
                                             {"sat", 6},
                                             {"sun", 0},
                                             {"t2", 1},
                                             {"t3", 2},
                                             {"t4", 3},
                                             {"t5", 4},
                                             {"t6", 5},
                                             {"t7", 6},
                                             {"cn", 0}}};

std::vector<std::string> day_words() {
  std::vector<std::string> words;
  for (const auto& day : day_names) words.emplace_back(day.name);
  words.emplace_back(holidays_word);
  return words;
}

std::optional<unsigned> weekday_named(std::string_view name) {
  for (const auto& day : day_names)
    if (day.name == name) return day.weekday;
  return std::nullopt;
}

// An element that must be a scalar (not a nested list or mapping); reported otherwise.
std::optional<std::string> element_text(YamlFile& yaml, const YAML::Node& element,
                                        std::string_view wrong_type) {
  if (!element.IsScalar()) {
    yaml.error(element, std::string(wrong_type));
    return std::nullopt;
  }
  return element.Scalar();
}

template <typename T>
std::optional<T> value_or_report(YamlFile& yaml, const YAML::Node& node,
                                 const ParsedText<T>& parsed) {
  if (!parsed.value) yaml.error(yaml.mark_within(node, parsed.offset), parsed.problem);
  return parsed.value;
}

std::optional<std::vector<DateRange>> read_dates(YamlFile& yaml, const YAML::Node& node) {
  constexpr std::string_view wrong_type =
      "dates must be a date range such as 2026-01-01..2026-12-31, or a list of them";
  const auto elements = list_elements(yaml, node, wrong_type);
  if (!elements) return std::nullopt;
  if (elements->empty()) {
    yaml.error(node, "dates is empty; leave it out to play on any date");
    return std::nullopt;
  }
  std::vector<DateRange> ranges;
  bool all_good = true;
  for (const auto& element : *elements) {
    const auto text = element_text(yaml, element, wrong_type);
    const auto range =
        text ? value_or_report(yaml, element, parse_date_range(*text)) : std::nullopt;
    if (range)
      ranges.push_back(*range);
    else
      all_good = false;
  }
  if (!all_good) return std::nullopt;
  return ranges;
}

struct Days {
  std::bitset<7> weekdays;
  bool holidays = false;
};

std::optional<Days> read_days(YamlFile& yaml, const YAML::Node& node, bool& never_plays_reported) {
  constexpr std::string_view wrong_type =
      "days must be a list of days, e.g. [mon, tue, wed, thu, fri] or [mon..fri, holidays]";
  const auto elements = list_elements(yaml, node, wrong_type);
  if (!elements) return std::nullopt;
  Days days;
  bool all_good = true;
  for (const auto& element : *elements) {
    const auto written = element_text(yaml, element, wrong_type);
    if (!written) {
      all_good = false;
      continue;
    }
    const std::string text(trim_spaces(*written));
    // Names are matched as written in lower case: "Mon" is as good as "mon".
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == holidays_word) {
      days.holidays = true;
      continue;
    }
    const auto report_unknown = [&](std::string_view name, std::size_t offset) {
      yaml.error(
          yaml.mark_within(element, offset), "unknown day '" + std::string(name) + "'" + [&] {
            const std::string suggestion = did_you_mean(name, day_words());
            return suggestion.empty()
                       ? std::string(" (days are mon..sun or t2..t7, cn, and holidays)")
                       : suggestion;
          }());
      all_good = false;
    };
    const std::size_t dots = lower.find("..");
    if (dots == std::string::npos) {
      if (const auto weekday = weekday_named(lower))
        days.weekdays.set(*weekday);
      else
        report_unknown(text, 0);
      continue;
    }
    // "mon..fri", and across the weekend too: "fri..mon" is Friday to Monday.
    const std::string first_name(trim_spaces(std::string_view(lower).substr(0, dots)));
    const std::string last_name(trim_spaces(std::string_view(lower).substr(dots + 2)));
    const auto first = weekday_named(first_name);
    const auto last = weekday_named(last_name);
    if (!first) report_unknown(std::string_view(text).substr(0, dots), 0);
    if (!last)
      report_unknown(trim_spaces(std::string_view(text).substr(dots + 2)),
                     text.find_first_not_of(' ', dots + 2));
    if (!first || !last) continue;
    for (unsigned weekday = *first;; weekday = (weekday + 1) % 7) {
      days.weekdays.set(weekday);
      if (weekday == *last) break;
    }
  }
  if (!all_good) return std::nullopt;
  if (days.weekdays.none() && !days.holidays) {
    yaml.warning(node, "days is empty, so the item never plays");
    never_plays_reported = true;
  }
  return days;
}

std::optional<std::vector<TimeWindow>> read_hours(YamlFile& yaml, const YAML::Node& node,
                                                  bool& never_plays_reported) {
  constexpr std::string_view wrong_type =
      "hours must be a list of windows, e.g. [\"07:00-11:30\", \"13:30-17:00\"]";
  const auto elements = list_elements(yaml, node, wrong_type);
  if (!elements) return std::nullopt;
  std::vector<TimeWindow> windows;
  bool all_good = true;
  bool any_empty = false;
  for (const auto& element : *elements) {
    const auto text = element_text(yaml, element, wrong_type);
    const auto window =
        text ? value_or_report(yaml, element, parse_time_window(*text)) : std::nullopt;
    if (!window) {
      all_good = false;
      continue;
    }
    if (window->start == window->end) {
      yaml.warning(
          element,
          "window " + window_text(*window) + " is empty" +
              (window->start == minutes(0) ? "; write 00:00-24:00 for the whole day" : ""));
      any_empty = true;
      continue;
    }
    windows.push_back(*window);
  }
  if (!all_good) return std::nullopt;
  if (windows.empty()) {
    if (!any_empty) yaml.warning(node, "hours is empty, so the item never plays");
    never_plays_reported = true;
  }
  return windows;
}

struct Exceptions {
  bool holidays = false;
  std::vector<DateRange> dates;
};

std::optional<Exceptions> read_exceptions(YamlFile& yaml, const YAML::Node& node) {
  constexpr std::string_view wrong_type =
      "except must be a list of dates, date ranges or 'holidays', e.g. [holidays, 2026-05-19]";
  const auto elements = list_elements(yaml, node, wrong_type);
  if (!elements) return std::nullopt;
  Exceptions exceptions;
  bool all_good = true;
  for (const auto& element : *elements) {
    const auto written = element_text(yaml, element, wrong_type);
    if (!written) {
      all_good = false;
      continue;
    }
    const std::string_view text = trim_spaces(*written);
    if (text == holidays_word) {
      exceptions.holidays = true;
      continue;
    }
    // A word is a misspelt "holidays"; anything with digits is meant as a date.
    if (!text.empty() &&
        std::none_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      yaml.error(
          element, "unknown exception '" + std::string(text) + "'" + [&] {
            const std::string suggestion = did_you_mean(text, {std::string(holidays_word)});
            return suggestion.empty() ? std::string(" (write 'holidays' or dates)") : suggestion;
          }());
      all_good = false;
      continue;
    }
    if (const auto range = value_or_report(yaml, element, parse_date_range(*written)))
      exceptions.dates.push_back(*range);
    else
      all_good = false;
  }
  if (!all_good) return std::nullopt;
  return exceptions;
}

// A holiday correction: a date, a date range, or a month-day for every year.
bool read_holiday_dates(YamlFile& yaml, const YAML::Node& node, std::string_view key,
                        std::vector<DateRange>& dates, std::vector<month_day>& every_year) {
  const std::string wrong_type = std::string(key) +
                                 " must be a list of dates (2026-02-16), date ranges "
                                 "(2026-02-14..2026-02-22) or dates every year (11-24)";
  const auto elements = list_elements(yaml, node, wrong_type);
  if (!elements) return false;
  bool all_good = true;
  for (const auto& element : *elements) {
    const auto written = element_text(yaml, element, wrong_type);
    if (!written) {
      all_good = false;
      continue;
    }
    const std::string_view text = trim_spaces(*written);
    const bool has_year = text.size() > 4 && text[4] == '-';
    if (has_year) {
      if (const auto range = value_or_report(yaml, element, parse_date_range(*written)))
        dates.push_back(*range);
      else
        all_good = false;
    } else if (const auto yearly = value_or_report(yaml, element, parse_month_day(*written))) {
      every_year.push_back(*yearly);
    } else {
      all_good = false;
    }
  }
  return all_good;
}

}  // namespace

std::optional<ItemSchedule> read_item_schedule(YamlFile& yaml, const YAML::Node& node,
                                               bool& never_plays_reported) {
  if (!node.IsMap()) {
    yaml.error(node, "schedule must be a mapping with dates, days, hours or except");
    return std::nullopt;
  }
  const std::size_t errors_before = yaml.error_count();
  const MappingFields fields(yaml, node, schedule_keys);
  ItemSchedule schedule;
  if (const auto value = fields.find("dates")) {
    if (auto dates = read_dates(yaml, *value)) schedule.dates = std::move(*dates);
  }
  if (const auto value = fields.find("days")) {
    if (const auto days = read_days(yaml, *value, never_plays_reported)) {
      schedule.weekdays = days->weekdays;
      schedule.holidays = days->holidays;
    }
  }
  if (const auto value = fields.find("hours")) {
    if (auto hours = read_hours(yaml, *value, never_plays_reported))
      schedule.hours = std::move(*hours);
  }
  if (const auto value = fields.find("except")) {
    if (auto exceptions = read_exceptions(yaml, *value)) {
      schedule.except_holidays = exceptions->holidays;
      schedule.except_dates = std::move(exceptions->dates);
    }
  }
  if (yaml.error_count() > errors_before) return std::nullopt;
  return schedule;
}

std::optional<TimePoint> read_local_instant(YamlFile& yaml, const YAML::Node& node,
                                            std::string_view key, minutes utc_offset,
                                            bool date_means_its_end) {
  const auto text = read_scalar(
      yaml, node, std::string(key) + " must be a local date and time, e.g. 2026-11-25T17:00");
  if (!text) return std::nullopt;
  return value_or_report(yaml, node, parse_local_instant(*text, utc_offset, date_means_its_end));
}

std::optional<seconds> read_duration(YamlFile& yaml, const YAML::Node& node) {
  const auto text = read_scalar(yaml, node, "duration must be like 20s, 2m or 1m30s");
  if (!text) return std::nullopt;
  return value_or_report(yaml, node, parse_duration(*text));
}

std::optional<HolidayAdjustments> read_holiday_adjustments(YamlFile& yaml, const YAML::Node& node) {
  if (!node.IsMap()) {
    yaml.error(node,
               "holidays must be a mapping with 'extra' and/or 'removed', e.g. "
               "{extra: [2026-02-16]}");
    return std::nullopt;
  }
  const std::size_t errors_before = yaml.error_count();
  const MappingFields fields(yaml, node, holiday_keys);
  HolidayAdjustments adjustments;
  if (const auto value = fields.find("extra"))
    read_holiday_dates(yaml, *value, "extra", adjustments.extra, adjustments.extra_every_year);
  if (const auto value = fields.find("removed"))
    read_holiday_dates(yaml, *value, "removed", adjustments.removed,
                       adjustments.removed_every_year);
  if (yaml.error_count() > errors_before) return std::nullopt;
  return adjustments;
}

}  // namespace bangtin::playlists_detail
