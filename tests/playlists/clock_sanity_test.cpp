#include <gtest/gtest.h>

#include "bangtin/schedule.hpp"

namespace bangtin {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

const sys_days released = 2026y / November / 20;
const steady_clock::time_point boot{};  // the monotonic clock's own origin

ClockReading reading(system_clock::time_point wall, nanoseconds since_boot) {
  return ClockReading{wall, boot + since_boot};
}

const system_clock::time_point morning = sys_days(2026y / November / 24) + 1h;

TEST(ClockSanity, ATimeAfterTheReleaseIsSane) {
  const auto check = check_clock(released, std::nullopt, reading(morning, 10s));
  EXPECT_EQ(check.verdict, ClockVerdict::sane);
  EXPECT_EQ(check.explanation, "");
}

TEST(ClockSanity, ABoardBootingIn1970IsNot) {
  const auto check =
      check_clock(released, std::nullopt, reading(sys_days(1970y / January / 1) + 42s, 42s));
  EXPECT_EQ(check.verdict, ClockVerdict::before_release);
  EXPECT_EQ(check.explanation,
            "system clock says 1970-01-01T00:00Z, before this version of bangtin was released "
            "(2026-11-20); keeping the content on air until the time is set");
}

TEST(ClockSanity, ADayOfSlackForTimeZones) {
  EXPECT_EQ(check_clock(released, std::nullopt, reading(sys_days(released) - 23h, 1s)).verdict,
            ClockVerdict::sane);
  EXPECT_EQ(
      check_clock(released, std::nullopt, reading(sys_days(released) - 24h - 1ns, 1s)).verdict,
      ClockVerdict::before_release);
}

TEST(ClockSanity, WallAndMonotonicMovingTogetherIsSane) {
  const auto previous = reading(morning, 100s);
  EXPECT_EQ(check_clock(released, previous, reading(morning + 60s, 160s)).verdict,
            ClockVerdict::sane);
  // NTP slewing or a small step is not a jump.
  EXPECT_EQ(check_clock(released, previous, reading(morning + 60s + 30s, 160s)).verdict,
            ClockVerdict::sane);
}

TEST(ClockSanity, AJumpOfHoursIsReported) {
  const auto previous = reading(morning, 100s);
  const auto forward = check_clock(released, previous, reading(morning + 3h + 1s, 101s));
  EXPECT_EQ(forward.verdict, ClockVerdict::jumped);
  EXPECT_EQ(
      forward.explanation,
      "system clock jumped +3h0m (now 2026-11-24T04:00Z); starting the schedule again from the "
      "new time");
  const auto backward = check_clock(released, previous, reading(morning - 2h + 30min, 101s));
  EXPECT_EQ(backward.verdict, ClockVerdict::jumped);
  EXPECT_EQ(
      backward.explanation,
      "system clock jumped -1h30m (now 2026-11-23T23:30Z); starting the schedule again from the "
      "new time");
}

TEST(ClockSanity, ToleranceIsInclusive) {
  const auto previous = reading(morning, 0s);
  EXPECT_EQ(check_clock(released, previous, reading(morning + 1h, 0s)).verdict, ClockVerdict::sane);
  EXPECT_EQ(check_clock(released, previous, reading(morning + 1h + 1ns, 0s)).verdict,
            ClockVerdict::jumped);
  EXPECT_EQ(check_clock(released, previous, reading(morning + 6min, 0s), 5min).verdict,
            ClockVerdict::jumped);
}

TEST(ClockSanity, NtpSettingTheTimeAfterABootIn1970) {
  const auto at_boot = reading(sys_days(1970y / January / 1) + 20s, 20s);
  EXPECT_EQ(check_clock(released, std::nullopt, at_boot).verdict, ClockVerdict::before_release);
  // NTP answers: the time is right now, and was stepped by 56 years since the last reading.
  const auto set = reading(morning, 25s);
  EXPECT_EQ(check_clock(released, at_boot, set).verdict, ClockVerdict::jumped);
  // From the reading after, the schedule can run again.
  EXPECT_EQ(check_clock(released, set, reading(morning + 1s, 26s)).verdict, ClockVerdict::sane);
}

// Fixed in the source tree (not __DATE__), and sensible: a date after today would make every
// board distrust a correct clock; one before this check was written is a typo.
TEST(ClockSanity, TheEarliestTrustedDateIsThisVersionsReleaseNotTheFuture) {
  EXPECT_GE(earliest_trusted_date(), sys_days(2026y / December / 1));
  EXPECT_LE(earliest_trusted_date(), floor<days>(system_clock::now()));
  EXPECT_EQ(
      check_clock(earliest_trusted_date(), std::nullopt, reading(system_clock::now(), 1s)).verdict,
      ClockVerdict::sane);
}

}  // namespace
}  // namespace bangtin
