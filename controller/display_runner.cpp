#include "display_runner.hpp"

#include <cstdio>

namespace bangtin {

DisplayRunner::DisplayRunner(boost::asio::io_context& loop,
                             std::unique_ptr<DisplayProgramme> programme,
                             std::unique_ptr<LinkWorker> worker, ClockFunction clock, LogSink log)
    : timer_(loop),
      programme_(std::move(programme)),
      worker_(std::move(worker)),
      clock_(std::move(clock)),
      log_(std::move(log)),
      period_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(1.0 / programme_->display().fps))) {}

void DisplayRunner::start() {
  next_tick_ = std::chrono::steady_clock::now();
  tick();
}

void DisplayRunner::stop() {
  stopped_ = true;
  timer_.cancel();
  worker_->stop();
}

void DisplayRunner::tick() {
  if (stopped_) return;
  DisplayProgramme::Showing showing = programme_->at(clock_());
  if (showing.item != on_air_ || showing.started != on_air_since_) {
    if (showing.item) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.1f s",
                    std::chrono::duration<double>(showing.ends - showing.started).count());
      log_("display " + name() + ": playing " + showing.item->id + " (" + seconds + ")");
    } else if (on_air_ || on_air_since_ == SystemClock::time_point{}) {
      log_("display " + name() + ": nothing scheduled, showing the clock");
    }
    on_air_ = showing.item;
    on_air_since_ = showing.started;
  }
  worker_->submit(std::move(showing.frame));
  schedule_next_tick();
}

void DisplayRunner::schedule_next_tick() {
  // Ticks keep to a fixed grid, so a slow tick does not push every later frame back.
  next_tick_ += period_;
  const auto now = std::chrono::steady_clock::now();
  if (next_tick_ < now) next_tick_ = now;
  timer_.expires_at(next_tick_);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) tick();
  });
}

}  // namespace bangtin
