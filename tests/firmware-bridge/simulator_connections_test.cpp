// The panel simulator among clients that misbehave, over real sockets on 127.0.0.1: clients that
// send a request a byte at a time, stall halfway, say nothing, come in greater numbers than it
// serves, or leave it without file descriptors; and a serial master that stalls or never reads.
// A well-behaved client beside them must see every reply, promptly. The timing bounds are
// generous (a loaded machine with two cores passes them); what they catch is a simulator that
// waits on one client, which costs the others a whole request deadline or more.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bangtin/modbus_framing.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/register_map.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

namespace rm = register_map;
using namespace std::chrono_literals;
using test_support::FileDescriptor;
using test_support::PtyPair;
using test_support::raw_client;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kPatience{5000};

// The longest a well-behaved client may wait between two replies while others misbehave: a few
// milliseconds unloaded, under 40 ms with two cores busy with four spinning processes besides. A
// simulator that waits on one client costs the others a whole request deadline (1 s) or more.
constexpr std::chrono::milliseconds kWorstGap{100};

// "Read the identity block", as a controller sends it on connecting.
const std::vector<std::uint8_t> kIdentityRequest = {0x00, 0x01, 0x00, 0x00, 0x00, 0x06,
                                                    0x01, 0x03, 0x00, 0x00, 0x00, 0x07};

SimulatorOptions tcp_panel() {
  SimulatorOptions options;
  options.port = 0;
  return options;
}

// A TCP connection made with plain sockets, for clients that misbehave.
class RawConnection {
 public:
  // On loopback the kernel completes a connection while the listen backlog has room, accepted
  // or not; one made without `waiting` may still be on its way when this returns.
  explicit RawConnection(int port, bool waiting = true)
      : socket_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (waiting ? 0 : SOCK_NONBLOCK), 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(socket_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 &&
        (waiting || errno != EINPROGRESS))
      throw std::runtime_error("test setup: cannot connect to the simulator");
  }
  int fd() const { return socket_.get(); }
  // False when the simulator has closed the connection.
  bool send_bytes(std::span<const std::uint8_t> bytes) {
    return ::send(fd(), bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Whether the simulator closes the connection within `timeout` (replies are read and ignored).
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd readable{fd(), POLLIN, 0};
      if (left <= 0ms || poll(&readable, 1, static_cast<int>(left.count()) + 1) != 1) return false;
      std::uint8_t bytes[512];
      if (recv(fd(), bytes, sizeof bytes, 0) <= 0) return true;
    }
  }
  // The reply to a request sent whole, when one comes within `timeout`.
  std::optional<std::vector<std::uint8_t>> reply_within(std::chrono::milliseconds timeout) {
    std::vector<std::uint8_t> reply;
    const auto deadline = Clock::now() + timeout;
    while (modbus_framing::cut_tcp_request(reply).kind == modbus_framing::Cut::Kind::incomplete) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd readable{fd(), POLLIN, 0};
      std::uint8_t bytes[512];
      if (left <= 0ms || poll(&readable, 1, static_cast<int>(left.count()) + 1) != 1)
        return std::nullopt;
      const ssize_t got = recv(fd(), bytes, sizeof bytes, 0);
      if (got <= 0) return std::nullopt;
      reply.insert(reply.end(), bytes, bytes + got);
    }
    return reply;
  }

 private:
  FileDescriptor socket_;
};

// Clients that hold connections and never finish a request: every other one sends a request a
// byte every 0.3 s, the rest a partial MBAP header and then nothing. One the simulator closes is
// opened again at its next turn, so that the pressure lasts. Runs on a thread of its own.
class Dribblers {
 public:
  Dribblers(int port, int count) : port_(port) {
    for (int i = 0; i < count; ++i) connections_.push_back(std::make_unique<Dribbler>(port, i));
    thread_ = std::thread([this] { run(); });
  }
  ~Dribblers() {
    stop_ = true;
    thread_.join();
  }
  Dribblers(const Dribblers&) = delete;
  Dribblers& operator=(const Dribblers&) = delete;

  int reconnects() const { return reconnects_; }

 private:
  struct Dribbler {
    Dribbler(int port, int index) : connection(port), slow(index % 2 == 0) {}
    RawConnection connection;
    bool slow;  // a byte each turn; else a partial header once, then nothing
    std::size_t sent = 0;
  };

  void run() {
    constexpr auto kTurn = 300ms;
    const auto step = kTurn / static_cast<int>(connections_.size());
    for (std::size_t turn = 0; !stop_; ++turn) {
      std::this_thread::sleep_for(step);
      auto& dribbler = connections_[turn % connections_.size()];
      const std::span request(kIdentityRequest);
      bool open = true;
      std::uint8_t ignored[64];
      const ssize_t got = recv(dribbler->connection.fd(), ignored, sizeof ignored, MSG_DONTWAIT);
      if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) open = false;
      if (open && dribbler->slow) {
        open = dribbler->connection.send_bytes(request.subspan(dribbler->sent % request.size(), 1));
        ++dribbler->sent;
      } else if (open && dribbler->sent == 0) {
        open = dribbler->connection.send_bytes(request.first(3));
        dribbler->sent = 3;
      }
      if (!open) {
        dribbler = std::make_unique<Dribbler>(port_, dribbler->slow ? 0 : 1);
        ++reconnects_;
      }
    }
  }

  const int port_;
  std::vector<std::unique_ptr<Dribbler>> connections_;
  std::atomic<bool> stop_{false};
  std::atomic<int> reconnects_{0};
  std::thread thread_;
};

struct RoundTrips {
  int succeeded = 0;
  int failed = 0;
  Clock::duration worst_gap{};
};

// Reads the identity over and over for `how_long`, as fast as replies come.
RoundTrips round_trips(modbus_t* client, std::chrono::milliseconds how_long) {
  RoundTrips trips;
  const auto start = Clock::now();
  auto last_reply = start;
  while (Clock::now() - start < how_long) {
    std::uint16_t identity[rm::kIdentityCount] = {};
    if (modbus_read_registers(client, rm::kMagic, rm::kIdentityCount, identity) !=
            rm::kIdentityCount ||
        identity[rm::kMagic] != rm::kMagicValue) {
      ++trips.failed;
      continue;
    }
    const auto now = Clock::now();
    trips.worst_gap = std::max(trips.worst_gap, now - last_reply);
    last_reply = now;
    ++trips.succeeded;
  }
  // Replies that stopped coming count up to the end of the run.
  trips.worst_gap = std::max(trips.worst_gap, Clock::now() - last_reply);
  return trips;
}

double milliseconds(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

// The outage as reported: forty clients dribbling beside a well-behaved one for 3 s. Every round
// trip of the good client must succeed, none of them late. Returns what the simulator counted.
SimulatorCounters good_client_beside_forty_dribblers(const SimulatorOptions& options) {
  PanelSimulator simulator(options);
  const auto client = raw_client(simulator.port());
  // Connected and reading, as a controller is when the dribblers come.
  std::uint16_t magic = 0;
  EXPECT_EQ(modbus_read_registers(client.get(), rm::kMagic, 1, &magic), 1);
  const Dribblers dribblers(simulator.port(), 40);
  const RoundTrips trips = round_trips(client.get(), 3s);
  std::cout << "[ figures  ] " << trips.succeeded << " round trips beside 40 dribblers (at most "
            << options.max_connections << " connections), worst gap "
            << milliseconds(trips.worst_gap) << " ms\n";
  EXPECT_EQ(trips.failed, 0);
  EXPECT_GT(trips.succeeded, 100);
  EXPECT_LT(trips.worst_gap, kWorstGap) << milliseconds(trips.worst_gap) << " ms";
  EXPECT_GT(dribblers.reconnects(), 0);
  return simulator.counters();
}

TEST(SimulatorConnections, FortyDribblingClientsCutOffAtTheirDeadlineHoldUpNobody) {
  SimulatorOptions options = tcp_panel();
  options.max_connections = 64;  // room for all: each dribbler lasts until its request deadline
  EXPECT_GT(good_client_beside_forty_dribblers(options).stalled_requests, 0u);
}

TEST(SimulatorConnections, FortyDribblingClientsOverTheCapHoldUpNobody) {
  // The defaults, 32 connections: dribblers also make room for each other as they reconnect.
  EXPECT_GT(good_client_beside_forty_dribblers(tcp_panel()).evictions, 0u);
}

TEST(SimulatorConnections, ARequestThatStallsHalfwayIsClosedAtItsDeadline) {
  SimulatorOptions options = tcp_panel();
  options.request_timeout = 300ms;
  PanelSimulator simulator(options);
  RawConnection stalled(simulator.port());
  const auto sent_at = Clock::now();
  ASSERT_TRUE(stalled.send_bytes(std::span(kIdentityRequest).first(9)));
  ASSERT_TRUE(stalled.closed_within(kPatience));
  EXPECT_GE(Clock::now() - sent_at, 300ms);
  EXPECT_EQ(simulator.counters().stalled_requests, 1u);
}

TEST(SimulatorConnections, ARequestSentInPiecesWithinItsDeadlineIsAnswered) {
  PanelSimulator simulator(tcp_panel());
  RawConnection client(simulator.port());
  const std::span request(kIdentityRequest);
  // Header and body apart, then the next request split inside its header.
  ASSERT_TRUE(client.send_bytes(request.first(7)));
  std::this_thread::sleep_for(20ms);  // lets the first piece arrive on its own
  ASSERT_TRUE(client.send_bytes(request.subspan(7)));
  const auto first = client.reply_within(kPatience);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->size(), 9u + 2 * rm::kIdentityCount);
  EXPECT_EQ((*first)[9], rm::kMagicValue >> 8);
  EXPECT_EQ((*first)[10], rm::kMagicValue & 0xFF);

  ASSERT_TRUE(client.send_bytes(request.first(3)));
  std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(client.send_bytes(request.subspan(3)));
  EXPECT_TRUE(client.reply_within(kPatience).has_value());
  EXPECT_EQ(simulator.counters().stalled_requests, 0u);
}

TEST(SimulatorConnections, AClientThatSaysNothingIsClosedAfterTheIdleTimeout) {
  SimulatorOptions options = tcp_panel();
  options.idle_timeout = 300ms;
  PanelSimulator simulator(options);
  RawConnection silent(simulator.port());
  const auto busy = raw_client(simulator.port());
  // The busy client asks more often than the idle timeout, for longer than it, and stays.
  const RoundTrips trips = round_trips(busy.get(), 600ms);
  EXPECT_EQ(trips.failed, 0);
  EXPECT_TRUE(silent.closed_within(kPatience));
  EXPECT_EQ(simulator.counters().idle_disconnects, 1u);
}

TEST(SimulatorConnections, ConnectionsOverTheCapMakeRoomWithoutStoppingAWellBehavedClient) {
  SimulatorOptions options = tcp_panel();
  options.max_connections = 4;
  PanelSimulator simulator(options);
  const auto client = raw_client(simulator.port());
  std::uint16_t magic = 0;
  ASSERT_EQ(modbus_read_registers(client.get(), rm::kMagic, 1, &magic), 1);

  // Twenty that never complete a request, connecting after the good client's last request: they
  // make room among themselves, oldest first.
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (int i = 0; i < 20; ++i) silent.push_back(std::make_unique<RawConnection>(simulator.port()));
  EXPECT_TRUE(silent.front()->closed_within(kPatience));
  EXPECT_TRUE(silent[16]->closed_within(kPatience));  // when the last was accepted
  const RoundTrips trips = round_trips(client.get(), 300ms);
  EXPECT_EQ(trips.failed, 0);
  EXPECT_GT(trips.succeeded, 0);
  // The newest stay: three of them beside the good client.
  EXPECT_FALSE(silent.back()->closed_within(50ms));
  EXPECT_EQ(simulator.counters().evictions, 20u - 3u);

  // A newcomer that speaks is served at once, though the cap is reached.
  RawConnection newcomer(simulator.port());
  ASSERT_TRUE(newcomer.send_bytes(kIdentityRequest));
  EXPECT_TRUE(newcomer.reply_within(kPatience).has_value());
}

// A process's CPU time so far, user and system, from /proc (in clock ticks).
long cpu_ticks(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) in parentheses: state is field 3,
  // utime 14 and stime 15.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  long user = 0;
  long system = 0;
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number == 14) user = std::stol(field);
    if (number == 15) system = std::stol(field);
  }
  return user + system;
}

std::vector<int> open_descriptors(pid_t pid) {
  std::vector<int> descriptors;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    descriptors.push_back(std::stoi(entry.path().filename().string()));
  return descriptors;
}

// The descriptor the process would get next: accepting fails once that is at its limit.
int lowest_free_descriptor(pid_t pid) {
  std::vector<int> descriptors = open_descriptors(pid);
  std::sort(descriptors.begin(), descriptors.end());
  int lowest = 0;
  for (const int fd : descriptors)
    if (fd == lowest) ++lowest;
  return lowest;
}

// Reads exactly one value from a pipe, within the patience.
template <typename Value>
bool read_value(int fd, Value& value) {
  pollfd readable{fd, POLLIN, 0};
  return poll(&readable, 1, static_cast<int>(kPatience.count())) == 1 &&
         read(fd, &value, sizeof value) == static_cast<ssize_t>(sizeof value);
}

// A simulator in a child process with room for four connections beyond the descriptors it has
// open (more if some it inherited lie above that limit, which bars only new descriptors), so that
// it runs out without this process doing so. Killed, if still running, when destroyed.
class SimulatorAtALowDescriptorLimit {
 public:
  SimulatorAtALowDescriptorLimit() {
    int to_child[2];
    int from_child[2];
    if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0)
      throw std::runtime_error("test setup: pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      // The child's own copy of the writing end would keep its pipe from ever closing.
      close(to_child[1]);
      close(from_child[0]);
      run_child(to_child[0], from_child[1]);
    }
    close(to_child[0]);
    close(from_child[1]);
    to_child_ = std::make_unique<FileDescriptor>(to_child[1]);
    from_child_ = std::make_unique<FileDescriptor>(from_child[0]);
    if (pid_ < 0) throw std::runtime_error("test setup: fork failed");
    int report[2] = {};
    if (!read_value(from_child_->get(), report))
      throw std::runtime_error("test setup: the child did not start a simulator");
    port_ = report[0];
    limit_ = report[1];
  }
  ~SimulatorAtALowDescriptorLimit() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  SimulatorAtALowDescriptorLimit(const SimulatorAtALowDescriptorLimit&) = delete;
  SimulatorAtALowDescriptorLimit& operator=(const SimulatorAtALowDescriptorLimit&) = delete;

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  int limit() const { return limit_; }
  // Stops it; how often it paused accepting, or nothing when it did not stop cleanly.
  std::optional<std::uint64_t> stop() {
    to_child_.reset();  // the child waits for this pipe to close
    std::uint64_t pauses = 0;
    const bool reported = read_value(from_child_->get(), pauses);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (!reported || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
    return pauses;
  }

 private:
  [[noreturn]] static void run_child(int from_parent, int to_parent) {
    int status = 0;
    try {
      PanelSimulator simulator(tcp_panel());
      rlimit limit{};
      getrlimit(RLIMIT_NOFILE, &limit);
      limit.rlim_cur = open_descriptors(getpid()).size() + 4;
      if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(3);
      const int report[2] = {simulator.port(), static_cast<int>(limit.rlim_cur)};
      if (write(to_parent, report, sizeof report) != sizeof report) _exit(4);
      char ignored = 0;
      [[maybe_unused]] const auto closed = read(from_parent, &ignored, 1);  // until closed
      const std::uint64_t pauses = simulator.counters().accept_pauses;
      if (write(to_parent, &pauses, sizeof pauses) != sizeof pauses) status = 5;
    } catch (...) {
      status = 6;
    }
    _exit(status);
  }

  pid_t pid_ = -1;
  std::unique_ptr<FileDescriptor> to_child_;
  std::unique_ptr<FileDescriptor> from_child_;
  int port_ = -1;
  int limit_ = 0;
};

TEST(SimulatorConnections, AtTheDescriptorLimitItRestsInsteadOfSpinning) {
  SimulatorAtALowDescriptorLimit simulator;
  // More connections than it has room for; the rest wait in its listen backlog (or, beyond that,
  // for the kernel to take them, which is why nothing here waits for a connection to complete).
  std::vector<std::unique_ptr<RawConnection>> clients;
  for (int i = 0; i < 24; ++i)
    clients.push_back(std::make_unique<RawConnection>(simulator.port(), false));
  const auto deadline = Clock::now() + kPatience;
  while (lowest_free_descriptor(simulator.pid()) < simulator.limit() && Clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(lowest_free_descriptor(simulator.pid()), simulator.limit());

  const long ticks_before = cpu_ticks(simulator.pid());
  const auto measured_from = Clock::now();
  std::this_thread::sleep_for(1s);
  const double seconds = std::chrono::duration<double>(Clock::now() - measured_from).count();
  const double share = static_cast<double>(cpu_ticks(simulator.pid()) - ticks_before) /
                       static_cast<double>(sysconf(_SC_CLK_TCK)) / seconds;
  std::cout << "[ figures  ] at the descriptor limit the simulator used " << 100 * share
            << " % of a core over " << seconds << " s\n";
  EXPECT_LT(share, 0.10);

  // Connections closing make room: a newcomer is served.
  clients.clear();
  RawConnection newcomer(simulator.port());
  ASSERT_TRUE(newcomer.send_bytes(kIdentityRequest));
  EXPECT_TRUE(newcomer.reply_within(kPatience).has_value());
  const std::optional<std::uint64_t> pauses = simulator.stop();
  ASSERT_TRUE(pauses.has_value());
  EXPECT_GT(*pauses, 0u);
}

TEST(SimulatorConnections, ASerialMasterThatStallsOrNeverReadsHoldsUpOnlyItself) {
  PtyPair line;
  SimulatorOptions options = tcp_panel();
  options.rtu_fd = line.master();
  PanelSimulator simulator(options);
  const FileDescriptor controller_end(
      open(line.slave_path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));

  // Half a request, then nothing; then requests by the hundred with no reply ever read, until the
  // line is full.
  std::vector<std::uint8_t> request = {0x01, 0x03, 0x00, 0x00, 0x00, 0x07};
  const std::uint16_t crc = modbus_framing::rtu_crc(request);
  request.push_back(static_cast<std::uint8_t>(crc & 0xFF));
  request.push_back(static_cast<std::uint8_t>(crc >> 8));
  ASSERT_EQ(write(controller_end.get(), request.data(), 3), 3);
  const auto client = raw_client(simulator.port());
  RoundTrips trips = round_trips(client.get(), 300ms);
  EXPECT_EQ(trips.failed, 0);
  EXPECT_LT(trips.worst_gap, kWorstGap);

  fcntl(controller_end.get(), F_SETFL, O_NONBLOCK);
  std::this_thread::sleep_for(100ms);  // a silence: the half request was noise
  for (int i = 0; i < 2000; ++i) {
    if (write(controller_end.get(), request.data(), request.size()) < 0) break;
  }
  trips = round_trips(client.get(), 500ms);
  EXPECT_EQ(trips.failed, 0);
  EXPECT_LT(trips.worst_gap, kWorstGap);
  EXPECT_GT(simulator.counters().requests, static_cast<std::uint64_t>(trips.succeeded) + 10);
}

}  // namespace
}  // namespace bangtin
