// bangtin controller — the daemon's parts, shared by bangtind, the bangtin CLI and the tests.
//
// DisplayProgramme answers "what does this display show at this instant" as a frame: the
// daemon pushes it to the panel, `bangtin render` writes it as a PNG, and both agree to the pixel.
// Daemon runs every configured display on one Boost.Asio loop; each panel link gets a worker
// thread of its own, because libmodbus blocks and a dead panel must never stall the others.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bangtin/frame.hpp"
#include "bangtin/playlists.hpp"
#include "bangtin/renderer.hpp"

namespace bangtin {

using SystemClock = std::chrono::system_clock;
// Where "now" comes from; tests pass a clock they move by hand.
using ClockFunction = std::function<SystemClock::time_point()>;
// Where log lines go; the daemon's default writes them to stderr with a timestamp.
using LogSink = std::function<void(std::string_view line)>;
LogSink stderr_log();

// "Thứ Năm, 26/11/2026 09:41": the idle board's clock, in the display's local time.
std::string vietnamese_date_time(SystemClock::time_point when, std::chrono::minutes utc_offset);

class DisplayProgramme {
 public:
  // Rasterizes every item targeting the display once. Throws std::runtime_error when the
  // display's font cannot be found or opened.
  DisplayProgramme(const Programme& programme, const DisplayConfig& display);

  struct Showing {
    const Item* item = nullptr;  // nothing scheduled: the idle clock is shown
    SystemClock::time_point started;
    SystemClock::time_point ends;
    Frame frame;
  };
  Showing at(SystemClock::time_point now);

  const DisplayConfig& display() const { return display_; }

 private:
  DisplayConfig display_;
  std::chrono::minutes utc_offset_;
  TextRenderer renderer_;
  std::vector<Item> items_;
  std::vector<PreparedItem> prepared_;
  Rotation rotation_;
  std::string idle_text_;
  PreparedItem idle_;
};

class Daemon {
 public:
  // Loads the config and its playlists, reports every problem to the log, and starts each
  // display it can serve. Throws std::runtime_error only when the config itself is unusable.
  Daemon(boost::asio::io_context& loop, const std::filesystem::path& config_file,
         ClockFunction clock, LogSink log);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Stops the display timers and the link workers; the loop then runs out of work.
  void stop();
  // Displays that are playing (those whose font and link could be set up).
  std::vector<std::string> running_displays() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bangtin
