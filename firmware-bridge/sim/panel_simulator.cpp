#include "bangtin/panel_simulator.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <modbus.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <iterator>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "bangtin/modbus_framing.hpp"
#include "bangtin/pixel_packets.hpp"
#include "bangtin/register_map.hpp"
#include "bangtin/simulated_panel.hpp"

namespace bangtin {

namespace rm = register_map;
namespace mf = modbus_framing;

namespace {

using Clock = std::chrono::steady_clock;

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Only modbus_free: the RTU context is used only to open and set up the serial device, whose
// descriptor UniqueFd then owns, so modbus_close here would close it twice.
struct ContextFreer {
  void operator()(modbus_t* context) const noexcept { modbus_free(context); }
};
using RtuContext = std::unique_ptr<modbus_t, ContextFreer>;

std::string last_system_error() { return std::system_category().message(errno); }

// A UDP socket bound to host:port; the port it got through `bound_port`.
UniqueFd bind_udp(const std::string& where, const std::string& host, int port, int& bound_port) {
  UniqueFd socket(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (socket.get() < 0) throw std::runtime_error(where + ": " + last_system_error());
  // Bursts of a frame's packets arrive faster than one thread drains them at times.
  const int receive_buffer = 1 << 21;
  setsockopt(socket.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &address.sin_addr);
  if (bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    throw std::runtime_error(where + ": cannot bind UDP port " + std::to_string(port) + ": " +
                             last_system_error());
  socklen_t size = sizeof address;
  getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &size);
  bound_port = ntohs(address.sin_port);
  return socket;
}

// A non-blocking TCP socket listening on host:port; the port it got through `bound_port`.
UniqueFd listen_tcp(const std::string& where, const std::string& host, int port, int& bound_port) {
  UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (socket.get() < 0) throw std::runtime_error(where + ": " + last_system_error());
  // A simulator restarted at once must get its port back, though the last run's connections
  // linger in TIME_WAIT.
  const int enable = 1;
  setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &enable, sizeof enable);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &address.sin_addr);
  if (bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(socket.get(), 64) != 0)
    throw std::runtime_error(where + ": cannot listen on TCP port " + std::to_string(port) + ": " +
                             last_system_error());
  socklen_t size = sizeof address;
  if (getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0)
    throw std::runtime_error(where + ": cannot read the bound port: " + last_system_error());
  bound_port = ntohs(address.sin_port);
  return socket;
}

// How long a hung-up serial line rests before it is looked at again: a pty master polls as hung
// up until its slave is opened again, and this is short enough that a master reopening the line
// finds the panel well within its reply timeout.
constexpr std::chrono::milliseconds kHungUpLineRest{50};
// A serial line that has been quiet this long is between requests: a partial request is dropped
// as noise, and after garbage the next byte starts a request again. A master sends a request in
// one go and waits at least half a second for a reply before it tries again.
constexpr std::chrono::milliseconds kLineSilence{50};
// How long accepting rests when the process is out of file descriptors, unless a connection
// closes first: what is pending waits in the listen backlog meanwhile.
constexpr std::chrono::milliseconds kDescriptorShortageRest{100};
// Each pass of the serving loop takes at most this many connections and datagrams a door, so that
// a flood on one door cannot starve the others.
constexpr int kAcceptsPerPass = 16;
constexpr int kDatagramsPerPass = 256;

// One way into the panel over Modbus: a TCP client connection or the RTU line. Bytes are taken as
// they come and cut into requests; nothing waits for the rest of a request.
struct ModbusPeer {
  UniqueFd fd;
  bool serial = false;
  bool closed = false;                 // a TCP client disconnected in this pass of the serving loop
  std::vector<std::uint8_t> received;  // requests not yet served, the last maybe partial
  std::vector<std::uint8_t> unsent;    // reply bytes the descriptor has not taken yet
  // A reply held back by added latency or pacing; the master waits for it before it asks again.
  std::vector<std::uint8_t> delayed_reply;
  std::optional<Clock::time_point> delayed_until;
  // TCP: when the first byte of the request now in `received` came (the request deadline), when
  // the connection was accepted, and when it last completed a request (the idle clock counts from
  // the later of the two; both rank who is dropped first over the connection cap).
  std::optional<Clock::time_point> request_started;
  Clock::time_point accepted_at;
  std::optional<Clock::time_point> last_request_at;
  // Serial: when a byte last came; after garbage, bytes are dropped until the line falls silent.
  Clock::time_point last_byte_at;
  bool resynchronizing = false;
  // A serial line whose far end hung up is looked at again only at this time.
  std::optional<Clock::time_point> resting_until;

  // Takes requests now: no reply is on its way to it. A master waits for each reply anyway, and
  // one that does not read its replies stops being read from.
  bool taking_requests() const { return unsent.empty() && !delayed_until; }
  Clock::time_point idle_since() const { return last_request_at.value_or(accepted_at); }
};

// Whether `a` goes before `b` when a client must make room: first the clients that never
// completed a request, oldest first, then the one longest without a request.
bool dropped_first(const ModbusPeer& a, const ModbusPeer& b) {
  if (a.last_request_at.has_value() != b.last_request_at.has_value())
    return !a.last_request_at.has_value();
  return a.idle_since() < b.idle_since();
}

}  // namespace

struct PanelSimulator::State {
  explicit State(SimulatorOptions simulator_options);
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  void open_rtu(const std::string& where);
  void serve();
  void take_commands();
  void accept_clients(Clock::time_point now);
  // Reads what the peer has sent and serves each request that is complete.
  void take_bytes(ModbusPeer& peer, Clock::time_point now);
  void serve_received(ModbusPeer& peer, Clock::time_point now);
  void answer(ModbusPeer& peer, std::span<const std::uint8_t> request, Clock::time_point now);
  void send(ModbusPeer& peer, std::vector<std::uint8_t> reply);
  void flush(ModbusPeer& peer);
  void send_due_replies(Clock::time_point now);
  // Closes connections past their deadlines and forgets partial requests on a quiet line.
  void enforce_deadlines(Clock::time_point now);
  // When the peer must next be looked at although it sends nothing; nothing when never.
  std::optional<Clock::time_point> next_deadline(const ModbusPeer& peer) const;
  void disconnect(ModbusPeer& client);
  void line_hung_up(ModbusPeer& line, Clock::time_point now);
  void drop_tcp_clients();
  void receive_datagrams(int socket, bool ddp);
  // Copies what other threads read (the frame on show, the light, the lines) out of the panel.
  void publish(bool whole);
  void after_commit();
  void reboot_now(std::chrono::milliseconds downtime);
  bool down() const { return Clock::now() < down_until; }
  bool draw(double rate);
  SimulatorFaults current_faults() const {
    std::lock_guard lock(mutex);
    return faults;
  }
  template <typename Action>
  void for_each_peer(Action action) {
    if (serial_line) action(*serial_line);
    for (ModbusPeer& client : clients) action(client);
  }

  const SimulatorOptions options;
  // Touched only by the serving thread once it runs.
  SimulatedPanel panel;
  UniqueFd listener;
  std::optional<ModbusPeer> serial_line;
  std::vector<ModbusPeer> clients;  // Modbus TCP
  // Accepting rests until then when the process has run out of file descriptors.
  std::optional<Clock::time_point> accepting_resumes_at;
  UniqueFd ddp_socket;
  UniqueFd e131_socket;
  UniqueFd wake_signal;  // an eventfd: wakes poll() at once for commands and the destructor
  std::mt19937 random;
  Clock::time_point down_until;
  int tcp_port = -1;
  int ddp_bound_port = -1;
  int e131_bound_port = -1;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  Frame shown;                                                // guarded by mutex
  std::uint64_t commit_count = 0;                             // guarded by mutex
  SimulatorCounters counters;                                 // guarded by mutex
  SimulatorFaults faults;                                     // guarded by mutex
  SimulatorLight light;                                       // guarded by mutex
  std::vector<std::string> text_lines;                        // guarded by mutex
  bool stop_requested = false;                                // guarded by mutex
  std::optional<std::chrono::milliseconds> reboot_requested;  // guarded by mutex
  bool rebooted = false;                                      // guarded by mutex
  std::thread serving_thread;  // last: starts once everything above exists
};

namespace {

// The panel's part of the options, checked with the simulator's address in its errors.
SimulatedPanel make_panel(const SimulatorOptions& options, const std::string& where) {
  try {
    return SimulatedPanel(options);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(where + ": " + error.what());
  }
}

std::string where_of(const SimulatorOptions& options) {
  return "panel simulator on " + options.host + ":" + std::to_string(options.port);
}

}  // namespace

PanelSimulator::State::State(SimulatorOptions simulator_options)
    : options(std::move(simulator_options)),
      panel(make_panel(options, where_of(options))),
      random(options.faults.seed),
      faults(options.faults) {
  const std::string where = where_of(options);
  const std::size_t pixels =
      static_cast<std::size_t>(options.width) * static_cast<std::size_t>(options.height);
  if (options.e131_port >= 0 &&
      (options.e131_universe < 1 ||
       options.e131_universe + e131::universes_for(pixels) - 1 > e131::kMaxUniverse))
    throw std::invalid_argument(where + ": the panel's universes run past " +
                                std::to_string(e131::kMaxUniverse));
  if (options.text_display && (options.ddp_port >= 0 || options.e131_port >= 0))
    throw std::invalid_argument(where + ": a text display takes no pixels (no DDP or E1.31)");
  if (options.max_connections < 1)
    throw std::invalid_argument(where + ": it must serve at least one connection");
  if (options.request_timeout <= std::chrono::milliseconds::zero() ||
      options.idle_timeout <= std::chrono::milliseconds::zero())
    throw std::invalid_argument(where + ": request and idle timeouts must be positive");
  // Address problems are runtime_errors, as the header promises for an address it cannot bind.
  for (const int port : {options.port, options.ddp_port, options.e131_port})
    if (port < -1 || port > 65535) throw std::runtime_error(where + ": ports must be 0-65535");
  in_addr probe{};
  if (inet_pton(AF_INET, options.host.c_str(), &probe) != 1)
    throw std::runtime_error(where + ": host must be an IPv4 address such as 127.0.0.1");

  shown = panel.shown_frame();
  light = panel.light();
  text_lines = panel.text_lines();

  if (options.port >= 0) listener = listen_tcp(where, options.host, options.port, tcp_port);
  if (!options.rtu_device.empty() || options.rtu_fd >= 0) open_rtu(where);
  if (options.ddp_port >= 0)
    ddp_socket = bind_udp(where, options.host, options.ddp_port, ddp_bound_port);
  if (options.e131_port >= 0)
    e131_socket = bind_udp(where, options.host, options.e131_port, e131_bound_port);
  wake_signal = UniqueFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (wake_signal.get() < 0) throw std::runtime_error(where + ": eventfd: " + last_system_error());

  serving_thread = std::thread([this] { serve(); });
}

void PanelSimulator::State::open_rtu(const std::string& where) {
  ModbusPeer line;
  line.serial = true;
  if (options.rtu_fd >= 0) {
    line.fd = UniqueFd(fcntl(options.rtu_fd, F_DUPFD_CLOEXEC, 0));
    if (line.fd.get() < 0)
      throw std::runtime_error(where + ": cannot use descriptor " + std::to_string(options.rtu_fd) +
                               ": " + last_system_error());
  } else {
    // libmodbus opens the device and sets its baud rate and 8N1; the framing is ours.
    const RtuContext context(
        modbus_new_rtu(options.rtu_device.c_str(), options.rtu_baud, 'N', 8, 1));
    if (!context)
      throw std::runtime_error(where + ": cannot set up libmodbus RTU: " + modbus_strerror(errno));
    if (modbus_connect(context.get()) == -1)
      throw std::runtime_error(where + ": cannot open " + options.rtu_device + ": " +
                               modbus_strerror(errno));
    line.fd = UniqueFd(modbus_get_socket(context.get()));
  }
  const int flags = fcntl(line.fd.get(), F_GETFL);
  if (flags == -1 || fcntl(line.fd.get(), F_SETFL, flags | O_NONBLOCK) == -1)
    throw std::runtime_error(where +
                             ": cannot make the serial line non-blocking: " + last_system_error());
  serial_line = std::move(line);
}

PanelSimulator::State::~State() {
  if (!serving_thread.joinable()) return;
  {
    std::lock_guard lock(mutex);
    stop_requested = true;
  }
  const std::uint64_t one = 1;
  // An eventfd write of 8 bytes cannot fail short of a counter overflow, which one write cannot do.
  [[maybe_unused]] const auto written = ::write(wake_signal.get(), &one, sizeof one);
  serving_thread.join();
}

bool PanelSimulator::State::draw(double rate) {
  if (rate <= 0) return false;
  return std::uniform_real_distribution<double>(0.0, 1.0)(random) < rate;
}

void PanelSimulator::State::serve() {
  std::vector<pollfd> watched;
  std::vector<ModbusPeer*> watched_peers;  // for each watched descriptor; null for the others
  for (;;) {
    watched.clear();
    watched_peers.clear();
    const auto watch = [&](int fd, short events, ModbusPeer* peer = nullptr) {
      watched.push_back({fd, events, 0});
      watched_peers.push_back(peer);
      return watched.size() - 1;
    };
    // Where the listener and the UDP sockets are in `watched`, when they are watched.
    std::optional<std::size_t> listener_at;
    std::optional<std::size_t> ddp_at;
    std::optional<std::size_t> e131_at;
    const auto ready = [&](std::optional<std::size_t> at) {
      return at && watched[*at].revents != 0;
    };
    std::optional<Clock::time_point> wake_at;
    const auto wake_by = [&wake_at](std::optional<Clock::time_point> at) {
      if (at) wake_at = wake_at ? std::min(*wake_at, *at) : *at;
    };
    watch(wake_signal.get(), POLLIN);
    const Clock::time_point polled_at = Clock::now();
    if (accepting_resumes_at && *accepting_resumes_at <= polled_at) accepting_resumes_at.reset();
    if (listener.get() >= 0 && !accepting_resumes_at) listener_at = watch(listener.get(), POLLIN);
    wake_by(accepting_resumes_at);
    for_each_peer([&](ModbusPeer& peer) {
      if (peer.resting_until && *peer.resting_until > polled_at) {
        wake_by(peer.resting_until);
        return;
      }
      peer.resting_until.reset();
      if (!peer.unsent.empty())
        watch(peer.fd.get(), POLLOUT, &peer);
      else if (!peer.delayed_until)
        watch(peer.fd.get(), POLLIN, &peer);
      wake_by(peer.delayed_until);
      wake_by(next_deadline(peer));
    });
    if (ddp_socket.get() >= 0) ddp_at = watch(ddp_socket.get(), POLLIN);
    if (e131_socket.get() >= 0) e131_at = watch(e131_socket.get(), POLLIN);

    timespec wait{};
    timespec* wait_for = nullptr;
    if (wake_at) {
      const auto left = std::max(*wake_at - Clock::now(), Clock::duration::zero());
      const auto nanoseconds = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      wait.tv_sec = static_cast<time_t>(nanoseconds / 1'000'000'000);
      wait.tv_nsec = static_cast<long>(nanoseconds % 1'000'000'000);
      wait_for = &wait;
    }
    if (ppoll(watched.data(), watched.size(), wait_for, nullptr) == -1) {
      if (errno == EINTR) continue;
      return;
    }
    if (watched[0].revents != 0) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto read = ::read(wake_signal.get(), &count, sizeof count);
      {
        std::lock_guard lock(mutex);
        if (stop_requested) return;
      }
      take_commands();
    }

    const Clock::time_point now = Clock::now();
    for (std::size_t i = 1; i < watched.size(); ++i) {
      ModbusPeer* const peer = watched_peers[i];
      if (watched[i].revents == 0 || peer == nullptr || peer->closed) continue;
      // A reboot may have left the peer another state than the one it was polled for.
      if (!peer->unsent.empty()) {
        flush(*peer);
        if (peer->taking_requests() && !peer->closed) serve_received(*peer, now);
      } else if (peer->taking_requests()) {
        take_bytes(*peer, now);
      }
    }
    if (ready(ddp_at)) receive_datagrams(ddp_socket.get(), true);
    if (ready(e131_at)) receive_datagrams(e131_socket.get(), false);
    send_due_replies(Clock::now());
    enforce_deadlines(Clock::now());

    const std::size_t before = clients.size();
    std::erase_if(clients, [](const ModbusPeer& client) { return client.closed; });
    // A descriptor freed is one to accept with.
    if (clients.size() < before) accepting_resumes_at.reset();
    if (ready(listener_at)) accept_clients(Clock::now());
  }
}

void PanelSimulator::State::take_commands() {
  std::optional<std::chrono::milliseconds> downtime;
  {
    std::lock_guard lock(mutex);
    downtime = std::exchange(reboot_requested, std::nullopt);
  }
  if (downtime) reboot_now(*downtime);
}

void PanelSimulator::State::accept_clients(Clock::time_point now) {
  for (int accepted = 0; accepted < kAcceptsPerPass; ++accepted) {
    UniqueFd client(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (client.get() < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      // Out of descriptors (EMFILE, ENFILE) or memory: the connection stays pending, and the
      // listener stays readable, so watching it again at once would spin. Rest instead, until a
      // connection closes or a little while has passed.
      accepting_resumes_at = now + kDescriptorShortageRest;
      std::lock_guard lock(mutex);
      ++counters.accept_pauses;
      return;
    }
    if (down()) continue;  // a panel that is rebooting answers nobody
    // Replies are small and a controller waits for each one; do not let Nagle hold them back.
    const int enable = 1;
    setsockopt(client.get(), IPPROTO_TCP, TCP_NODELAY, &enable, sizeof enable);
    if (std::ssize(clients) >= options.max_connections) {
      // Make room (see the header).
      const auto victim = std::min_element(clients.begin(), clients.end(), dropped_first);
      {
        std::lock_guard lock(mutex);
        ++counters.evictions;
      }
      disconnect(*victim);
      clients.erase(victim);
    }
    ModbusPeer peer;
    peer.fd = std::move(client);
    peer.accepted_at = now;
    clients.push_back(std::move(peer));
  }
}

void PanelSimulator::State::take_bytes(ModbusPeer& peer, Clock::time_point now) {
  std::uint8_t bytes[mf::kMaxTcpAduBytes];
  const ssize_t got = peer.serial ? ::read(peer.fd.get(), bytes, sizeof bytes)
                                  : recv(peer.fd.get(), bytes, sizeof bytes, MSG_DONTWAIT);
  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (got <= 0) {
    // A TCP client hung up or failed. A serial line hangs up when its far end closes (a pty
    // master reads EIO until the slave is opened again); it stays, resting meanwhile.
    if (peer.serial)
      line_hung_up(peer, now);
    else
      disconnect(peer);
    return;
  }
  if (peer.serial) {
    peer.last_byte_at = now;
    if (peer.resynchronizing) return;  // the rest of the noise
  } else if (peer.received.empty()) {
    peer.request_started = now;
  }
  peer.received.insert(peer.received.end(), bytes, bytes + got);
  serve_received(peer, now);
}

void PanelSimulator::State::serve_received(ModbusPeer& peer, Clock::time_point now) {
  while (peer.taking_requests() && !peer.closed && !peer.received.empty()) {
    const mf::Cut cut =
        peer.serial ? mf::cut_rtu_request(peer.received) : mf::cut_tcp_request(peer.received);
    if (cut.kind == mf::Cut::Kind::incomplete) return;
    if (cut.kind == mf::Cut::Kind::garbage) {
      // A TCP stream that has lost its framing cannot find it again; a serial line can, after a
      // silence, and its master will ask again.
      if (peer.serial) {
        peer.received.clear();
        peer.resynchronizing = true;
      } else {
        disconnect(peer);
      }
      return;
    }
    const auto request_end = peer.received.begin() + static_cast<std::ptrdiff_t>(cut.length);
    const std::vector<std::uint8_t> request(peer.received.begin(), request_end);
    peer.received.erase(peer.received.begin(), request_end);
    if (!peer.serial) {
      peer.last_request_at = now;
      peer.request_started = peer.received.empty() ? std::nullopt : std::optional(now);
    }
    answer(peer, request, now);
  }
}

void PanelSimulator::State::answer(ModbusPeer& peer, std::span<const std::uint8_t> request,
                                   Clock::time_point now) {
  const std::uint8_t unit = peer.serial ? mf::rtu_unit(request) : mf::tcp_unit(request);
  // On a serial line the panel answers only its own unit, and a broadcast silently. A TCP device
  // of its own may ignore the unit, as this one does.
  if (peer.serial && unit != options.unit && unit != mf::kBroadcastUnit) return;
  if (down()) return;  // rebooting: nobody is listening

  const SimulatorFaults faults_now = current_faults();
  {
    std::lock_guard lock(mutex);
    ++counters.requests;
  }
  if (draw(faults_now.drop_rate)) {
    std::lock_guard lock(mutex);
    ++counters.dropped;
    return;
  }
  const std::span<const std::uint8_t> pdu =
      peer.serial ? mf::rtu_pdu(request) : mf::tcp_pdu(request);
  const std::uint64_t commits_before = panel.commits();
  const std::vector<std::uint8_t> reply_pdu = panel.modbus_request(pdu, now);
  // Before the reply: once a controller sees its commit acknowledged, the frame is on show.
  publish(false);
  const bool committed = panel.commits() != commits_before;

  if (!reply_pdu.empty() && !(peer.serial && unit == mf::kBroadcastUnit)) {
    std::vector<std::uint8_t> reply =
        peer.serial ? mf::rtu_reply(unit, reply_pdu) : mf::tcp_reply(request, reply_pdu);
    if (draw(faults_now.corrupt_rate)) {
      // RTU: a damaged CRC. TCP: a transaction id that matches no request.
      reply[peer.serial ? reply.size() - 1 : 0] ^= 0xFF;
      std::lock_guard lock(mutex);
      ++counters.corrupted;
    }
    Clock::duration delay = faults_now.added_latency;
    if (options.line_rate > 0) {
      // The exchange as it would be on an RTU line: the PDU plus a unit byte and a CRC each way.
      const WireCost exchange{pdu.size() + reply_pdu.size() + 6, 1, false};
      delay += std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(rm::rtu_wire_seconds(exchange, options.line_rate)));
    }
    if (delay <= Clock::duration::zero()) {
      send(peer, std::move(reply));
    } else {
      peer.delayed_reply = std::move(reply);
      peer.delayed_until = Clock::now() + delay;
    }
  }
  if (committed) after_commit();
}

void PanelSimulator::State::send(ModbusPeer& peer, std::vector<std::uint8_t> reply) {
  peer.unsent.insert(peer.unsent.end(), reply.begin(), reply.end());
  flush(peer);
}

void PanelSimulator::State::flush(ModbusPeer& peer) {
  while (!peer.unsent.empty()) {
    const ssize_t sent = peer.serial
                             ? ::write(peer.fd.get(), peer.unsent.data(), peer.unsent.size())
                             : ::send(peer.fd.get(), peer.unsent.data(), peer.unsent.size(),
                                      MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent > 0) {
      peer.unsent.erase(peer.unsent.begin(), peer.unsent.begin() + sent);
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
      return;  // the rest when the descriptor can take it
    // Gone: a TCP client is dropped; on a serial line the reply is lost, and the next read tells
    // whether the line hung up.
    if (peer.serial)
      peer.unsent.clear();
    else
      disconnect(peer);
    return;
  }
}

void PanelSimulator::State::send_due_replies(Clock::time_point now) {
  for_each_peer([&](ModbusPeer& peer) {
    if (peer.closed || !peer.delayed_until || *peer.delayed_until > now) return;
    peer.delayed_until.reset();
    send(peer, std::exchange(peer.delayed_reply, {}));
    if (peer.closed || !peer.taking_requests()) return;
    // What came before the reply was held back waited on us, not on the client.
    if (!peer.serial && !peer.received.empty()) peer.request_started = now;
    serve_received(peer, now);
  });
}

std::optional<Clock::time_point> PanelSimulator::State::next_deadline(
    const ModbusPeer& peer) const {
  if (peer.serial) {
    if (peer.received.empty() && !peer.resynchronizing) return std::nullopt;
    return peer.last_byte_at + kLineSilence;
  }
  Clock::time_point deadline = peer.idle_since() + options.idle_timeout;
  if (peer.request_started && peer.taking_requests())
    deadline = std::min(deadline, *peer.request_started + options.request_timeout);
  return deadline;
}

void PanelSimulator::State::enforce_deadlines(Clock::time_point now) {
  if (serial_line && now >= next_deadline(*serial_line).value_or(Clock::time_point::max())) {
    serial_line->received.clear();
    serial_line->resynchronizing = false;
  }
  for (ModbusPeer& client : clients) {
    if (client.closed) continue;
    const bool stalled = client.request_started && client.taking_requests() &&
                         now >= *client.request_started + options.request_timeout;
    const bool idle = now >= client.idle_since() + options.idle_timeout;
    if (!stalled && !idle) continue;
    {
      // Counted first, so that whoever sees the connection close finds it counted.
      std::lock_guard lock(mutex);
      ++(stalled ? counters.stalled_requests : counters.idle_disconnects);
    }
    disconnect(client);
  }
}

void PanelSimulator::State::disconnect(ModbusPeer& client) {
  client.fd.reset();
  client.closed = true;
  client.received.clear();
  client.unsent.clear();
  client.delayed_reply.clear();
  client.delayed_until.reset();
}

void PanelSimulator::State::line_hung_up(ModbusPeer& line, Clock::time_point now) {
  line.received.clear();
  line.unsent.clear();
  line.delayed_reply.clear();
  line.delayed_until.reset();
  line.resynchronizing = false;
  line.resting_until = now + kHungUpLineRest;
  std::lock_guard lock(mutex);
  ++counters.line_hangups;
}

void PanelSimulator::State::drop_tcp_clients() {
  for (ModbusPeer& client : clients) disconnect(client);
}

void PanelSimulator::State::publish(bool whole) {
  bool committed = false;
  {
    std::lock_guard lock(mutex);
    committed = commit_count != panel.commits();
    if (committed || whole) {
      shown = panel.shown_frame();
      text_lines = panel.text_lines();
      commit_count = panel.commits();
    }
    light = panel.light();
    counters.strip_commits = panel.strip_commits();
    counters.ring_commits = panel.ring_commits();
    counters.rejected_commits = panel.rejected_commits();
  }
  if (committed || whole) changed.notify_all();
}

void PanelSimulator::State::after_commit() {
  const SimulatorFaults faults_now = current_faults();
  std::uint64_t count = 0;
  {
    std::lock_guard lock(mutex);
    count = commit_count;
  }
  if (faults_now.disconnect_every > 0 && count % faults_now.disconnect_every == 0) {
    drop_tcp_clients();
    std::lock_guard lock(mutex);
    ++counters.disconnects;
  }
  if (faults_now.reboot_every > 0 && count % faults_now.reboot_every == 0)
    reboot_now(faults_now.reboot_downtime);
}

void PanelSimulator::State::reboot_now(std::chrono::milliseconds downtime) {
  drop_tcp_clients();
  if (serial_line) {
    // What the line carried before the power cut is lost with it.
    serial_line->received.clear();
    serial_line->delayed_reply.clear();
    serial_line->delayed_until.reset();
  }
  down_until = Clock::now() + downtime;
  panel.restart(down_until);
  publish(true);
  {
    std::lock_guard lock(mutex);
    ++counters.reboots;
    rebooted = true;
  }
  changed.notify_all();
}

void PanelSimulator::State::receive_datagrams(int socket, bool ddp) {
  // DDP carries up to 1440 bytes of pixels after its header; E1.31 at most 638 bytes in all.
  std::uint8_t datagram[2048];
  for (int received = 0; received < kDatagramsPerPass; ++received) {
    const ssize_t size = recv(socket, datagram, sizeof datagram, MSG_DONTWAIT);
    if (size < 0) return;
    {
      std::lock_guard lock(mutex);
      ++counters.datagrams;
    }
    if (down() || draw(current_faults().drop_rate)) continue;
    const std::span bytes(datagram, static_cast<std::size_t>(size));
    if (!(ddp ? panel.ddp_datagram(bytes) : panel.e131_datagram(bytes))) continue;
    publish(false);
    after_commit();
  }
}

PanelSimulator::PanelSimulator(SimulatorOptions options)
    : state_(std::make_unique<State>(std::move(options))) {}

PanelSimulator::~PanelSimulator() = default;

int PanelSimulator::port() const { return state_->tcp_port; }
int PanelSimulator::ddp_port() const { return state_->ddp_bound_port; }
int PanelSimulator::e131_port() const { return state_->e131_bound_port; }

Frame PanelSimulator::shown_frame() const {
  std::lock_guard lock(state_->mutex);
  return state_->shown;
}

std::uint64_t PanelSimulator::commits() const {
  std::lock_guard lock(state_->mutex);
  return state_->commit_count;
}

std::optional<Frame> PanelSimulator::wait_for_commit(std::uint64_t after,
                                                     std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  if (!state_->changed.wait_for(lock, timeout, [&] { return state_->commit_count > after; }))
    return std::nullopt;
  return state_->shown;
}

std::vector<std::string> PanelSimulator::shown_lines() const {
  std::lock_guard lock(state_->mutex);
  return state_->text_lines;
}

SimulatorLight PanelSimulator::light() const {
  std::lock_guard lock(state_->mutex);
  return state_->light;
}

Frame PanelSimulator::appearance(Rgb mono_colour) const {
  Frame shown;
  SimulatorLight light;
  {
    std::lock_guard lock(state_->mutex);
    shown = state_->shown;
    light = state_->light;
  }
  Frame seen = to_rgb888(shown, mono_colour);
  const int level = light.on ? light.brightness : 0;
  for (std::uint8_t& value : seen.bytes)
    value = static_cast<std::uint8_t>((value * level + 127) / 255);
  return seen;
}

SimulatorCounters PanelSimulator::counters() const {
  std::lock_guard lock(state_->mutex);
  return state_->counters;
}

void PanelSimulator::set_faults(const SimulatorFaults& faults) {
  std::lock_guard lock(state_->mutex);
  state_->faults = faults;
}

void PanelSimulator::reboot(std::chrono::milliseconds downtime) {
  std::unique_lock lock(state_->mutex);
  state_->rebooted = false;
  state_->reboot_requested = downtime;
  lock.unlock();
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(state_->wake_signal.get(), &one, sizeof one);
  lock.lock();
  // Generous: the serving thread takes the command at once unless it is stuck.
  if (!state_->changed.wait_for(lock, std::chrono::seconds(10), [&] { return state_->rebooted; }))
    throw std::runtime_error(
        "panel simulator: reboot not done within 10 s (serving thread stuck?)");
}

}  // namespace bangtin
