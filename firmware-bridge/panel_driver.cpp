#include "bangtin/panel_driver.hpp"

#include <cstdio>
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

}  // namespace

PanelDriver::PanelDriver(std::unique_ptr<PanelLink> link, PanelShape expected, Log log,
                         DriverOptions options)
    : link_(std::move(link)),
      expected_(expected),
      log_(std::move(log)),
      options_(options),
      delay_(options.backoff.first),
      thread_([this] { run(); }) {}

PanelDriver::~PanelDriver() { stop(); }

void PanelDriver::submit(Frame frame) {
  bool replaced = false;
  {
    const std::lock_guard lock(mutex_);
    replaced = pending_.has_value();
    pending_ = std::move(frame);
  }
  wake_.notify_one();
  if (replaced) update_counters([](LinkCounters& counters) { ++counters.frames_skipped; });
}

void PanelDriver::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

LinkCounters PanelDriver::counters() const {
  const std::lock_guard lock(counters_mutex_);
  return counters_;
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

void PanelDriver::note_failure(const std::string& failure) {
  ++failures_in_a_row_;
  update_counters([](LinkCounters& counters) { ++counters.errors; });
  // A dead panel is retried every couple of seconds for hours: log a new reason at once, and the
  // same one again only now and then, so the log stays readable.
  const bool power_of_two = (failures_in_a_row_ & (failures_in_a_row_ - 1)) == 0;
  if (failure != last_failure_ || power_of_two) {
    log_("link down: " + failure + " (attempt " + std::to_string(failures_in_a_row_) +
         ", next in " + std::to_string(delay_.count()) + " ms)");
    last_failure_ = failure;
  }
}

bool PanelDriver::connect_once() {
  std::string failure;
  try {
    const std::optional<PanelIdentity> panel = link_->connect();
    const bool matches =
        !panel || (panel->width == expected_.width && panel->height == expected_.height &&
                   panel->format == expected_.format);
    if (matches) {
      log_("link connected: " + link_->describe() +
           (panel ? " (panel " + describe(panel->width, panel->height, panel->format) +
                        ", register map v" + std::to_string(panel->map_version) + ")"
                  : " (the receiver does not describe itself; sending " +
                        describe(expected_.width, expected_.height, expected_.format) +
                        " frames as configured)"));
      delay_ = options_.backoff.first;
      failures_in_a_row_ = 0;
      last_failure_.clear();
      committed_crc_.reset();
      next_status_ = Clock::now() + options_.status_interval;
      update_counters([&](LinkCounters& counters) {
        counters.connected = true;
        counters.panel = panel;
        if (connected_before_) ++counters.reconnects;
      });
      connected_before_ = true;
      // The panel may have lost what it showed (a reboot, a new connection to a panel that was
      // power-cycled): show the last frame again unless a newer one is waiting.
      const std::lock_guard lock(mutex_);
      if (!pending_ && last_shown_) pending_ = *last_shown_;
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

bool PanelDriver::wait_before_retry() {
  std::unique_lock lock(mutex_);
  const bool stopping = wake_.wait_for(lock, delay_, [this] { return stopping_; });
  delay_ = std::min(delay_ * 2, options_.backoff.longest);
  return stopping;
}

void PanelDriver::drop_link(const std::string& why) {
  log_(why);
  link_->close();
  committed_crc_.reset();
  update_counters([](LinkCounters& counters) {
    ++counters.errors;
    counters.connected = false;
  });
}

void PanelDriver::show(const Frame& frame) {
  WireCost cost;
  try {
    cost = link_->show(frame);
  } catch (const LinkError& error) {
    drop_link(std::string("link disconnected: ") + error.what());
    return;
  }
  committed_crc_.reset();  // worked out when a status read needs it
  const Clock::time_point now = Clock::now();
  recent_frames_.push_back(now);
  while (now - recent_frames_.front() > std::chrono::seconds(1)) recent_frames_.pop_front();
  const double per_second = static_cast<double>(recent_frames_.size());
  update_counters([&](LinkCounters& counters) {
    ++counters.frames_shown;
    counters.frames_per_second = per_second;
    counters.last_frame_wire_bytes = cost.bytes;
    counters.wire_bytes += cost.bytes;
    if (cost.delta) ++counters.delta_frames;
  });
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
  const std::optional<PanelStatus> previous = counters().last_status;
  update_counters([&](LinkCounters& counters) { counters.last_status = status; });
  const bool faults_changed = previous ? previous->faults != status->faults : status->faults != 0;
  if (faults_changed) log_("panel faults: " + fault_names(status->faults));

  if (!last_shown_) return;
  if (!committed_crc_) committed_crc_ = frame_crc32(*last_shown_);
  if ((status->faults & rm::kFaultFramebufferLost) != 0) {
    drop_link("panel restarted and lost its frame; reconnecting to show it again");
  } else if (status->shown_crc != *committed_crc_) {
    update_counters([](LinkCounters& counters) { ++counters.crc_mismatches; });
    drop_link("panel shows a different frame from the one committed (CRC " +
              hex32(status->shown_crc) + " on the panel, " + hex32(*committed_crc_) +
              " committed); reconnecting to send it whole");
  }
}

void PanelDriver::run() {
  const bool timed_status = options_.status_interval.count() > 0;
  for (;;) {
    if (!link_->is_open() && !connect_once()) {
      if (wait_before_retry()) break;
      continue;
    }
    std::optional<Frame> frame;
    {
      std::unique_lock lock(mutex_);
      const auto ready = [this] { return stopping_ || pending_.has_value(); };
      if (timed_status)
        wake_.wait_until(lock, next_status_, ready);
      else
        wake_.wait(lock, ready);
      if (stopping_) break;
      if (pending_) {
        frame = std::move(*pending_);
        pending_.reset();
      }
    }
    const bool showed = frame.has_value();
    if (showed) {
      show(*frame);
      // Even when the link failed: it is what the panel should show once it is back.
      last_shown_ = std::move(frame);
    }
    if (link_->is_open() && (timed_status ? Clock::now() >= next_status_ : showed)) check_status();
  }
  link_->close();
  update_counters([](LinkCounters& counters) { counters.connected = false; });
}

}  // namespace bangtin
