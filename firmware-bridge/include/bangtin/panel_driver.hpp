// bangtin::PanelDriver — keeps one panel fed over its PanelLink, on a thread of its own.
//
// Link calls block (libmodbus does, for up to a timeout), so each link gets a driver thread and
// the caller only hands it frames. Frames are latest-wins: a slow link skips frames, it never
// works through a queue of stale ones. The driver connects, checks the panel is the one
// configured, shows frames, reads the panel's status back now and then and compares the CRC of
// the frame on show with the frame it committed; any failure is logged, the link is closed and
// retried with a capped exponential backoff, for as long as the driver lives. Counters say how
// the link is doing (for the daemon's status).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "bangtin/frame.hpp"
#include "bangtin/panel_link.hpp"

namespace bangtin {

// Delays between reconnect attempts: doubling from `first`, never longer than `longest`, so a
// panel that comes back is playing again within `longest` of its return.
struct LinkBackoff {
  std::chrono::milliseconds first{200};
  std::chrono::milliseconds longest{1500};
};

struct DriverOptions {
  LinkBackoff backoff{};
  // How often the panel's status is read back (links that can); zero: after every frame.
  std::chrono::milliseconds status_interval{1000};
};

// The panel a display is configured for.
struct PanelShape {
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::mono;
};

struct LinkCounters {
  bool connected = false;
  std::optional<PanelIdentity> panel{};  // as read at the last connect
  std::uint64_t frames_shown = 0;
  std::uint64_t frames_skipped = 0;  // replaced by a newer frame before they were sent
  double frames_per_second = 0;      // over the last second
  std::size_t last_frame_wire_bytes = 0;
  std::uint64_t wire_bytes = 0;  // all frames so far
  std::uint64_t delta_frames = 0;
  std::uint64_t errors = 0;      // failed connects, frames and status reads, CRC mismatches
  std::uint64_t reconnects = 0;  // connections after the first
  std::uint64_t crc_mismatches = 0;
  std::optional<PanelStatus> last_status{};
};

class PanelDriver {
 public:
  using Log = std::function<void(std::string_view line)>;

  PanelDriver(std::unique_ptr<PanelLink> link, PanelShape expected, Log log,
              DriverOptions options = {});
  ~PanelDriver();
  PanelDriver(const PanelDriver&) = delete;
  PanelDriver& operator=(const PanelDriver&) = delete;

  // Replaces any frame not yet sent.
  void submit(Frame frame);
  void stop();

  LinkCounters counters() const;
  // Waits until the counters satisfy `condition`; false when the timeout passes first.
  bool wait_for(const std::function<bool(const LinkCounters&)>& condition,
                std::chrono::milliseconds timeout) const;

 private:
  using Clock = std::chrono::steady_clock;

  void run();
  bool connect_once();
  // Waits for the backoff delay or for stop(); true when stopping.
  bool wait_before_retry();
  void show(const Frame& frame);
  void check_status();
  void drop_link(const std::string& why);
  void note_failure(const std::string& failure);
  template <typename Change>
  void update_counters(Change change);

  const std::unique_ptr<PanelLink> link_;
  const PanelShape expected_;
  const Log log_;
  const DriverOptions options_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Frame> pending_;
  bool stopping_ = false;

  // Touched only by the driver thread.
  std::chrono::milliseconds delay_;
  std::string last_failure_;
  std::uint64_t failures_in_a_row_ = 0;
  bool connected_before_ = false;
  // The frame the panel should be showing: re-sent after a reconnect when nothing newer waits.
  std::optional<Frame> last_shown_;
  std::optional<std::uint32_t> committed_crc_;  // of last_shown_, worked out when first needed
  Clock::time_point next_status_;
  std::deque<Clock::time_point> recent_frames_;

  mutable std::mutex counters_mutex_;
  mutable std::condition_variable counters_changed_;
  LinkCounters counters_;

  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace bangtin
