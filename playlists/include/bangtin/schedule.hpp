// bangtin schedule — what a display shows when, as a pure function of time.
//
// The daemon is a thin loop over Schedule::next() with a clock it is given, so tests run a week
// in milliseconds; Schedule::at() replays the same loop from the local midnight before an
// instant, so `bangtin render --at T` shows exactly what the board shows at T. Each local
// midnight starts the day afresh (the rotation from its top); no play crosses it. The rules, as
// operators see them, are in playlists/FORMAT.md ("How the schedule plays").
//
// check_clock() tells whether the system clock can be trusted to schedule by (a board without a
// real-time clock boots in 1970).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bangtin/playlists.hpp"

namespace bangtin {

// Where the rotation is, so the next play follows on. Made only by Schedule; a default Cursor is
// the start of a day. Positions name items by id, so a cursor still means something to the
// schedule of a reloaded programme.
struct Cursor {
  struct Position {
    std::string item_id;
    int round = 0;  // which of its plays in a round, for items with a weight above 1
    friend bool operator==(const Position&, const Position&) = default;
  };
  // The local date the cursor belongs to; on another date the rotation starts afresh.
  std::optional<std::chrono::sys_days> day;
  // The last item that played to its end, one per priority.
  std::optional<Position> normal;
  std::optional<Position> high;
  std::optional<Position> urgent;
  // A normal or high item an urgent one cut into; it starts again once no urgent item is left.
  std::optional<Position> interrupted;
  friend bool operator==(const Cursor&, const Cursor&) = default;
};

struct Play {
  // Into the Schedule; nullptr: nothing eligible, the display shows its idle content.
  const Item* item = nullptr;
  TimePoint start;
  // When it stops: the end of its passes or duration; earlier when its window or until closes
  // (at the end of the pass then playing) or at local midnight (after the last whole pass that
  // fits); the instant an urgent item cuts in. For idle, when something becomes eligible (at the
  // latest, midnight): the idle clock is redrawn by the caller in the meantime.
  TimePoint end;
  bool interrupted = false;  // an urgent item cuts in at `end`
  Cursor cursor;             // the rotation after this play: call next(cursor, end)
  // The rotation should the caller stop the play before `end` itself (a reload that brings an
  // urgent item): the item then starts again once the display returns to the rotation.
  Cursor cursor_if_cut;
};

class Schedule {
 public:
  // The items of `programme` that target `display`, in play order. `play_length` says how long
  // an item plays on this display (the renderer knows: text width, speed, passes); it is asked
  // once per item, here. Items that would play for no time are left out.
  // The schedule keeps a copy of the programme, which Play::item points into.
  Schedule(const Programme& programme, const DisplayConfig& display,
           const std::function<PlayLength(const Item&)>& play_length);
  // The same sharing a programme (boards of one controller, a year's plan) instead of copying it.
  Schedule(std::shared_ptr<const Programme> programme, const DisplayConfig& display,
           const std::function<PlayLength(const Item&)>& play_length);
  Schedule(Schedule&&) noexcept;
  Schedule& operator=(Schedule&&) noexcept;
  Schedule(const Schedule&) = delete;  // Play::item points into it
  Schedule& operator=(const Schedule&) = delete;
  ~Schedule();

  // What starts at `from`, after the plays `cursor` sums up:
  //   1. an eligible urgent item, the next in file order after the last urgent one;
  //   2. else the interrupted item, if it is still eligible and nothing of higher priority is;
  //   3. else the next eligible high item after the last high one, else the next normal one,
  //      in file order (an item with weight N comes up N times a round), among those with at
  //      least one pass left before midnight;
  //   4. else idle.
  Play next(const Cursor& cursor, TimePoint from) const;
  // The play on air at `instant`: next() from the local midnight before it, over and over.
  Play at(TimePoint instant) const;
  // The earliest instant strictly between `after` and `before` at which an urgent item becomes
  // eligible. next() uses it to cut plays short; a caller may use it after a reload.
  std::optional<TimePoint> next_interrupt(TimePoint after, TimePoint before) const;

  const std::vector<const Item*>& items() const;
  const PlayLength& length_of(const Item& item) const;  // item must be one of items()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// --- Clock sanity --------------------------------------------------------------------------

struct ClockReading {
  std::chrono::system_clock::time_point wall;
  std::chrono::steady_clock::time_point monotonic;
};

enum class ClockVerdict {
  sane,
  before_release,  // the wall clock says a date before this version was released
  jumped,          // the wall clock moved by more than the tolerance against the monotonic clock
};

struct ClockCheck {
  ClockVerdict verdict = ClockVerdict::sane;
  std::string explanation;  // for the log; empty when sane
};

// Whether the wall clock can be scheduled by. `previous` is the reading before `now` (none at
// start-up). Wall time more than a day before `earliest` (a day of slack for time zones) is
// wrong; so is a wall clock that moved more than `tolerance` further or less far than the
// monotonic clock between the two readings. A jump is reported once, at the reading after it:
// with readings that agree again, the time is sane again.
ClockCheck check_clock(std::chrono::sys_days earliest, const std::optional<ClockReading>& previous,
                       const ClockReading& now,
                       std::chrono::nanoseconds tolerance = std::chrono::hours(1));

// The day this version of bangtin was released, BANGTIN_EARLIEST_TRUSTED_DATE in the top-level
// CMakeLists.txt: no correct clock reads earlier. A date fixed in the source tree, not the day of
// the build, so that two builds of one commit are the same.
std::chrono::sys_days earliest_trusted_date();

}  // namespace bangtin
