// Private to the controller: one thread that owns one panel link.
//
// libmodbus calls block for up to a timeout, so each link lives on its own thread and the event
// loop only hands it frames. Frames are latest-wins: a slow link skips frames, it never works
// through a queue of stale ones. A link that fails is closed, logged and retried with a capped
// exponential backoff, for as long as the daemon runs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "bangtin/controller.hpp"
#include "bangtin/panel_link.hpp"

namespace bangtin {

// Delays between reconnect attempts: doubling from `first`, never longer than `longest`, so a
// panel that comes back is playing again within `longest` of its return.
struct LinkBackoff {
  std::chrono::milliseconds first{200};
  std::chrono::milliseconds longest{2000};
};

class LinkWorker {
 public:
  LinkWorker(std::string display_name, std::unique_ptr<PanelLink> link, PanelGeometry expected,
             LogSink log, LinkBackoff backoff = LinkBackoff{});
  ~LinkWorker();
  LinkWorker(const LinkWorker&) = delete;
  LinkWorker& operator=(const LinkWorker&) = delete;

  // Replaces any frame not yet sent.
  void submit(Frame frame);
  void stop();
  std::uint64_t frames_shown() const { return frames_shown_; }

 private:
  void run();
  bool connect_once();
  // Waits for the backoff delay or for stop(); true when stopping.
  bool wait_before_retry();

  const std::string display_name_;
  const std::unique_ptr<PanelLink> link_;
  const PanelGeometry expected_;
  const LogSink log_;
  const LinkBackoff backoff_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Frame> pending_;
  bool stopping_ = false;

  std::chrono::milliseconds delay_;
  std::string last_failure_;
  std::uint64_t failures_in_a_row_ = 0;
  std::atomic<std::uint64_t> frames_shown_{0};
  std::thread thread_;
};

}  // namespace bangtin
