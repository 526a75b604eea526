// When one item may play: its dates, days, hours, exceptions and from/until, turned into the
// questions the schedule and the validator ask in UTC instants.
//
// A window belongs to the day it starts on: with `days: [fri]` and `hours: ["22:00-02:00"]` the
// item plays from Friday 22:00 to Saturday 02:00, and a Friday in `except` removes that whole
// night.
#pragma once

#include <chrono>
#include <optional>

#include "bangtin/playlists.hpp"

namespace bangtin::playlists_detail {

class Eligibility {
 public:
  // The item and the holidays must outlive it: a schedule of thousands of items on several
  // boards keeps one copy of them, in the programme.
  Eligibility(const Item& item, std::chrono::minutes utc_offset,
              const HolidayAdjustments& holidays);

  // Whether windows starting on this local date count: its dates, days and exceptions.
  bool plays_on_day(std::chrono::sys_days local_date) const;
  bool eligible_at(TimePoint instant) const;
  // The end of the stretch of eligibility that contains `instant` (which must be eligible),
  // or `horizon` when the stretch goes on past it.
  TimePoint eligible_until(TimePoint instant, TimePoint horizon) const;
  // The earliest instant strictly between `after` and `before` at which the item becomes
  // eligible, having not been just before it.
  std::optional<TimePoint> next_start(TimePoint after, TimePoint before) const;
  // Whether any instant at all satisfies everything together.
  bool ever_plays() const;

 private:
  struct Occurrence {
    TimePoint start;
    TimePoint end;
  };
  // A window on a local date, in UTC, clipped to from/until; nothing when that leaves nothing.
  std::optional<Occurrence> occurrence(std::chrono::sys_days local_date,
                                       const TimeWindow& window) const;
  std::chrono::sys_days local_date_of(TimePoint instant) const;

  const ItemSchedule* schedule_;
  std::optional<TimePoint> from_;
  std::optional<TimePoint> until_;
  std::chrono::minutes utc_offset_;
  const HolidayAdjustments* holidays_;
};

}  // namespace bangtin::playlists_detail
