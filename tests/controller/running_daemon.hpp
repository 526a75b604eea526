// Shared by the daemon tests: a real Daemon running on a loop thread of its own, and a wait for a
// panel simulator to show a given frame.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "bangtin/controller.hpp"
#include "bangtin/daemon_status.hpp"
#include "bangtin/panel_simulator.hpp"

namespace bangtin::testing {

class RunningDaemon {
 public:
  RunningDaemon(const std::filesystem::path& config, Clocks clock, LogSink log)
      : daemon_(loop_, config, std::move(clock), std::move(log)),
        thread_([this] { loop_.run(); }) {}
  ~RunningDaemon() {
    boost::asio::post(loop_, [this] { daemon_.stop(); });
    thread_.join();
  }
  Daemon& daemon() { return daemon_; }

 private:
  boost::asio::io_context loop_;
  Daemon daemon_;
  std::thread thread_;
};

// Waits for the panel to show `wanted`; it may first show frames computed before the clock moved.
inline bool panel_shows(const PanelSimulator& panel, const Frame& wanted) {
  using namespace std::chrono_literals;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  std::uint64_t seen = panel.commits();
  if (seen > 0 && panel.shown_frame() == wanted) return true;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto frame = panel.wait_for_commit(seen, 1s);
    if (!frame) continue;
    if (*frame == wanted) return true;
    seen = panel.commits();
  }
  return false;
}

// The first display's line in STATE/status.json once `wanted` holds of it (the daemon rewrites
// the file every second, from its own thread: polled); the last line read when it never does.
inline std::optional<DisplayStatus> await_display_status(
    const std::filesystem::path& state, const std::function<bool(const DisplayStatus&)>& wanted,
    std::chrono::seconds bound, std::optional<DisplayStatus>* last_seen = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(state / "status.json");
    std::stringstream text;
    text << in.rdbuf();
    if (const auto status = status_from_json(text.str()); status && !status->displays.empty()) {
      if (last_seen) *last_seen = status->displays.front();
      if (wanted(status->displays.front())) return status->displays.front();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

// `bangtin status`'s text for one display's line.
inline std::string status_line(const DisplayStatus& display) {
  DaemonStatus status;
  status.displays.push_back(display);
  return status_text(status);
}

}  // namespace bangtin::testing
