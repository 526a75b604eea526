// The systemd notify protocol, spoken to a datagram socket the test listens on, as systemd's
// own would be: READY=1, watchdog pings only while the event loop turns, STOPPING=1.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <utility>  // before Asio: Boost 1.74 with C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "service_notifier.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace std::chrono_literals;

namespace {

// The socket systemd gives a Type=notify service in NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) {
    descriptor_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.string().copy(address.sun_path, sizeof address.sun_path - 1);
    EXPECT_EQ(::bind(descriptor_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(descriptor_);
  }

  // The next message, or nothing within `wait`.
  std::optional<std::string> receive(std::chrono::milliseconds wait) {
    timeval timeout{0, static_cast<suseconds_t>(
                           std::chrono::duration_cast<std::chrono::microseconds>(wait).count())};
    ::setsockopt(descriptor_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buffer[4096];
    const ssize_t got = ::recv(descriptor_, buffer, sizeof buffer, 0);
    if (got < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(got));
  }
  // Everything already queued.
  int drain() {
    int count = 0;
    char buffer[4096];
    while (::recv(descriptor_, buffer, sizeof buffer, MSG_DONTWAIT) >= 0) ++count;
    return count;
  }

 private:
  int descriptor_ = -1;
};

class WatchdogEnvironment {
 public:
  explicit WatchdogEnvironment(std::chrono::microseconds interval) {
    ::setenv("WATCHDOG_USEC", std::to_string(interval.count()).c_str(), 1);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  }
  ~WatchdogEnvironment() {
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
  }
};

}  // namespace

TEST(ServiceNotifier, ReadyThenWatchdogPingsWhileTheLoopTurnsThenStopping) {
  bangtin::testing::ScratchDir dir;
  NotifySocket systemd(dir.path() / "notify");
  WatchdogEnvironment watchdog(100ms);
  boost::asio::io_context loop;
  ServiceNotifier service(loop);
  EXPECT_EQ(service.watchdog_interval(), 100ms);

  service.ready("playing;\nforged=1");
  const auto ready = systemd.receive(2s);
  ASSERT_TRUE(ready);
  EXPECT_EQ(*ready, "READY=1\nSTATUS=playing; forged=1");

  auto work = std::make_unique<std::thread>([&] { loop.run(); });
  for (int ping = 0; ping < 3; ++ping) {
    const auto message = systemd.receive(2s);
    ASSERT_TRUE(message) << "ping " << ping;
    EXPECT_EQ(*message, "WATCHDOG=1");
  }

  // A handler that never returns stands for a daemon that hangs: the pings must stop, so that
  // systemd restarts it.
  std::promise<void> entered, release;
  boost::asio::post(loop, [&] {
    entered.set_value();
    release.get_future().wait();
  });
  entered.get_future().wait();
  systemd.drain();  // sent before the loop stopped turning
  EXPECT_FALSE(systemd.receive(400ms)) << "a ping came from a loop that did not turn";
  release.set_value();
  const auto resumed = systemd.receive(2s);
  ASSERT_TRUE(resumed);
  EXPECT_EQ(*resumed, "WATCHDOG=1");

  boost::asio::post(loop, [&] { service.stopping(); });
  std::optional<std::string> last;
  while (auto message = systemd.receive(2s)) {
    last = message;
    if (*message != "WATCHDOG=1") break;
  }
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, "STOPPING=1");
  work->join();  // stopping() cancelled the only timer: the loop ran out of work
}

TEST(ServiceNotifier, WithoutAWatchdogOnlyReadyIsSent) {
  bangtin::testing::ScratchDir dir;
  NotifySocket systemd(dir.path() / "notify");
  boost::asio::io_context loop;
  ServiceNotifier service(loop);
  EXPECT_EQ(service.watchdog_interval(), 0us);
  service.ready("playing");
  EXPECT_EQ(systemd.receive(2s).value_or(""), "READY=1\nSTATUS=playing");
  EXPECT_EQ(loop.run_for(300ms), 0u) << "no timer without WatchdogSec=";
}

TEST(ServiceNotifier, AWatchdogMeantForAnotherProcessIsIgnored) {
  bangtin::testing::ScratchDir dir;
  NotifySocket systemd(dir.path() / "notify");
  WatchdogEnvironment watchdog(100ms);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
  boost::asio::io_context loop;
  ServiceNotifier service(loop);
  EXPECT_EQ(service.watchdog_interval(), 0us);
}
