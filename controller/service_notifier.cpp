#include "service_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <string>

namespace bangtin {

namespace {

// STATUS= is one line: a newline would end the field and start another.
std::string one_line(std::string_view text) {
  std::string line(text);
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  return line;
}

}  // namespace

ServiceNotifier::ServiceNotifier(boost::asio::io_context& loop) : timer_(loop) {
  std::uint64_t microseconds = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID, if set, is this process.
  if (sd_watchdog_enabled(0, &microseconds) > 0)
    watchdog_interval_ = std::chrono::microseconds(microseconds);
}

void ServiceNotifier::ready(std::string_view status) {
  sd_notify(0, ("READY=1\nSTATUS=" + one_line(status)).c_str());
  if (watchdog_interval_.count() > 0) {
    sd_notify(0, "WATCHDOG=1");
    ping_later();
  }
}

void ServiceNotifier::stopping() {
  stopped_ = true;
  timer_.cancel();
  sd_notify(0, "STOPPING=1");
}

void ServiceNotifier::ping_later() {
  timer_.expires_after(watchdog_interval_ / 2);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    sd_notify(0, "WATCHDOG=1");
    ping_later();
  });
}

}  // namespace bangtin
