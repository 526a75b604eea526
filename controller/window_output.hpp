// Private to the controller: a display shown in a window on a lobby TV.
//
// SDL wants one thread to own a window from opening to closing, so the window lives on a thread
// of its own, like a panel's link: the loop hands it frames (latest wins), it presents them in
// step with the monitor. A window that cannot open (no display server yet, at boot) or that is
// closed is opened again, as a dead panel is reconnected: a lobby screen runs unattended.
#pragma once

#include <atomic>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "bangtin/controller.hpp"
#include "bangtin/latest_value_worker.hpp"
#include "bangtin/lobby_window.hpp"

namespace bangtin {

class WindowOutput {
 public:
  WindowOutput(std::string display_name, int width, int height, WindowOptions options,
               WindowLook look, LogSink log);
  ~WindowOutput();
  WindowOutput(const WindowOutput&) = delete;
  WindowOutput& operator=(const WindowOutput&) = delete;

  void submit(Frame frame);
  void stop();
  bool is_open() const { return open_; }
  std::uint64_t frames_shown() const { return frames_shown_; }
  // Frames the window took while open (the same picture again included), a second, over the
  // last couple of seconds (FrameRate); 0 while it is closed.
  double frames_per_second() const { return frames_per_second_; }
  // The last picture presented, read back from the window (for tests and support).
  std::optional<Frame> screenshot();

 private:
  // What callers hand the window's thread: the newest frame, and screenshots asked for.
  struct Mail {
    std::optional<Frame> frame;
    std::vector<std::promise<Frame>> screenshots;
  };
  using Worker = LatestValueWorker<Mail>;
  void run(Worker::Inbox& inbox);

  const std::string name_;
  const int width_;
  const int height_;
  const WindowOptions options_;
  const WindowLook look_;
  const LogSink log_;
  std::atomic<bool> open_{false};
  std::atomic<std::uint64_t> frames_shown_{0};
  std::atomic<double> frames_per_second_{0};
  Worker worker_;  // last: its thread uses everything above
};

}  // namespace bangtin
