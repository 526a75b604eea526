// Private to the controller: a display shown in a window on a lobby TV.
//
// SDL wants one thread to own a window from opening to closing, so the window lives on a thread
// of its own, like a panel's link: the loop hands it frames (latest wins), it presents them in
// step with the monitor. A window that cannot open (no display server yet, at boot) or that is
// closed is opened again, as a dead panel is reconnected: a lobby screen runs unattended.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "bangtin/controller.hpp"
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
  // The last picture presented, read back from the window (for tests and support).
  std::optional<Frame> screenshot();

 private:
  void run();

  const std::string name_;
  const int width_;
  const int height_;
  const WindowOptions options_;
  const WindowLook look_;
  const LogSink log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Frame> pending_;
  bool stopping_ = false;
  bool screenshot_wanted_ = false;
  std::optional<Frame> screenshot_;
  std::condition_variable screenshot_ready_;
  std::atomic<bool> open_{false};
  std::atomic<std::uint64_t> frames_shown_{0};
  std::thread thread_;
};

}  // namespace bangtin
