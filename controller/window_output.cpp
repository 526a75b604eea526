#include "window_output.hpp"

namespace bangtin {

namespace {

// How long the thread waits for a frame before it looks at window events again: a window must
// answer its events even when nothing new is drawn (a still title, an idle clock).
constexpr auto kEventInterval = std::chrono::milliseconds(50);
constexpr auto kReopenDelay = std::chrono::seconds(2);

}  // namespace

WindowOutput::WindowOutput(std::string display_name, int width, int height, WindowOptions options,
                           WindowLook look, LogSink log)
    : name_(std::move(display_name)),
      width_(width),
      height_(height),
      options_(options),
      look_(std::move(look)),
      log_(std::move(log)),
      thread_([this] { run(); }) {}

WindowOutput::~WindowOutput() { stop(); }

void WindowOutput::submit(Frame frame) {
  {
    const std::lock_guard lock(mutex_);
    pending_ = std::move(frame);
  }
  wake_.notify_one();
}

void WindowOutput::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::optional<Frame> WindowOutput::screenshot() {
  std::unique_lock lock(mutex_);
  if (!open_) return std::nullopt;
  screenshot_wanted_ = true;
  screenshot_.reset();
  wake_.notify_one();
  screenshot_ready_.wait_for(lock, std::chrono::seconds(5),
                             [this] { return screenshot_.has_value() || stopping_; });
  return std::move(screenshot_);
}

void WindowOutput::run() {
  const std::string prefix = "display " + name_ + ": ";
  std::optional<LobbyWindow> window;
  std::string last_failure;
  Frame last_frame;
  for (;;) {
    if (!window) {
      try {
        window.emplace(width_, height_, options_, look_);
        open_ = true;
        log_(prefix + "window open, " + std::to_string(window->width()) + "x" +
             std::to_string(window->height()) + " on monitor " + std::to_string(options_.monitor));
        last_failure.clear();
        if (!last_frame.bytes.empty()) window->show(last_frame);
      } catch (const std::exception& error) {
        if (error.what() != last_failure) log_(prefix + "cannot open the window: " + error.what());
        last_failure = error.what();
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, kReopenDelay, [this] { return stopping_; })) break;
        continue;
      }
    }
    bool want_screenshot = false;
    bool fresh = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kEventInterval,
                     [this] { return stopping_ || pending_ || screenshot_wanted_; });
      if (stopping_) break;
      if (pending_) {
        last_frame = std::move(*pending_);
        pending_.reset();
        fresh = true;
      }
      want_screenshot = screenshot_wanted_;
    }
    try {
      if (fresh) {
        window->show(last_frame);
        ++frames_shown_;
      }
      if (want_screenshot) {
        Frame picture = window->screenshot();
        const std::lock_guard lock(mutex_);
        screenshot_ = std::move(picture);
        screenshot_wanted_ = false;
        screenshot_ready_.notify_all();
      }
      if (!window->handle_events()) {
        log_(prefix + "the window was closed; opening it again");
        window.reset();
        open_ = false;
      }
    } catch (const std::exception& error) {
      log_(prefix + "window error: " + error.what() + "; opening it again");
      window.reset();
      open_ = false;
    }
  }
  open_ = false;
  const std::lock_guard lock(mutex_);
  screenshot_ready_.notify_all();
}

}  // namespace bangtin
