// Frames a second as `bangtin status` shows them: a steady 25 reads 25.0, frames that stop read 0.
#include "bangtin/frame_rate.hpp"

#include <gtest/gtest.h>

using namespace bangtin;
using namespace std::chrono_literals;

namespace {

const FrameRate::Clock::time_point kStart{std::chrono::hours(1000)};

// `count` frames `gap` apart from kStart; returns when the last went out.
FrameRate::Clock::time_point feed(FrameRate& rate, int count, FrameRate::Clock::duration gap) {
  auto at = kStart;
  for (int i = 0; i < count; ++i) {
    at = kStart + i * gap;
    rate.count(at);
  }
  return at;
}

}  // namespace

TEST(FrameRate, ASteady25ReadsExactly25NotTheFramesInASecond) {
  FrameRate rate;
  const auto last = feed(rate, 200, 40ms);
  EXPECT_DOUBLE_EQ(rate.per_second(last), 25.0);
  EXPECT_DOUBLE_EQ(rate.per_second(last + 39ms), 25.0);
}

TEST(FrameRate, APageThatChangesOnceASecondReadsOne) {
  FrameRate rate;
  const auto last = feed(rate, 10, 1s);
  EXPECT_DOUBLE_EQ(rate.per_second(last + 500ms), 1.0);
}

TEST(FrameRate, FramesThatStopReadZeroSoon) {
  FrameRate rate;
  const auto last = feed(rate, 100, 40ms);
  EXPECT_DOUBLE_EQ(rate.per_second(last + 80ms), 25.0);
  EXPECT_EQ(rate.per_second(last + 81ms), 0.0);  // two gaps of silence
  EXPECT_EQ(rate.per_second(last + 10s), 0.0);
}

TEST(FrameRate, NothingOrOneFrameIsNoRate) {
  FrameRate rate;
  EXPECT_EQ(rate.per_second(kStart), 0.0);
  rate.count(kStart);
  EXPECT_EQ(rate.per_second(kStart), 0.0);
  rate.count(kStart + 40ms);
  EXPECT_DOUBLE_EQ(rate.per_second(kStart + 40ms), 25.0);
  rate.clear();
  EXPECT_EQ(rate.per_second(kStart + 40ms), 0.0);
}

TEST(FrameRate, ASlowdownShowsWithinTheWindow) {
  FrameRate rate;
  auto at = feed(rate, 100, 40ms);
  for (int i = 0; i < 40; ++i) rate.count(at += 100ms);  // 4 s at 10 frames a second
  EXPECT_DOUBLE_EQ(rate.per_second(at), 10.0);
}
