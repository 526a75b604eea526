// Private to the controller: plays one display on the event loop.
//
// Each tick asks the DisplayProgramme what shows now and hands the frame to the display's link
// worker. The loop thread only computes frames; it never waits on a panel.
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <memory>

#include "bangtin/controller.hpp"
#include "link_worker.hpp"

namespace bangtin {

class DisplayRunner {
 public:
  DisplayRunner(boost::asio::io_context& loop, std::unique_ptr<DisplayProgramme> programme,
                std::unique_ptr<LinkWorker> worker, ClockFunction clock, LogSink log);
  void start();
  void stop();
  const std::string& name() const { return programme_->display().name; }

 private:
  void tick();
  void schedule_next_tick();

  boost::asio::steady_timer timer_;
  std::unique_ptr<DisplayProgramme> programme_;
  std::unique_ptr<LinkWorker> worker_;
  ClockFunction clock_;
  LogSink log_;
  std::chrono::steady_clock::duration period_;
  std::chrono::steady_clock::time_point next_tick_;
  // What was on air at the last tick, to log each start once.
  const Item* on_air_ = nullptr;
  SystemClock::time_point on_air_since_;
  bool stopped_ = false;
};

}  // namespace bangtin
