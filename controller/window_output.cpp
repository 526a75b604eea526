#include "window_output.hpp"

#include "bangtin/frame_rate.hpp"

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
  FrameRate shown;
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
        if (error.what() != last_failure)
          log_.warning(prefix + "cannot open the window: " + error.what());
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
      // A frame the same as the one on screen is not presented again, but it is on the screen
      // all the same: counted, as a panel's link counts each frame it delivers, so a still page
      // at 25 frames a second reads 25 on both. Frames a newer one replaced before the window
      // took them are not counted.
      const auto now = FrameRate::Clock::now();
      if (fresh) {
        window->show(last_frame);
        ++frames_shown_;
        shown.count(now);
      }
      frames_per_second_ = shown.per_second(now);
      if (!screenshots.empty()) {
        const Frame picture = window->screenshot();
        for (auto& request : screenshots) request.set_value(picture);
        screenshots.clear();
      }
      if (!window->handle_events()) {
        log_.warning(prefix + "the window was closed; opening it again");
        window.reset();
        open_ = false;
        shown.clear();
        frames_per_second_ = 0;
      }
    } catch (const std::exception& error) {
      log_.error(prefix + "window error: " + error.what() + "; opening it again");
      window.reset();
      open_ = false;
      shown.clear();
      frames_per_second_ = 0;
    }
  }
  open_ = false;
  frames_per_second_ = 0;
}

}  // namespace bangtin
