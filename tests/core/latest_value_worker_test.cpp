// LatestValueWorker: what its thread is handed (the newest value, or everything merged), and that
// stop() comes through at once however the thread waits. The thread signals where it is through
// promises; the time bounds below are reached only when a test fails.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <vector>

#include "bangtin/latest_value_worker.hpp"

namespace bangtin {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kPatience = 10s;
// Far enough that a wait which reaches it fails the test by its time bound.
constexpr auto kAges = 1h;

bool arrives(const std::future<void>& event) {
  return event.wait_for(kPatience) == std::future_status::ready;
}

TEST(LatestValueWorker, ASlowThreadSeesTheNewestValueAndTheOthersAreCountedAsSkipped) {
  std::promise<void> took_first;
  std::promise<void> go_on;
  std::promise<void> took_last;
  std::vector<int> seen;
  LatestValueWorker<int> worker([&](LatestValueWorker<int>::Inbox& inbox) {
    while (std::optional<int> value = inbox.wait()) {
      seen.push_back(*value);
      if (seen.size() == 1) {
        took_first.set_value();
        go_on.get_future().wait();  // busy with the first while the others come in
      }
      if (*value == 10) took_last.set_value();
    }
  });
  EXPECT_FALSE(worker.submit(1));
  ASSERT_TRUE(arrives(took_first.get_future()));
  int skipped = 0;
  for (int value = 2; value <= 10; ++value) skipped += worker.submit(value) ? 1 : 0;
  go_on.set_value();
  ASSERT_TRUE(arrives(took_last.get_future()));
  worker.stop();
  EXPECT_EQ(seen, (std::vector<int>{1, 10}));
  EXPECT_EQ(skipped, 8);  // 2 to 9, each replaced before the thread came back
}

TEST(LatestValueWorker, MergedValuesAllReachTheThreadInOrder) {
  using Batches = LatestValueWorker<std::vector<int>>;
  std::promise<void> took_first;
  std::promise<void> go_on;
  std::promise<void> took_all;
  std::vector<int> seen;
  int batches = 0;
  Batches worker([&](Batches::Inbox& inbox) {
    while (std::optional<std::vector<int>> batch = inbox.wait()) {
      seen.insert(seen.end(), batch->begin(), batch->end());
      if (++batches == 1) {
        took_first.set_value();
        go_on.get_future().wait();
      }
      if (seen.size() == 100) took_all.set_value();
    }
  });
  const auto append = [&worker](int value) {
    return worker.update([value](std::vector<int>& batch) {
      batch.push_back(value);
      return batch.size();
    });
  };
  EXPECT_EQ(append(0), 1u);
  ASSERT_TRUE(arrives(took_first.get_future()));
  for (int value = 1; value < 100; ++value) EXPECT_EQ(append(value), static_cast<size_t>(value));
  go_on.set_value();
  ASSERT_TRUE(arrives(took_all.get_future()));
  worker.stop();
  std::vector<int> expected(100);
  for (int value = 0; value < 100; ++value) expected[static_cast<size_t>(value)] = value;
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(batches, 2);  // the first value alone, then the 99 merged while the thread was busy
}

// Starts a worker whose body signals, then waits in the given way; returns how long stop() took.
template <typename Wait>
Clock::duration time_to_stop(Wait wait_in) {
  std::promise<void> waiting;
  std::promise<void> returned;
  LatestValueWorker<int> worker([&](LatestValueWorker<int>::Inbox& inbox) {
    waiting.set_value();
    wait_in(inbox);
    returned.set_value();
  });
  EXPECT_TRUE(arrives(waiting.get_future()));
  const Clock::time_point asked = Clock::now();
  worker.stop();
  const Clock::duration took = Clock::now() - asked;
  EXPECT_TRUE(arrives(returned.get_future()));
  return took;
}

TEST(LatestValueWorker, StopIsPromptWhileTheThreadWaitsWithoutDeadline) {
  std::optional<int> got = 7;
  bool stopping = false;
  EXPECT_LT(time_to_stop([&](LatestValueWorker<int>::Inbox& inbox) {
              got = inbox.wait();
              stopping = inbox.stopping();
            }),
            kPatience);
  EXPECT_EQ(got, std::nullopt);
  EXPECT_TRUE(stopping);
}

TEST(LatestValueWorker, StopIsPromptWhileTheThreadWaitsForAFarDeadline) {
  std::optional<int> got = 7;
  EXPECT_LT(time_to_stop([&](LatestValueWorker<int>::Inbox& inbox) {
              got = inbox.wait(Clock::now() + kAges);
            }),
            kPatience);
  EXPECT_EQ(got, std::nullopt);
}

TEST(LatestValueWorker, StopIsPromptWhileTheThreadPauses) {
  bool paused_to_the_end = true;
  EXPECT_LT(time_to_stop([&](LatestValueWorker<int>::Inbox& inbox) {
              paused_to_the_end = inbox.pause_until(Clock::now() + kAges);
            }),
            kPatience);
  EXPECT_FALSE(paused_to_the_end);
}

TEST(LatestValueWorker, TheDestructorStopsAWaitingThread) {
  std::promise<void> waiting;
  std::promise<void> returned;
  std::future<void> ended = returned.get_future();
  const Clock::time_point start = Clock::now();
  {
    LatestValueWorker<int> worker([&](LatestValueWorker<int>::Inbox& inbox) {
      waiting.set_value();
      inbox.wait(Clock::now() + kAges);
      returned.set_value();
    });
    ASSERT_TRUE(arrives(waiting.get_future()));
  }
  EXPECT_EQ(ended.wait_for(0s), std::future_status::ready);  // joined, not left running
  EXPECT_LT(Clock::now() - start, kPatience);
}

TEST(LatestValueWorker, DeadlinesWakeTheThreadWithNothingHandedIn) {
  std::promise<void> woke;
  std::optional<int> got = 7;
  bool stopping = true;
  bool paused_to_the_end = false;
  LatestValueWorker<int> worker([&](LatestValueWorker<int>::Inbox& inbox) {
    got = inbox.wait(Clock::now() + 20ms);
    stopping = inbox.stopping();
    paused_to_the_end = inbox.pause_until(Clock::now() + 20ms);
    woke.set_value();
  });
  ASSERT_TRUE(arrives(woke.get_future()));  // no stop() yet: only the deadlines ended the waits
  EXPECT_EQ(got, std::nullopt);
  EXPECT_FALSE(stopping);
  EXPECT_TRUE(paused_to_the_end);
}

TEST(LatestValueWorker, APauseLeavesValuesPendingAndAStoppingThreadCanStillDrainThem) {
  std::promise<void> took_first;
  std::vector<int> seen;
  bool paused_to_the_end = true;
  LatestValueWorker<int> worker([&](LatestValueWorker<int>::Inbox& inbox) {
    seen.push_back(inbox.wait().value_or(-1));
    took_first.set_value();
    paused_to_the_end = inbox.pause_until(Clock::now() + kAges);  // a value comes, then stop()
    while (std::optional<int> value = inbox.wait()) seen.push_back(*value);
  });
  worker.submit(1);
  ASSERT_TRUE(arrives(took_first.get_future()));
  worker.submit(2);
  worker.stop();
  EXPECT_FALSE(paused_to_the_end);
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
}

TEST(LatestValueWorker, AValueLeftPendingAtStopIsDroppedSoThoseWaitingOnItAreLetGo) {
  using Requests = LatestValueWorker<std::vector<std::promise<int>>>;
  std::promise<void> waiting;
  Requests worker([&](Requests::Inbox& inbox) {
    waiting.set_value();
    inbox.pause_until(Clock::now() + kAges);  // never takes what is asked
  });
  ASSERT_TRUE(arrives(waiting.get_future()));
  std::promise<int> request;
  std::future<int> answer = request.get_future();
  worker.update(
      [&](std::vector<std::promise<int>>& asked) { asked.push_back(std::move(request)); });
  worker.stop();
  ASSERT_EQ(answer.wait_for(0s), std::future_status::ready);
  EXPECT_THROW(answer.get(), std::future_error);  // broken: nobody will answer
}

}  // namespace
}  // namespace bangtin
