// The schedule of one display. Everything here is a function of the programme, the play lengths
// and the instant asked about; there is no clock and no state besides the Cursor passed in.
#include "bangtin/schedule.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <stdexcept>
#include <unordered_map>

#include "eligibility.hpp"

namespace bangtin {

using namespace std::chrono;
using playlists_detail::Eligibility;

namespace {

constexpr std::size_t priority_count = 3;

std::size_t index_of(Priority priority) { return static_cast<std::size_t>(priority); }

}  // namespace

struct Schedule::Impl {
  // One place in a priority's round: an item, and which of its `weight` plays this is.
  struct Slot {
    std::size_t entry = 0;
    int round = 0;
  };

  minutes utc_offset{0};
  // The items point into it: boards and reloads share one copy of a programme of thousands.
  std::shared_ptr<const Programme> programme;
  std::vector<const Item*> items;  // the entries, in play order
  std::vector<PlayLength> lengths;
  std::vector<Eligibility> eligibilities;
  std::unordered_map<std::string, std::size_t> entry_of_id;
  std::array<std::vector<Slot>, priority_count> rounds;
  // The entries of each priority, in play order: a programme of thousands has a few urgent ones,
  // and every play asks when the next of those cuts in.
  std::array<std::vector<std::size_t>, priority_count> entries_of_priority;
  // Where each entry's plays sit in its priority's round, by round number.
  std::vector<std::vector<std::size_t>> slots_of_entry;

  TimePoint local_midnight_after(TimePoint instant) const {
    return TimePoint(floor<days>(instant + utc_offset) + days(1)) - utc_offset;
  }

  Cursor::Position position_of(const Slot& slot) const {
    return Cursor::Position{items[slot.entry]->id, slot.round};
  }

  std::optional<std::size_t> entry_of(const Cursor::Position& position) const {
    const auto found = entry_of_id.find(position.item_id);
    if (found == entry_of_id.end()) return std::nullopt;
    return found->second;
  }

  // At least one pass of the entry ends before `midnight`: no play crosses it, and an item is
  // not started only to be cut at once.
  bool fits(std::size_t entry, TimePoint from, TimePoint midnight) const {
    const PlayLength& length = lengths[entry];
    const nanoseconds first_stop = length.pass > nanoseconds(0) ? length.pass : length.whole;
    return items[entry]->priority == Priority::urgent || length.pass == nanoseconds(0) ||
           from + first_stop <= midnight;
  }

  bool can_start(std::size_t entry, TimePoint from, TimePoint midnight) const {
    return eligibilities[entry].eligible_at(from) && fits(entry, from, midnight);
  }

  // The next slot after `last` in a priority's round whose item can start at `from`.
  std::optional<Slot> next_in_round(Priority priority, const std::optional<Cursor::Position>& last,
                                    TimePoint from, TimePoint midnight) const {
    const auto& round = rounds[index_of(priority)];
    if (round.empty()) return std::nullopt;
    std::size_t begin = 0;
    if (last) {
      const auto entry = entry_of(*last);
      if (entry && items[*entry]->priority == priority && last->round >= 0 &&
          static_cast<std::size_t>(last->round) < slots_of_entry[*entry].size())
        begin = slots_of_entry[*entry][static_cast<std::size_t>(last->round)] + 1;
    }
    for (std::size_t step = 0; step < round.size(); ++step) {
      const Slot& slot = round[(begin + step) % round.size()];
      if (can_start(slot.entry, from, midnight)) return slot;
    }
    return std::nullopt;
  }

  bool any_can_start(Priority priority, TimePoint from, TimePoint midnight) const {
    for (const std::size_t entry : entries_of_priority[index_of(priority)])
      if (can_start(entry, from, midnight)) return true;
    return false;
  }

  // When a play of the entry starting at `from` ends, an urgent item cutting in aside.
  TimePoint planned_end(std::size_t entry, TimePoint from, TimePoint midnight) const {
    const PlayLength& length = lengths[entry];
    const TimePoint natural = from + length.whole;
    const TimePoint window_closes = eligibilities[entry].eligible_until(from, natural);
    TimePoint end = natural;
    if (window_closes < natural) {
      if (length.pass == nanoseconds(0)) {
        end = window_closes;
      } else {  // the pass in progress when the window closes is finished
        const auto passes = (window_closes - from + length.pass - nanoseconds(1)) / length.pass;
        end = std::min(from + passes * length.pass, natural);
      }
    }
    if (end > midnight) {
      if (items[entry]->priority == Priority::urgent || length.pass == nanoseconds(0)) {
        end = midnight;
      } else {  // fits() made sure at least one pass ends by midnight
        end = from + ((midnight - from) / length.pass) * length.pass;
      }
    }
    return end;
  }

  std::optional<TimePoint> next_interrupt(TimePoint after, TimePoint before) const {
    std::optional<TimePoint> earliest;
    for (const std::size_t entry : entries_of_priority[index_of(Priority::urgent)]) {
      const auto start = eligibilities[entry].next_start(after, earliest.value_or(before));
      if (start) earliest = start;
    }
    return earliest;
  }

  Play idle(const Cursor& cursor, TimePoint from, TimePoint midnight) const {
    TimePoint end = midnight;
    for (const auto& eligibility : eligibilities)
      if (const auto start = eligibility.next_start(from, end)) end = *start;
    return Play{nullptr, from, end, false, cursor, cursor};
  }

  Play play(const Slot& slot, Cursor before, TimePoint from, TimePoint midnight) const {
    const Item& item = *items[slot.entry];
    Play result{&item, from, planned_end(slot.entry, from, midnight), false, before, before};
    if (item.priority == Priority::urgent) {
      // Urgent items are never cut by another: the next one waits for the end of this one.
      result.cursor.urgent = position_of(slot);
      result.cursor_if_cut = result.cursor;
      return result;
    }
    result.cursor_if_cut.interrupted = position_of(slot);
    // A high item may play while a normal one it kept waiting is still to start again.
    if (result.cursor.interrupted && result.cursor.interrupted->item_id == item.id)
      result.cursor.interrupted.reset();
    (item.priority == Priority::high ? result.cursor.high : result.cursor.normal) =
        position_of(slot);
    if (const auto cut = next_interrupt(from, result.end)) {
      result.end = *cut;
      result.interrupted = true;
      result.cursor = result.cursor_if_cut;
    }
    return result;
  }
};

Schedule::Schedule(const Programme& programme, const DisplayConfig& display,
                   const std::function<PlayLength(const Item&)>& play_length)
    : Schedule(std::make_shared<const Programme>(programme), display, play_length) {}

Schedule::Schedule(std::shared_ptr<const Programme> shared, const DisplayConfig& display,
                   const std::function<PlayLength(const Item&)>& play_length)
    : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.programme = std::move(shared);
  const Programme& programme = *impl.programme;
  impl.utc_offset = programme.config.utc_offset;
  for (const Item* item : items_for(programme, display)) {
    PlayLength length = play_length(*item);
    if (length.whole <= nanoseconds(0)) continue;
    length.pass = std::clamp(length.pass, nanoseconds(0), length.whole);
    impl.entries_of_priority[index_of(item->priority)].push_back(impl.items.size());
    impl.entry_of_id.emplace(item->id, impl.items.size());
    impl.items.push_back(item);
    impl.lengths.push_back(length);
    impl.eligibilities.emplace_back(*item, programme.config.utc_offset, programme.config.holidays);
  }
  impl.slots_of_entry.resize(impl.items.size());
  for (std::size_t priority = 0; priority < priority_count; ++priority) {
    int most_plays = 0;
    for (const Item* item : impl.items)
      if (index_of(item->priority) == priority) most_plays = std::max(most_plays, item->weight);
    // Round r holds, in file order, every item with more than r plays a round: weights 3, 1, 1
    // give A B C A A.
    for (int round = 0; round < most_plays; ++round) {
      for (std::size_t entry = 0; entry < impl.items.size(); ++entry) {
        const Item& item = *impl.items[entry];
        if (index_of(item.priority) != priority || item.weight <= round) continue;
        impl.slots_of_entry[entry].push_back(impl.rounds[priority].size());
        impl.rounds[priority].push_back(Impl::Slot{entry, round});
      }
    }
  }
}

Schedule::Schedule(Schedule&&) noexcept = default;
Schedule& Schedule::operator=(Schedule&&) noexcept = default;
Schedule::~Schedule() = default;

const std::vector<const Item*>& Schedule::items() const { return impl_->items; }

const PlayLength& Schedule::length_of(const Item& item) const {
  const auto found = impl_->entry_of_id.find(item.id);
  if (found == impl_->entry_of_id.end() || impl_->items[found->second] != &item)
    throw std::invalid_argument("length_of: item '" + item.id + "' is not one of the schedule's");
  return impl_->lengths[found->second];
}

std::optional<TimePoint> Schedule::next_interrupt(TimePoint after, TimePoint before) const {
  return impl_->next_interrupt(after, before);
}

Play Schedule::next(const Cursor& given, TimePoint from) const {
  const Impl& impl = *impl_;
  const TimePoint midnight = impl.local_midnight_after(from);
  const sys_days today = floor<days>(from + impl.utc_offset);
  Cursor cursor = given.day == today ? given : Cursor{};
  cursor.day = today;

  if (const auto urgent = impl.next_in_round(Priority::urgent, cursor.urgent, from, midnight))
    return impl.play(*urgent, cursor, from, midnight);

  const bool high_waiting = impl.any_can_start(Priority::high, from, midnight);
  if (cursor.interrupted) {
    const auto entry = impl.entry_of(*cursor.interrupted);
    if (!entry || !impl.can_start(*entry, from, midnight)) {
      cursor.interrupted.reset();  // it is over; the rotation goes on from where it was
    } else if (!(high_waiting && impl.items[*entry]->priority == Priority::normal)) {
      const auto& slots = impl.slots_of_entry[*entry];
      const auto round = static_cast<std::size_t>(std::max(cursor.interrupted->round, 0));
      const auto slot = impl.rounds[index_of(impl.items[*entry]->priority)]
                                   [slots[std::min(round, slots.size() - 1)]];
      return impl.play(slot, cursor, from, midnight);
    }
  }

  const Priority priority = high_waiting ? Priority::high : Priority::normal;
  const auto& last = priority == Priority::high ? cursor.high : cursor.normal;
  if (const auto slot = impl.next_in_round(priority, last, from, midnight))
    return impl.play(*slot, cursor, from, midnight);
  return impl.idle(cursor, from, midnight);
}

Play Schedule::at(TimePoint instant) const {
  const TimePoint midnight =
      TimePoint(floor<days>(instant + impl_->utc_offset)) - impl_->utc_offset;
  Play play = next(Cursor{}, midnight);
  while (play.end <= instant) play = next(play.cursor, play.end);
  return play;
}

}  // namespace bangtin
