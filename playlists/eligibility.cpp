#include "eligibility.hpp"

#include <algorithm>

#include "bangtin/vietnamese_calendar.hpp"

namespace bangtin {

using namespace std::chrono;

bool is_holiday(const HolidayAdjustments& adjustments, sys_days local_date) {
  const month_day yearly = year_month_day(local_date).month() / year_month_day(local_date).day();
  const auto in = [&](const std::vector<DateRange>& ranges) {
    return std::any_of(ranges.begin(), ranges.end(),
                       [&](const DateRange& range) { return range.contains(local_date); });
  };
  const auto every_year_in = [&](const std::vector<month_day>& days) {
    return std::find(days.begin(), days.end(), yearly) != days.end();
  };
  if (in(adjustments.extra) || every_year_in(adjustments.extra_every_year)) return true;
  if (in(adjustments.removed) || every_year_in(adjustments.removed_every_year)) return false;
  return is_vietnam_public_holiday(local_date);
}

namespace playlists_detail {
namespace {

constexpr minutes day_length = hours(24);

// Windows ending at or before their start run into the next day.
minutes window_end(const TimeWindow& window) {
  return window.end > window.start ? window.end : window.end + day_length;
}

// Where the validator starts looking for an item with no dates and no from/until.
constexpr sys_days earliest_date_checked = sys_days(1970y / January / 1);
// A range longer than this that never plays will not play later either in practice; looking
// further only costs time.
constexpr days longest_span_checked = days(100 * 366);

}  // namespace

Eligibility::Eligibility(const Item& item, minutes utc_offset, const HolidayAdjustments& holidays)
    : schedule_(&item.schedule),
      from_(item.from),
      until_(item.until),
      utc_offset_(utc_offset),
      holidays_(&holidays) {}

sys_days Eligibility::local_date_of(TimePoint instant) const {
  return floor<days>(instant + utc_offset_);
}

bool Eligibility::plays_on_day(sys_days local_date) const {
  const auto in = [&](const std::vector<DateRange>& ranges) {
    return std::any_of(ranges.begin(), ranges.end(),
                       [&](const DateRange& range) { return range.contains(local_date); });
  };
  if (!schedule_->dates.empty() && !in(schedule_->dates)) return false;
  if (in(schedule_->except_dates)) return false;
  const bool listed_weekday = schedule_->weekdays.test(weekday(local_date).c_encoding());
  // Holidays are only worked out when something depends on them.
  if (!listed_weekday || schedule_->except_holidays) {
    const bool holiday =
        (schedule_->holidays || schedule_->except_holidays) && is_holiday(*holidays_, local_date);
    if (schedule_->except_holidays && holiday) return false;
    if (!listed_weekday && !(schedule_->holidays && holiday)) return false;
  }
  return true;
}

std::optional<Eligibility::Occurrence> Eligibility::occurrence(sys_days local_date,
                                                               const TimeWindow& window) const {
  if (window.start == window.end) return std::nullopt;
  const TimePoint midnight = TimePoint(local_date) - utc_offset_;
  Occurrence result{midnight + window.start, midnight + window_end(window)};
  if (from_) result.start = std::max(result.start, *from_);
  if (until_) result.end = std::min(result.end, *until_);
  if (result.start >= result.end) return std::nullopt;
  return result;
}

bool Eligibility::eligible_at(TimePoint instant) const {
  const sys_days today = local_date_of(instant);
  for (const sys_days date : {today - days(1), today}) {
    if (!plays_on_day(date)) continue;
    for (const auto& window : schedule_->hours) {
      const auto found = occurrence(date, window);
      if (found && found->start <= instant && instant < found->end) return true;
    }
  }
  return false;
}

TimePoint Eligibility::eligible_until(TimePoint instant, TimePoint horizon) const {
  TimePoint end = instant;
  while (end < horizon) {
    TimePoint furthest = end;
    const sys_days today = local_date_of(end);
    for (const sys_days date : {today - days(1), today}) {
      if (!plays_on_day(date)) continue;
      for (const auto& window : schedule_->hours) {
        const auto found = occurrence(date, window);
        if (found && found->start <= end && end < found->end)
          furthest = std::max(furthest, found->end);
      }
    }
    if (furthest == end) return end;  // nothing continues it
    end = furthest;
  }
  return horizon;
}

std::optional<TimePoint> Eligibility::next_start(TimePoint after, TimePoint before) const {
  std::optional<TimePoint> earliest;
  if (after >= before) return earliest;
  for (sys_days date = local_date_of(after) - days(1); date <= local_date_of(before);
       date += days(1)) {
    if (!plays_on_day(date)) continue;
    for (const auto& window : schedule_->hours) {
      const auto found = occurrence(date, window);
      if (!found || found->start <= after || found->start >= before) continue;
      if (earliest && found->start >= *earliest) continue;
      // Windows that meet or overlap continue one stretch; only a real start counts.
      if (eligible_at(found->start - nanoseconds(1))) continue;
      earliest = found->start;
    }
  }
  return earliest;
}

bool Eligibility::ever_plays() const {
  std::optional<sys_days> first;
  std::optional<sys_days> last;
  if (!schedule_->dates.empty()) {
    first =
        std::min_element(schedule_->dates.begin(), schedule_->dates.end(),
                         [](const DateRange& a, const DateRange& b) { return a.first < b.first; })
            ->first;
    last = std::max_element(schedule_->dates.begin(), schedule_->dates.end(),
                            [](const DateRange& a, const DateRange& b) { return a.last < b.last; })
               ->last;
  }
  // A window starting the day before `from` may still reach past it.
  if (from_) first = std::max(first.value_or(sys_days::min()), local_date_of(*from_) - days(1));
  if (until_) last = std::min(last.value_or(sys_days::max()), local_date_of(*until_));
  if (!first) first = last ? *last - longest_span_checked : earliest_date_checked;
  if (!last || *last - *first > longest_span_checked) last = *first + longest_span_checked;
  for (sys_days date = *first; date <= *last; date += days(1)) {
    if (!plays_on_day(date)) continue;
    for (const auto& window : schedule_->hours)
      if (occurrence(date, window)) return true;
  }
  return false;
}

}  // namespace playlists_detail
}  // namespace bangtin
