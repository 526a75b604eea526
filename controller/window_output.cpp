#include "window_output.hpp"

#include <deque>

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
      worker_([this](Worker::Inbox& inbox) { run(inbox); }) {}

WindowOutput::~WindowOutput() = default;

void WindowOutput::submit(Frame frame) {
  worker_.update([&](Mail& mail) { mail.frame = std::move(frame); });
}

void WindowOutput::stop() { worker_.stop(); }

std::optional<Frame> WindowOutput::screenshot() {
  if (!open_) return std::nullopt;
  std::promise<Frame> request;
  std::future<Frame> picture = request.get_future();
  worker_.update([&](Mail& mail) { mail.screenshots.push_back(std::move(request)); });
  if (picture.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return std::nullopt;
  try {
    return picture.get();
  } catch (const std::future_error&) {
    return std::nullopt;  // the window stopped first
  }
}

void WindowOutput::run(Worker::Inbox& inbox) {
  const std::string prefix = "display " + name_ + ": ";
  std::optional<LobbyWindow> window;
  std::string last_failure;
  Frame last_frame;
  std::vector<std::promise<Frame>> screenshots;  // asked for; answered once a window shows
  std::deque<std::chrono::steady_clock::time_point> shown_times;  // of the last second
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
        if (!inbox.pause_until(Worker::Clock::now() + kReopenDelay)) break;
        continue;
      }
    }
    bool fresh = false;
    if (std::optional<Mail> mail = inbox.wait(Worker::Clock::now() + kEventInterval)) {
      if (mail->frame) {
        last_frame = std::move(*mail->frame);
        fresh = true;
      }
      for (auto& request : mail->screenshots) screenshots.push_back(std::move(request));
    }
    if (inbox.stopping()) break;
    try {
      if (fresh && window->show(last_frame)) {
        ++frames_shown_;
        shown_times.push_back(std::chrono::steady_clock::now());
      }
      // New pictures presented in the last second: a still page presents none, a video its own
      // frame rate.
      while (!shown_times.empty() &&
             std::chrono::steady_clock::now() - shown_times.front() > std::chrono::seconds(1))
        shown_times.pop_front();
      frames_per_second_ = static_cast<double>(shown_times.size());
      if (!screenshots.empty()) {
        const Frame picture = window->screenshot();
        for (auto& request : screenshots) request.set_value(picture);
        screenshots.clear();
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
}

}  // namespace bangtin
