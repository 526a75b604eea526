// bangtin::PanelDriver — keeps one panel fed over its PanelLink, on a thread of its own.
//
// Link calls block (libmodbus does, for up to a timeout), so each link gets a driver thread and
// the caller only hands it frames. Frames are latest-wins: a slow link skips frames, it never
// works through a queue of stale ones. The driver connects, checks the panel is the one
// configured, shows frames, reads the panel's status back now and then and compares the CRC of
// the frame on show with the frame it committed; any failure is logged, the link is closed and
// retried with a capped exponential backoff, for as long as the driver lives. Counters say how
// the link is doing (for the daemon's status).
//
// How each frame goes: whole, or only the changed spans (delta), or, on a slow serial line whose
// panel keeps strips, as a window of a strip uploaded once into the panel's memory. A submitted
// frame may come with the strip it was cut from (a plain scroll); the driver checks that the
// frame really is that strip's window, then uploads the strip when that shows more frames of the
// scroll in the time it has left than sending frames would (LineCapacity against the costs of
// each way), part by part between newer frames, and from then on writes one offset a frame. A
// strip too long for the panel's memory scrolls through a ring of tiles instead (map v4), the
// columns coming into view written a frame, when that costs less than the frame. While
// a strip plays, the strip of the scroll after it (when the caller has it) goes into the panel's
// memory beside it, a small part after each frame, so that the next scroll starts on time instead
// of waiting seconds for its upload on a 9600-baud line.
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
#include <vector>

#include "bangtin/frame.hpp"
#include "bangtin/frame_rate.hpp"
#include "bangtin/frame_source.hpp"
#include "bangtin/latest_value_worker.hpp"
#include "bangtin/link_health.hpp"
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

// Whether uploading a strip (`upload`, then `window` a frame) shows more frames over `remaining`
// than sending each frame (`frame`) would, at `wanted_fps` frames submitted a second.
bool strip_pays_off(const LineCapacity& line, const WireCost& frame, const WireCost& window,
                    const WireCost& upload, std::chrono::nanoseconds remaining, double wanted_fps);

// The link's health as `bangtin status` shows it, and what the driver counts besides.
struct LinkCounters {
  LinkHealth health{};
  std::optional<PanelIdentity> panel{};  // as read at the last connect
  std::uint64_t frames_skipped = 0;      // replaced by a newer frame before they were sent
  std::uint64_t wire_bytes = 0;          // all frames so far
  std::uint64_t delta_frames = 0;
  std::uint64_t strip_frames = 0;     // shown as a window of a strip in the panel's memory
  std::uint64_t ring_frames = 0;      // shown as a window of a ring of tiles (map v4)
  std::uint64_t strips_uploaded = 0;  // uploads finished (each strip once while the panel keeps it)
  std::uint64_t upload_wire_bytes = 0;  // of strip uploads, also counted in wire_bytes
  std::optional<PanelStatus> last_status{};
  // Brightness and power as last set on the link; nothing before that, or when the panel can
  // neither dim nor switch off.
  std::optional<PanelLight> light{};
};

class PanelDriver {
 public:
  using Log = std::function<void(std::string_view line)>;

  PanelDriver(std::unique_ptr<PanelLink> link, PanelGeometry expected, Log log,
              DriverOptions options = {});
  ~PanelDriver();
  PanelDriver(const PanelDriver&) = delete;
  PanelDriver& operator=(const PanelDriver&) = delete;

  // Replaces any frame not yet sent.
  void submit(Frame frame, FrameSource source = {});
  // Brightness 0..100 % and power, kept and set again after every reconnect (a panel that
  // restarted comes back at full brightness). Throw std::invalid_argument for a percentage out of
  // range. Any thread.
  void set_brightness(int percent);
  void set_power(bool on);
  void stop();

  LinkCounters counters() const;
  // Waits until the counters satisfy `condition`; false when the timeout passes first.
  bool wait_for(const std::function<bool(const LinkCounters&)>& condition,
                std::chrono::milliseconds timeout) const;

 private:
  using Clock = std::chrono::steady_clock;

  struct Submission {
    Frame frame;
    FrameSource source;
  };
  // What callers hand the driver thread: the newest frame, light changes, and when frames were
  // submitted (a strip is judged at the rate they come).
  struct Mail {
    std::optional<Submission> frame;
    std::optional<int> brightness_percent;
    std::optional<bool> power;
    std::deque<Clock::time_point> submitted;  // within the last second
  };
  using Worker = LatestValueWorker<Mail>;
  enum class StripChoice { frames, upload, window, ring };
  enum class Sent { shown, uploading, failed };

  void run(Worker::Inbox& inbox);
  void read_mail(Mail mail);
  bool connect_once();
  // Waits for the backoff delay; false when stop() came first.
  bool pause_before_retry(Worker::Inbox& inbox);
  Sent send(const Submission& submission);
  StripChoice choose(StripMemory& memory, const Submission& submission);
  void upload_part(StripMemory& memory, const std::shared_ptr<const Frame>& strip);
  // A part of the next scroll's strip, after a frame of the one on show (FrameSource::next_strip).
  void upload_ahead(StripMemory& memory, const Submission& submission);
  // Counts a part of an upload on the wire; true when it finished the strip.
  bool count_upload_part(const StripMemory& memory, const std::shared_ptr<const Frame>& strip,
                         const WireCost& part, bool ahead);
  static std::string seconds_since(Clock::time_point start);
  void note_strip_once(const std::shared_ptr<const Frame>& strip, const std::string& line);
  // Columns the scroll moved since the frame before (1 for a scroll's first frame).
  int scroll_step(const ScrollStrip& view);
  void count_frame(const WireCost& cost, StripChoice way);
  void apply_light(const PanelLight& light);
  double submitted_per_second() const;
  void check_status();
  // Acts on a status read: drops the link when the panel restarted or shows another frame.
  void judge_status(const std::optional<PanelStatus>& status);
  // Closes the link after a failure; the next connect waits for the backoff like a failed one.
  void drop_link(const std::string& why);
  void note_failure(const std::string& failure, std::string_view heading = "link down: ");
  // A frame or status read got through: the backoff starts again from its first delay.
  void note_link_works();
  template <typename Change>
  void update_counters(Change change);

  const std::unique_ptr<PanelLink> link_;
  const PanelGeometry expected_;
  const Log log_;
  const DriverOptions options_;

  // Touched only by the driver thread.
  std::optional<Submission> due_;  // to send next: the newest frame, or an upload's still going
  // The panel may have lost what it showed: last_shown_ goes again unless a newer frame is due.
  bool show_again_ = false;
  PanelLight wanted_light_;  // as callers last set it
  std::deque<Clock::time_point> recent_submits_;
  std::chrono::milliseconds delay_;
  std::string last_failure_;
  std::uint64_t failures_in_a_row_ = 0;  // since a frame or status read last got through
  std::uint64_t connects_since_working_ = 0;
  bool retry_wait_due_ = false;  // the link was dropped: wait before connecting again
  bool connected_before_ = false;
  // The frame the panel should be showing: re-sent after a reconnect when nothing newer waits.
  std::optional<Submission> last_shown_;
  Frame window_;                              // scratch for checking a strip view against its frame
  std::shared_ptr<const Frame> noted_strip_;  // the strip last logged about
  std::optional<PanelLight> applied_light_;   // on the link since it connected
  std::shared_ptr<const Frame> uploading_;
  std::shared_ptr<const Frame> uploading_ahead_;
  Clock::time_point upload_started_;
  std::optional<std::uint32_t> committed_crc_;   // of last_shown_, worked out when first needed
  std::optional<std::uint32_t> uptime_seconds_;  // as last read since it connected
  Clock::time_point next_status_;
  std::deque<Clock::time_point> recent_frames_;
  const Frame* last_scroll_strip_ = nullptr;  // compared, never followed
  int last_scroll_offset_ = 0;

  mutable std::mutex counters_mutex_;
  mutable std::condition_variable counters_changed_;
  LinkCounters counters_;
  FrameRate delivered_;  // frames the link took; counters_mutex_ guards it like counters_

  Worker worker_;  // last: its thread uses everything above
};

}  // namespace bangtin
