// Private to the controller: plays one display on the event loop.
//
// Each tick asks the DisplayPlayer for the frame of the moment and hands it to the display's link
// worker; each change of play goes to the log and to proof of play. The loop thread only
// computes frames; it never waits on a panel or on the disk.
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>

#include "bangtin/controller.hpp"
#include "bangtin/daemon_status.hpp"
#include "bangtin/play_log.hpp"
#include "display_output.hpp"

namespace bangtin {

class DisplayRunner {
 public:
  // `clock_trusted` says whether the wall clock may be scheduled by; while it is false the
  // board keeps the last frame it showed.
  DisplayRunner(boost::asio::io_context& loop, DisplayPlayer player,
                std::unique_ptr<FrameOutput> output, Clocks clocks, LogSink log,
                PlayJournal* journal, std::function<bool()> clock_trusted);
  void start();
  void stop();
  // Content a ContentPlanner made from a new programme, away from the loop.
  void reload(std::shared_ptr<const DisplayContent> planned);
  const std::string& name() const { return player_.display().name; }
  const DisplayPlayer& player() const { return player_; }
  // The frame last sent to the display; nothing before the first.
  const std::optional<Frame>& last_frame() const { return last_frame_; }
  // The display's line in the daemon status; times at `utc_offset`.
  DisplayStatus status(std::chrono::minutes utc_offset) const;

 private:
  void tick();
  void schedule_next_tick();
  void record(const std::vector<DisplayPlayer::Change>& changes, SystemClock::time_point now);
  void follow_brightness();
  void follow_frame_rate();

  boost::asio::steady_timer timer_;
  DisplayPlayer player_;
  std::unique_ptr<FrameOutput> output_;
  std::optional<int> panel_brightness_;  // as last sent to a mono board
  Clocks clocks_;
  LogSink log_;
  PlayJournal* journal_;
  std::function<bool()> clock_trusted_;
  std::chrono::steady_clock::duration period_;
  std::chrono::steady_clock::time_point next_tick_;
  std::optional<PlayJournal::PlayId> recorded_play_;
  std::optional<Frame> last_frame_;
  bool trusted_ = true;  // the wall clock, at the last tick
  std::string last_error_;
  SystemClock::time_point last_trusted_;
  bool stopped_ = false;
};

}  // namespace bangtin
