#include <gtest/gtest.h>

#include "bangtin/playlists.hpp"

namespace bangtin {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using Clock = Rotation::Clock;

const Clock::time_point epoch{};

TEST(Rotation, NothingToPlay) {
  EXPECT_FALSE(Rotation({}).at(epoch));
  EXPECT_FALSE(Rotation({0s, 0s}).at(epoch + 5s));
}

TEST(Rotation, SlotsFollowOneAnotherFromTheEpoch) {
  const Rotation rotation({10s, 20s, 30s});
  const auto first = rotation.at(epoch);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->index, 0u);
  EXPECT_EQ(first->started, epoch);
  EXPECT_EQ(first->ends, epoch + 10s);

  const auto second = rotation.at(epoch + 15s);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->index, 1u);
  EXPECT_EQ(second->started, epoch + 10s);
  EXPECT_EQ(second->ends, epoch + 30s);

  const auto third = rotation.at(epoch + 59s);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->index, 2u);
  EXPECT_EQ(third->started, epoch + 30s);
  EXPECT_EQ(third->ends, epoch + 60s);
}

TEST(Rotation, ExactEndOfASlotBelongsToTheNext) {
  const Rotation rotation({10s, 20s, 30s});
  EXPECT_EQ(rotation.at(epoch + 10s - 1ns)->index, 0u);
  EXPECT_EQ(rotation.at(epoch + 10s)->index, 1u);
  EXPECT_EQ(rotation.at(epoch + 10s)->started, epoch + 10s);
  EXPECT_EQ(rotation.at(epoch + 30s - 1ns)->index, 1u);
  EXPECT_EQ(rotation.at(epoch + 30s)->index, 2u);
  // The end of the cycle is the start of the next one.
  EXPECT_EQ(rotation.at(epoch + 60s - 1ns)->index, 2u);
  const auto next_cycle = rotation.at(epoch + 60s);
  EXPECT_EQ(next_cycle->index, 0u);
  EXPECT_EQ(next_cycle->started, epoch + 60s);
  EXPECT_EQ(next_cycle->ends, epoch + 70s);
}

TEST(Rotation, BeforeTheEpochContinuesTheSameCycle) {
  const Rotation rotation({10s, 20s, 30s});
  const auto just_before = rotation.at(epoch - 1ns);
  ASSERT_TRUE(just_before);
  EXPECT_EQ(just_before->index, 2u);
  EXPECT_EQ(just_before->started, epoch - 30s);
  EXPECT_EQ(just_before->ends, epoch);

  const auto cycle_before = rotation.at(epoch - 60s);
  EXPECT_EQ(cycle_before->index, 0u);
  EXPECT_EQ(cycle_before->started, epoch - 60s);

  const auto middle = rotation.at(epoch - 31s);
  EXPECT_EQ(middle->index, 1u);
  EXPECT_EQ(middle->started, epoch - 50s);
  EXPECT_EQ(middle->ends, epoch - 30s);
}

TEST(Rotation, ZeroLengthItemsAreSkipped) {
  const Rotation rotation({0s, 5s, 0s, 5s, 0s});
  EXPECT_EQ(rotation.at(epoch)->index, 1u);
  EXPECT_EQ(rotation.at(epoch + 4s)->index, 1u);
  EXPECT_EQ(rotation.at(epoch + 5s)->index, 3u);
  EXPECT_EQ(rotation.at(epoch + 5s)->started, epoch + 5s);
  EXPECT_EQ(rotation.at(epoch + 10s)->index, 1u);
  EXPECT_EQ(rotation.at(epoch - 1s)->index, 3u);
}

TEST(Rotation, OneItemRepeats) {
  const Rotation rotation({7s});
  const auto slot = rotation.at(epoch + 7s * 1000 + 3s);
  EXPECT_EQ(slot->index, 0u);
  EXPECT_EQ(slot->started, epoch + 7s * 1000);
  EXPECT_EQ(slot->ends, epoch + 7s * 1001);
}

TEST(Rotation, PresentDayInstant) {
  // 2026-11-24T01:00:00Z is 1795482000 s after the epoch; with a 60 s cycle that is a whole
  // number of cycles, so the first item starts exactly then.
  const Clock::time_point morning = sys_days(2026y / November / 24) + 1h;
  const Rotation rotation({10s, 20s, 30s});
  const auto slot = rotation.at(morning + 12s);
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->index, 1u);
  EXPECT_EQ(slot->started, morning + 10s);
  EXPECT_EQ(slot->ends, morning + 30s);
}

// The daemon asks every frame; across a week (straddling the epoch, so negative times are
// covered too) every answer must contain the instant, last its item's duration, and follow on
// from the previous slot without gaps or overlaps.
TEST(Rotation, AWeekOfInstantsIsConsistent) {
  const std::vector<Clock::duration> durations{7s, 0s, 11s + 250ms, 13s, 0s, 3s + 1ns};
  const Rotation rotation(durations);
  const auto next_playing = [&](std::size_t index) {
    do index = (index + 1) % durations.size();
    while (durations[index] == Clock::duration::zero());
    return index;
  };

  const auto start = epoch - days(3) - 12h;
  const auto end = epoch + days(3) + 12h;
  std::optional<Rotation::Slot> previous;
  std::size_t checked = 0;
  for (auto now = start; now < end; now += 997ms) {
    const auto slot = rotation.at(now);
    ASSERT_TRUE(slot);
    ASSERT_LE(slot->started, now);
    ASSERT_LT(now, slot->ends);
    ASSERT_LT(slot->index, durations.size());
    ASSERT_EQ(slot->ends - slot->started, durations[slot->index]);
    if (previous && previous->started != slot->started) {
      // 997 ms is shorter than every item, so no slot can be jumped over.
      ASSERT_EQ(slot->started, previous->ends);
      ASSERT_EQ(slot->index, next_playing(previous->index));
    }
    previous = slot;
    ++checked;
  }
  EXPECT_GT(checked, 600'000u);
}

}  // namespace
}  // namespace bangtin
