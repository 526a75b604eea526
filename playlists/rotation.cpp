#include "bangtin/playlists.hpp"

namespace bangtin {

Rotation::Rotation(std::vector<Clock::duration> durations) : durations_(std::move(durations)) {
  // A negative duration can only be a bug upstream; showing the item for no time is the
  // harmless reading of it, and keeps the cycle the sum of what is actually shown.
  for (auto& duration : durations_) {
    if (duration < Clock::duration::zero()) duration = Clock::duration::zero();
    cycle_ += duration;
  }
}

std::optional<Rotation::Slot> Rotation::at(Clock::time_point now) const {
  if (cycle_ <= Clock::duration::zero()) return std::nullopt;
  // Floor modulo, so instants before the epoch continue the same cycle backwards instead of
  // mirroring it.
  auto into_cycle = now.time_since_epoch() % cycle_;
  if (into_cycle < Clock::duration::zero()) into_cycle += cycle_;
  const Clock::time_point cycle_start = now - into_cycle;

  Clock::duration slot_start{0};
  for (std::size_t index = 0; index < durations_.size(); ++index) {
    const Clock::duration slot_end = slot_start + durations_[index];
    if (into_cycle < slot_end)  // a zero-length slot never satisfies this, so it is skipped
      return Slot{index, cycle_start + slot_start, cycle_start + slot_end};
    slot_start = slot_end;
  }
  return std::nullopt;  // unreachable: into_cycle < cycle_, the sum of all durations
}

}  // namespace bangtin
