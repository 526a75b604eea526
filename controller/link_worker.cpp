#include "link_worker.hpp"

namespace bangtin {

namespace {

std::string describe(int width, int height, PixelFormat format) {
  return std::to_string(width) + "x" + std::to_string(height) + " " +
         std::string(to_string(format));
}

}  // namespace

LinkWorker::LinkWorker(std::string display_name, std::unique_ptr<PanelLink> link,
                       PanelGeometry expected, LogSink log, LinkBackoff backoff)
    : display_name_(std::move(display_name)),
      link_(std::move(link)),
      expected_(expected),
      log_(std::move(log)),
      backoff_(backoff),
      delay_(backoff.first),
      thread_([this] { run(); }) {}

LinkWorker::~LinkWorker() { stop(); }

void LinkWorker::submit(Frame frame) {
  {
    const std::lock_guard lock(mutex_);
    pending_ = std::move(frame);
  }
  wake_.notify_one();
}

void LinkWorker::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool LinkWorker::connect_once() {
  const std::string prefix = "display " + display_name_ + ": ";
  std::string failure;
  try {
    const PanelIdentity panel = link_->connect();
    if (panel.width == expected_.width && panel.height == expected_.height &&
        panel.format == expected_.format) {
      log_(prefix + "link connected: " + link_->describe() + " (panel " +
           describe(panel.width, panel.height, panel.format) + ", register map v" +
           std::to_string(panel.map_version) + ")");
      delay_ = backoff_.first;
      failures_in_a_row_ = 0;
      last_failure_.clear();
      return true;
    }
    link_->close();
    failure = "panel at " + link_->describe() + " is " +
              describe(panel.width, panel.height, panel.format) + " but the config says " +
              describe(expected_.width, expected_.height, expected_.format) +
              "; not sending frames to it";
  } catch (const LinkError& error) {
    failure = error.what();
  }
  ++failures_in_a_row_;
  // A dead panel is retried every couple of seconds for hours: log a new reason at once, and the
  // same one again only now and then, so the log stays readable.
  const bool power_of_two = (failures_in_a_row_ & (failures_in_a_row_ - 1)) == 0;
  if (failure != last_failure_ || power_of_two) {
    log_(prefix + "link down: " + failure + " (attempt " + std::to_string(failures_in_a_row_) +
         ", next in " + std::to_string(delay_.count()) + " ms)");
    last_failure_ = failure;
  }
  return false;
}

bool LinkWorker::wait_before_retry() {
  std::unique_lock lock(mutex_);
  const bool stopping = wake_.wait_for(lock, delay_, [this] { return stopping_; });
  delay_ = std::min(delay_ * 2, backoff_.longest);
  return stopping;
}

void LinkWorker::run() {
  for (;;) {
    if (!link_->is_open() && !connect_once()) {
      if (wait_before_retry()) break;
      continue;
    }
    Frame frame;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
      if (stopping_) break;
      frame = std::move(*pending_);
      pending_.reset();
    }
    try {
      link_->show(frame);
      ++frames_shown_;
    } catch (const LinkError& error) {
      log_("display " + display_name_ + ": link disconnected: " + error.what());
      link_->close();
    }
  }
  link_->close();
}

}  // namespace bangtin
