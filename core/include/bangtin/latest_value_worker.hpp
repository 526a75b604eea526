// bangtin::LatestValueWorker — a thread of its own for work that must not hold up its callers (a
// panel link that blocks, a window SDL ties to one thread, a journal's disk), fed through one
// pending value.
//
// Callers hand the thread a value: submit() replaces what is pending, so a slow thread skips to
// the newest (a frame); update() merges into it, so nothing is lost (plays to write, a light change
// beside a frame). The body takes the pending value through its Inbox, waiting for one, for stop()
// or for a deadline of its own (the next status read); or it pauses until a deadline (a retry's
// backoff), leaving what is handed in meanwhile pending.
//
// Locking rule: the worker's mutex guards the pending value and the stop flag, and nothing else.
// update()'s merge runs under it, so it stays short and never calls back into the worker. What the
// body keeps between values is the worker thread's alone; what it reports back to callers
// (counters, a status) needs a lock of its owner's.
//
// stop() (and the destructor) wakes any wait or pause at once and joins the thread, so a body comes
// back to its Inbox between pieces of work and ends when stopping() says so. A value still pending
// then is dropped, which lets go a caller waiting on something inside it. Declare the worker after
// every member its body uses: the thread starts in the constructor and is joined before they go.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace bangtin {

template <typename Value>
class LatestValueWorker {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::time_point kNoDeadline = Clock::time_point::max();

  // The worker thread's side, given to the body.
  class Inbox {
   public:
    // The pending value, taken. With none pending, waits for one (and takes it), for stop() or
    // for `deadline` (then nothing). A value pending at stop() is still handed over, so a body
    // that must finish its work drains it; others check stopping() after each wait.
    std::optional<Value> wait(Clock::time_point deadline = kNoDeadline) {
      std::unique_lock lock(worker_.mutex_);
      worker_.wait_locked(lock, deadline,
                          [this] { return worker_.stopping_ || worker_.pending_.has_value(); });
      return std::exchange(worker_.pending_, std::nullopt);
    }
    // The pending value, taken, without waiting.
    std::optional<Value> take() {
      const std::lock_guard lock(worker_.mutex_);
      return std::exchange(worker_.pending_, std::nullopt);
    }
    // Waits until `deadline`, leaving what is handed in pending; false when stop() cut it short.
    bool pause_until(Clock::time_point deadline) {
      std::unique_lock lock(worker_.mutex_);
      return !worker_.wait_locked(lock, deadline, [this] { return worker_.stopping_; });
    }
    bool stopping() const {
      const std::lock_guard lock(worker_.mutex_);
      return worker_.stopping_;
    }

   private:
    friend class LatestValueWorker;
    explicit Inbox(LatestValueWorker& worker) : worker_(worker) {}
    LatestValueWorker& worker_;
  };

  explicit LatestValueWorker(std::function<void(Inbox&)> body)
      : thread_([this, body = std::move(body)] {
          Inbox inbox(*this);
          body(inbox);
        }) {}
  ~LatestValueWorker() { stop(); }
  LatestValueWorker(const LatestValueWorker&) = delete;
  LatestValueWorker& operator=(const LatestValueWorker&) = delete;

  // Latest wins: `value` replaces what is pending. True when something was pending; it is dropped
  // unseen, and callers count the skip.
  bool submit(Value value) {
    bool replaced = false;
    {
      const std::lock_guard lock(mutex_);
      replaced = pending_.has_value();
      pending_ = std::move(value);
    }
    wake_.notify_one();
    return replaced;
  }

  // Merge: runs `merge(Value&)` under the lock on the pending value (a fresh one when nothing is
  // pending), wakes the thread, and returns what `merge` returns.
  template <typename Merge>
  decltype(auto) update(Merge&& merge) {
    const std::lock_guard lock(mutex_);
    if (!pending_) pending_.emplace();
    // Notified under the lock, so that merge's result can be returned: the thread wakes to it.
    wake_.notify_one();
    return std::forward<Merge>(merge)(*pending_);
  }

  // Wakes the thread out of any wait or pause and joins it; any thread but the worker's, any
  // number of times.
  void stop() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    std::call_once(joined_, [this] { thread_.join(); });
    const std::lock_guard lock(mutex_);
    pending_.reset();
  }

 private:
  template <typename Ready>
  bool wait_locked(std::unique_lock<std::mutex>& lock, Clock::time_point deadline, Ready ready) {
    if (deadline != kNoDeadline) return wake_.wait_until(lock, deadline, ready);
    wake_.wait(lock, ready);
    return true;
  }

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Value> pending_;
  bool stopping_ = false;
  std::once_flag joined_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace bangtin
