// Tells systemd how bangtind is doing (a Type=notify unit): READY=1 once the displays are
// started, WATCHDOG=1 from a timer on the event loop, so pings stop when the loop stops
// turning and systemd restarts a daemon that hangs, and STOPPING=1 on the way out.
// Outside systemd (no NOTIFY_SOCKET: run by hand, in tests) every call does nothing.
#pragma once

#include <utility>  // before Asio: Boost 1.74 with C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string_view>

namespace bangtin {

class ServiceNotifier {
 public:
  explicit ServiceNotifier(boost::asio::io_context& loop);

  // READY=1 with a one-line STATUS=, then keeps pinging at half the watchdog interval when
  // the unit sets WatchdogSec=.
  void ready(std::string_view status);
  void stopping();

  // The watchdog interval systemd asked for; zero when there is none.
  std::chrono::microseconds watchdog_interval() const { return watchdog_interval_; }

 private:
  void ping_later();

  boost::asio::steady_timer timer_;
  std::chrono::microseconds watchdog_interval_{0};
  bool stopped_ = false;
};

}  // namespace bangtin
