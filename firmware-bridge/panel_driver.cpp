#include "bangtin/panel_driver.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "bangtin/register_map.hpp"

namespace bangtin {

namespace rm = register_map;

namespace {

std::string describe(int width, int height, PixelFormat format) {
  return std::to_string(width) + "x" + std::to_string(height) + " " +
         std::string(to_string(format));
}

std::string hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(value));
  return text;
}

std::string fault_names(std::uint16_t faults) {
  constexpr std::pair<std::uint16_t, const char*> kNames[] = {
      {rm::kFaultFramebufferLost, "frame lost at power-up"},
      {rm::kFaultOverTemperature, "over temperature"},
      {rm::kFaultPowerSupply, "power supply"},
      {rm::kFaultPixelDriver, "pixel driver"},
  };
  std::string text;
  std::uint16_t named = 0;
  for (const auto& [bit, name] : kNames) {
    if ((faults & bit) == 0) continue;
    text += (text.empty() ? "" : ", ") + std::string(name);
    named |= bit;
  }
  if ((faults & ~named) != 0) {
    char other[24];
    std::snprintf(other, sizeof other, "bits 0x%04X", static_cast<unsigned>(faults & ~named));
    text += (text.empty() ? "" : ", ") + std::string(other);
  }
  return text.empty() ? "none" : text;
}

// Keeps the instants within a second of the newest: a rate over the last second.
void keep_last_second(std::deque<std::chrono::steady_clock::time_point>& instants) {
  while (instants.back() - instants.front() > std::chrono::seconds(1)) instants.pop_front();
}

std::string size_text(std::size_t bytes) {
  return bytes >= 10240 ? std::to_string((bytes + 512) / 1024) + " KiB"
                        : std::to_string(bytes) + " bytes";
}

}  // namespace

bool strip_pays_off(const LineCapacity& line, const WireCost& frame, const WireCost& window,
                    const WireCost& upload, std::chrono::nanoseconds remaining, double wanted_fps) {
  const double seconds_left = std::chrono::duration<double>(remaining).count();
  const auto fps = [&](const WireCost& cost) {
    const double seconds = line.seconds(cost);
    return seconds > 0 ? std::min(wanted_fps, 1.0 / seconds) : wanted_fps;
  };
  const double by_frames = seconds_left * fps(frame);
  const double by_strip = std::max(0.0, seconds_left - line.seconds(upload)) * fps(window);
  return by_strip > by_frames;
}

PanelDriver::PanelDriver(std::unique_ptr<PanelLink> link, PanelGeometry expected, Log log,
                         DriverOptions options)
    : link_(std::move(link)),
      expected_(expected),
      log_(std::move(log)),
      options_(options),
      delay_(options.backoff.first),
      worker_([this](Worker::Inbox& inbox) { run(inbox); }) {}

PanelDriver::~PanelDriver() = default;

void PanelDriver::submit(Frame frame, FrameSource source) {
  const Clock::time_point now = Clock::now();
  const bool replaced = worker_.update([&](Mail& mail) {
    const bool replacing = mail.frame.has_value();
    mail.frame = Submission{std::move(frame), std::move(source)};
    mail.submitted.push_back(now);
    keep_last_second(mail.submitted);
    return replacing;
  });
  if (replaced) update_counters([](LinkCounters& counters) { ++counters.frames_skipped; });
}

void PanelDriver::set_brightness(int percent) {
  if (percent < 0 || percent > 100)
    throw std::invalid_argument("brightness must be 0 to 100 %, not " + std::to_string(percent));
  worker_.update([percent](Mail& mail) { mail.brightness_percent = percent; });
}

void PanelDriver::set_power(bool on) {
  worker_.update([on](Mail& mail) { mail.power = on; });
}

void PanelDriver::read_mail(Mail mail) {
  if (mail.frame) {
    // A frame still due (an upload's, or one a failed light change held back) gives way too.
    if (due_) update_counters([](LinkCounters& counters) { ++counters.frames_skipped; });
    due_ = std::move(mail.frame);
  }
  if (mail.brightness_percent) wanted_light_.brightness_percent = *mail.brightness_percent;
  if (mail.power) wanted_light_.on = *mail.power;
  if (mail.submitted.empty()) return;
  recent_submits_.insert(recent_submits_.end(), mail.submitted.begin(), mail.submitted.end());
  keep_last_second(recent_submits_);
}

void PanelDriver::apply_light(const PanelLight& light) {
  std::optional<WireCost> cost;
  try {
    cost = link_->set_light(light);
  } catch (const LinkError& error) {
    drop_link(std::string("link disconnected: ") + error.what());
    return;
  }
  if (!cost && applied_light_ != light && light != PanelLight{})
    log_("the panel can neither dim nor switch off; it stays as it is");
  applied_light_ = light;
  update_counters([&](LinkCounters& counters) {
    counters.light = cost ? std::optional(light) : std::nullopt;
    if (cost) counters.wire_bytes += cost->bytes;
  });
  // Receivers that are dimmed by scaling pixels show the change with the next frame.
  show_again_ = true;
}

void PanelDriver::stop() { worker_.stop(); }

LinkCounters PanelDriver::counters() const {
  const std::lock_guard lock(counters_mutex_);
  LinkCounters now = counters_;
  // At the time of asking: frames that stopped going out (a stalled link) read 0 without
  // waiting for a frame to say so.
  now.health.frames_per_second = delivered_.per_second(Clock::now());
  return now;
}

bool PanelDriver::wait_for(const std::function<bool(const LinkCounters&)>& condition,
                           std::chrono::milliseconds timeout) const {
  std::unique_lock lock(counters_mutex_);
  return counters_changed_.wait_for(lock, timeout, [&] { return condition(counters_); });
}

template <typename Change>
void PanelDriver::update_counters(Change change) {
  {
    const std::lock_guard lock(counters_mutex_);
    change(counters_);
  }
  counters_changed_.notify_all();
}

namespace {

bool is_power_of_two(std::uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

}  // namespace

void PanelDriver::note_failure(const std::string& failure, std::string_view heading) {
  ++failures_in_a_row_;
  update_counters([](LinkCounters& counters) { ++counters.health.errors; });
  // A dead panel is retried every couple of seconds for hours: log a new reason at once, and the
  // same one again only now and then, so the log stays readable.
  if (failure != last_failure_ || is_power_of_two(failures_in_a_row_)) {
    log_(std::string(heading) + failure + " (attempt " + std::to_string(failures_in_a_row_) +
         ", next in " + std::to_string(delay_.count()) + " ms)");
    last_failure_ = failure;
  }
}

void PanelDriver::note_link_works() {
  // Only a frame or a status read that got through proves the link: a panel that takes the
  // connection but fails every frame must back off like one that refuses the connection.
  connects_since_working_ = 0;
  if (failures_in_a_row_ == 0) return;
  delay_ = options_.backoff.first;
  failures_in_a_row_ = 0;
  last_failure_.clear();
}

bool PanelDriver::connect_once() {
  std::string failure;
  try {
    const std::optional<PanelIdentity> panel = link_->connect();
    const bool matches =
        !panel || (panel->width == expected_.width && panel->height == expected_.height &&
                   panel->format == expected_.format);
    const std::optional<std::string> refusal =
        matches ? link_->cannot_show(expected_.width, expected_.height, expected_.format)
                : std::nullopt;
    if (refusal) {
      link_->close();
      note_failure(*refusal);
      return false;
    }
    // A link that connects and then fails at once is logged as seldom as its failures are.
    if (matches && is_power_of_two(++connects_since_working_))
      log_("link connected: " + link_->describe() +
           (panel ? " (panel " + describe(panel->width, panel->height, panel->format) +
                        ", register map v" + std::to_string(panel->map_version) + ")"
                  : " (it does not describe itself; taken to be " +
                        describe(expected_.width, expected_.height, expected_.format) +
                        " as configured)"));
    if (matches) {
      committed_crc_.reset();
      uptime_seconds_.reset();
      next_status_ = Clock::now() + options_.status_interval;
      update_counters([&](LinkCounters& counters) {
        counters.health.connected = true;
        counters.panel = panel;
        if (connected_before_) ++counters.health.reconnects;
      });
      connected_before_ = true;
      applied_light_.reset();  // the panel may have restarted at full brightness
      // The panel may have lost what it showed (a reboot, a new connection to a panel that was
      // power-cycled): show the last frame again unless a newer one is waiting.
      show_again_ = true;
      return true;
    }
    link_->close();
    failure = "panel at " + link_->describe() + " is " +
              describe(panel->width, panel->height, panel->format) + " but the config says " +
              describe(expected_.width, expected_.height, expected_.format) +
              "; not sending frames to it";
  } catch (const LinkError& error) {
    failure = error.what();
  }
  note_failure(failure);
  return false;
}

bool PanelDriver::pause_before_retry(Worker::Inbox& inbox) {
  const bool paused = inbox.pause_until(Clock::now() + delay_);
  delay_ = std::min(delay_ * 2, options_.backoff.longest);
  return paused;
}

void PanelDriver::drop_link(const std::string& why) {
  link_->close();
  committed_crc_.reset();
  uploading_.reset();
  uploading_ahead_.reset();
  update_counters([this](LinkCounters& counters) {
    counters.health.connected = false;
    counters.health.frames_per_second = 0;  // nothing reaches the panel
    delivered_.clear();
  });
  note_failure(why, "");
  retry_wait_due_ = true;
}

double PanelDriver::submitted_per_second() const {
  if (recent_submits_.size() < 2) return 1.0;
  const double span =
      std::chrono::duration<double>(recent_submits_.back() - recent_submits_.front()).count();
  return span > 0 ? static_cast<double>(recent_submits_.size() - 1) / span : 1.0;
}

void PanelDriver::note_strip_once(const std::shared_ptr<const Frame>& strip,
                                  const std::string& line) {
  if (noted_strip_ == strip) return;
  noted_strip_ = strip;
  log_(line);
}

PanelDriver::StripChoice PanelDriver::choose(StripMemory& memory, const Submission& submission) {
  const ScrollStrip& view = *submission.source.strip;
  const Frame& frame = submission.frame;
  if (!view.strip) return StripChoice::frames;
  // The panel is to draw the frame itself from the strip: only when that gives this very frame.
  if (view.strip->height != frame.height || view.strip->format != frame.format) {
    note_strip_once(view.strip, "strip of " + std::to_string(view.strip->height) +
                                    " rows does not fit the frame; sending frames");
    return StripChoice::frames;
  }
  if (window_.width != frame.width || window_.height != frame.height ||
      window_.format != frame.format)
    window_ = Frame::blank(frame.width, frame.height, frame.format);
  cut_strip_window(*view.strip, view.offset, window_);
  if (window_ != frame) {
    note_strip_once(view.strip, "the frame is not the strip's window at offset " +
                                    std::to_string(view.offset) +
                                    " (other zones on the display?); sending frames");
    return StripChoice::frames;
  }
  const std::optional<WireCost> upload = memory.upload_cost(view.strip);
  const WireCost frame_cost = memory.frame_cost(frame);
  const std::optional<LineCapacity> line = link_->capacity();
  if (!upload) {
    // Per frame, whichever moves more frames a second on the wire: the columns coming into view
    // through the ring, or the frame (whole, or its changed spans on a panel that keeps its back
    // buffer).
    const std::optional<StripMemory::RingCost> ring =
        memory.ring_window_cost(view.strip, view.offset, scroll_step(view));
    // Filling the ring costs about a frame; after that a few columns a frame. A network link
    // carries that frame in no time; a serial line must show more frames for it over what is left
    // of the scroll.
    const bool ring_pays_off =
        ring && (line ? ring->now.bytes <= frame_cost.bytes ||
                            strip_pays_off(*line, frame_cost, ring->each_frame, ring->now,
                                           view.remaining, submitted_per_second())
                      : ring->each_frame.bytes < frame_cost.bytes);
    const std::string strip_text = "a strip of " + std::to_string(view.strip->width) + "x" +
                                   std::to_string(view.strip->height) + " (" +
                                   size_text(view.strip->bytes.size()) +
                                   ") does not fit in the panel's memory; ";
    if (ring_pays_off) {
      note_strip_once(view.strip, strip_text +
                                      "scrolling it through a ring of tiles, the columns coming "
                                      "into view written a frame");
      return StripChoice::ring;
    }
    note_strip_once(view.strip, strip_text + "sending frames");
    return StripChoice::frames;
  }
  const WireCost window_cost = memory.window_cost(view.strip);
  if (upload->bytes == 0)
    return window_cost.bytes <= frame_cost.bytes ? StripChoice::window : StripChoice::frames;
  if (!line) return StripChoice::frames;  // a network link carries whole frames in no time
  return strip_pays_off(*line, frame_cost, window_cost, *upload, view.remaining,
                        submitted_per_second())
             ? StripChoice::upload
             : StripChoice::frames;
}

int PanelDriver::scroll_step(const ScrollStrip& view) {
  const int step = last_scroll_strip_ == view.strip.get() ? view.offset - last_scroll_offset_ : 1;
  last_scroll_strip_ = view.strip.get();
  last_scroll_offset_ = view.offset;
  return std::max(1, step);
}

void PanelDriver::count_frame(const WireCost& cost, StripChoice way) {
  committed_crc_.reset();  // worked out when a status read needs it
  const Clock::time_point now = Clock::now();
  recent_frames_.push_back(now);
  keep_last_second(recent_frames_);
  update_counters([&](LinkCounters& counters) {
    ++counters.health.frames_shown;
    delivered_.count(now);
    counters.health.frames_per_second = delivered_.per_second(now);
    counters.health.bytes_per_frame = cost.bytes;
    counters.wire_bytes += cost.bytes;
    if (cost.delta) ++counters.delta_frames;
    if (way == StripChoice::window) ++counters.strip_frames;
    if (way == StripChoice::ring) ++counters.ring_frames;
  });
}

void PanelDriver::upload_part(StripMemory& memory, const std::shared_ptr<const Frame>& strip) {
  if (uploading_ != strip) {
    uploading_ = strip;
    upload_started_ = Clock::now();
    const std::optional<LineCapacity> line = link_->capacity();
    const WireCost whole = memory.upload_cost(strip).value_or(WireCost{});
    char seconds[32] = "";
    if (line) std::snprintf(seconds, sizeof seconds, ", about %.1f s", line->seconds(whole));
    log_("uploading a " + std::to_string(strip->width) + "x" + std::to_string(strip->height) +
         " strip into the panel (" + size_text(whole.bytes) + " on the wire" + seconds +
         "); the panel keeps its frame meanwhile");
  }
  if (count_upload_part(memory, strip, memory.upload_step(strip), false)) {
    log_("strip uploaded in " + seconds_since(upload_started_) +
         "; scrolling by writing its offset");
    uploading_.reset();
  }
}

bool PanelDriver::count_upload_part(const StripMemory& memory,
                                    const std::shared_ptr<const Frame>& strip, const WireCost& part,
                                    bool ahead) {
  const bool done = memory.upload_cost(strip).value_or(WireCost{}).bytes == 0;
  update_counters([&](LinkCounters& counters) {
    counters.wire_bytes += part.bytes;
    counters.upload_wire_bytes += part.bytes;
    if (done) ++counters.strips_uploaded;
    if (done && ahead) ++counters.health.strips_uploaded_ahead;
  });
  return done;
}

std::string PanelDriver::seconds_since(Clock::time_point start) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s",
                std::chrono::duration<double>(Clock::now() - start).count());
  return seconds;
}

void PanelDriver::upload_ahead(StripMemory& memory, const Submission& submission) {
  const std::shared_ptr<const Frame>& next = submission.source.next_strip;
  const ScrollStrip& view = *submission.source.strip;
  if (!next || next == view.strip) return;
  const std::optional<WireCost> left = memory.upload_cost(next);
  if (!left || left->bytes == 0) return;  // it can never fit (said when it goes on air), or is in
  if (!memory.fits_beside(next, view.strip)) {
    if (noted_strip_ != next)
      update_counters([](LinkCounters& counters) { ++counters.health.strips_without_room_ahead; });
    note_strip_once(next,
                    "the panel's strip memory has no room for the next strip beside the one "
                    "on show; it goes in when its scroll starts");
    return;
  }
  const std::optional<LineCapacity> line = link_->capacity();
  if (!line) return;
  // Spread over the frames this scroll has left (three fifths of them, to be done early), so the
  // scroll on show slows as little as the upload allows; never less than a few registers a part,
  // whose request would cost more than its data. Frames are counted at the rate they really go
  // out, which the parts themselves slow, but no slower than half the rate asked for, about where
  // it settles: a scroll that just finished its own upload has shown few frames in the last
  // second and would send its first parts too big.
  const double wanted = submitted_per_second();
  const double shown_per_second =
      std::max(1.0, std::clamp(static_cast<double>(recent_frames_.size()), wanted / 2, wanted));
  const double frames_left =
      std::max(1.0, 0.6 * std::chrono::duration<double>(view.remaining).count() * shown_per_second);
  const auto most_bytes = std::max<std::size_t>(
      16, static_cast<std::size_t>(static_cast<double>(left->bytes) / frames_left));
  if (uploading_ahead_ != next) {
    uploading_ahead_ = next;
    upload_started_ = Clock::now();
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f s", line->seconds(*left));
    log_("uploading the next strip (" + std::to_string(next->width) + "x" +
         std::to_string(next->height) + ", " + size_text(left->bytes) + ", " + seconds +
         " of the line) beside the one on show, a part after each frame");
  }
  if (count_upload_part(memory, next, memory.upload_step(next, most_bytes), true)) {
    log_("next strip uploaded ahead in " + seconds_since(upload_started_) +
         "; its scroll starts at once when it comes");
    uploading_ahead_.reset();
  }
}

PanelDriver::Sent PanelDriver::send(const Submission& submission) {
  try {
    StripMemory* const memory = link_->strip_memory();
    const StripChoice choice =
        memory && submission.source.strip ? choose(*memory, submission) : StripChoice::frames;
    if (choice == StripChoice::upload) {
      upload_part(*memory, submission.source.strip->strip);
      return Sent::uploading;
    }
    if (choice == StripChoice::window || choice == StripChoice::ring) {
      const ScrollStrip& view = *submission.source.strip;
      count_frame(choice == StripChoice::ring ? memory->show_ring_window(view.strip, view.offset)
                                              : memory->show_window(view.strip, view.offset),
                  choice);
      upload_ahead(*memory, submission);
      return Sent::shown;
    }
    OwnFont* font = link_->own_font();
    count_frame(font ? font->show_text(submission.source.text) : link_->show(submission.frame),
                StripChoice::frames);
    return Sent::shown;
  } catch (const LinkError& error) {
    drop_link(std::string("link disconnected: ") + error.what());
    return Sent::failed;
  }
}

void PanelDriver::check_status() {
  next_status_ = Clock::now() + options_.status_interval;
  std::optional<PanelStatus> status;
  try {
    status = link_->status();
  } catch (const LinkError& error) {
    drop_link(std::string("link disconnected: ") + error.what());
    return;
  }
  if (!status) return;
  judge_status(status);
  if (link_->is_open()) note_link_works();  // read, and nothing in it dropped the link
}

void PanelDriver::judge_status(const std::optional<PanelStatus>& status) {
  const std::optional<PanelStatus> previous = counters().last_status;
  update_counters([&](LinkCounters& counters) {
    counters.last_status = status;
    counters.health.reads_back = status.has_value();
  });
  const bool faults_changed = previous ? previous->faults != status->faults : status->faults != 0;
  if (faults_changed) log_("panel faults: " + fault_names(status->faults));

  // A panel that restarted and took a frame before this read shows no "frame lost" and the right
  // CRC, but it came back at full brightness: only its clock tells.
  const std::optional<std::uint32_t> uptime_before =
      std::exchange(uptime_seconds_, status->uptime_seconds);
  if (uptime_before && status->uptime_seconds < *uptime_before) {
    drop_link("panel restarted (uptime " + std::to_string(status->uptime_seconds) + " s, was " +
              std::to_string(*uptime_before) +
              " s); reconnecting to set its light and frame again");
    return;
  }
  if (!last_shown_) return;
  if (!committed_crc_) committed_crc_ = frame_crc32(last_shown_->frame);
  if ((status->faults & rm::kFaultFramebufferLost) != 0) {
    drop_link("panel restarted and lost its frame; reconnecting to show it again");
  } else if (status->shown_crc != *committed_crc_) {
    update_counters([](LinkCounters& counters) { ++counters.health.readback_mismatches; });
    drop_link("panel shows a different frame from the one committed (CRC " +
              hex32(status->shown_crc) + " on the panel, " + hex32(*committed_crc_) +
              " committed); reconnecting to send it whole");
  }
}

void PanelDriver::run(Worker::Inbox& inbox) {
  const bool timed_status = options_.status_interval.count() > 0;
  for (;;) {
    if (!link_->is_open()) {
      // After a dropped link as after a refused connect: wait, or a link that connects and then
      // fails every frame reconnects as fast as it can.
      if (std::exchange(retry_wait_due_, false) && !pause_before_retry(inbox)) break;
      if (!connect_once()) {
        if (!pause_before_retry(inbox)) break;
        continue;
      }
    }
    // With work in hand only newer mail is taken; without, the thread sleeps until mail comes, or
    // stop(), or the next status read.
    const bool work_in_hand = due_ || show_again_ || applied_light_ != wanted_light_;
    std::optional<Mail> mail =
        work_in_hand ? inbox.take() : inbox.wait(timed_status ? next_status_ : Worker::kNoDeadline);
    if (inbox.stopping()) break;
    if (mail) read_mail(std::move(*mail));
    if (applied_light_ != wanted_light_) {
      apply_light(wanted_light_);
      if (!link_->is_open()) continue;
    }
    if (std::exchange(show_again_, false) && !due_) due_ = last_shown_;
    bool showed = false;
    if (due_) {
      const Sent sent = send(*due_);
      showed = sent == Sent::shown;
      if (sent != Sent::failed) note_link_works();  // a frame or a strip part got through
      // An upload part leaves the frame due: the next part goes with the newest frame, or with
      // this one if nothing newer came. Otherwise, even when the link failed, it is what the
      // panel should show once it is back.
      if (sent != Sent::uploading) last_shown_ = std::exchange(due_, std::nullopt);
    }
    if (link_->is_open() && (timed_status ? Clock::now() >= next_status_ : showed)) check_status();
  }
  link_->close();
  update_counters([this](LinkCounters& counters) {
    counters.health.connected = false;
    counters.health.frames_per_second = 0;  // nothing reaches the panel
    delivered_.clear();
  });
}

}  // namespace bangtin
