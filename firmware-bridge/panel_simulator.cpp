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

#include "bangtin/panel_link.hpp"
#include "bangtin/pixel_packets.hpp"
#include "bangtin/register_map.hpp"

namespace bangtin {

namespace rm = register_map;

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

// Only modbus_free: the server contexts borrow descriptors for each request, and UniqueFd owns
// them, so modbus_close here would close a descriptor twice.
struct ServerContextFreer {
  void operator()(modbus_t* context) const noexcept { modbus_free(context); }
};
using ServerContext = std::unique_ptr<modbus_t, ServerContextFreer>;

struct MappingFreer {
  void operator()(modbus_mapping_t* mapping) const noexcept { modbus_mapping_free(mapping); }
};

std::uint16_t big_endian_16(const std::uint8_t* bytes) {
  return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

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

// One way into the panel over Modbus: a TCP client connection or the RTU line.
struct ModbusPeer {
  UniqueFd fd;
  bool rtu = false;
  bool awaiting_reply = false;  // a request is being answered; a master waits for it
  // An RTU line whose far end hung up: a pty master polls as hung up until its slave is opened
  // again, so it is looked at again only at this time, not in a busy loop.
  std::optional<Clock::time_point> resting_until;
};

// How long a hung-up serial line rests before it is looked at again: short enough that a master
// reopening the line finds the panel well within its reply timeout.
constexpr std::chrono::milliseconds kHungUpLineRest{50};

struct PendingReply {
  int fd = -1;
  std::vector<std::uint8_t> bytes;
  Clock::time_point due;
};

}  // namespace

struct PanelSimulator::State {
  explicit State(SimulatorOptions simulator_options);
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  void open_rtu(const std::string& where);
  void serve();
  void take_commands();
  void accept_client();
  // False when the peer has gone or sent garbage, and should be dropped.
  bool serve_modbus_request(ModbusPeer& peer);
  struct Commit {
    std::uint16_t sequence = 0;
    // What the request wrote over, to put back when the commit is refused.
    int first_written = 0;
    std::vector<std::uint16_t> written_over;
  };
  std::optional<Commit> commit_in(modbus_t* context, const std::uint8_t* query, int length);
  // The frame a commit shows now: the back buffer, or the window of the strip; nothing when the
  // strip registers point outside the window.
  std::optional<Frame> committed_frame() const;
  void reset_control_registers();
  // Text profile: whether an accepted request wrote into a line; then the lines are read anew.
  bool writes_text_lines(modbus_t* context, const std::uint8_t* query, int length) const;
  void take_text_lines();
  void send_due_replies(Clock::time_point now);
  void send_reply(int fd, std::span<const std::uint8_t> bytes);
  void drop_tcp_clients();
  void receive_ddp();
  void receive_e131();
  void show(Frame frame, std::uint16_t sequence);
  void after_commit();
  void reboot_now(std::chrono::milliseconds downtime);
  void refresh_read_only_registers();
  bool down() const { return Clock::now() < down_until; }
  bool draw(double rate);
  SimulatorFaults current_faults() const {
    std::lock_guard lock(mutex);
    return faults;
  }

  const SimulatorOptions options;
  const bool text_profile;
  const std::size_t frame_bytes;
  const std::size_t frame_pixels;
  int window_registers = 0;  // from kFramebuffer
  // Touched only by the serving thread once it runs.
  std::unique_ptr<modbus_mapping_t, MappingFreer> registers;
  ServerContext tcp_server;
  ServerContext rtu_server;
  UniqueFd listener;
  std::vector<ModbusPeer> peers;  // the RTU line first when there is one, then TCP clients
  UniqueFd ddp_socket;
  UniqueFd e131_socket;
  // Replies are written into this socket pair by modbus_reply and read back, so that they can be
  // delayed, paced or damaged before they go out.
  UniqueFd capture_in;
  UniqueFd capture_out;
  UniqueFd wake_signal;  // an eventfd: wakes poll() at once for commands and the destructor
  std::vector<PendingReply> pending;
  std::vector<std::uint8_t> rgb_back_buffer;  // DDP and E1.31 write here
  std::vector<bool> universes_received;
  // The synchronization universe the data packets of the frame being received named (0: none).
  std::uint16_t awaited_sync_universe = 0;
  bool e131_stream_ended = false;  // blanked for a Stream_Terminated packet; until the next data
  std::mt19937 random;
  Clock::time_point boot_time = Clock::now();
  Clock::time_point down_until;
  std::uint16_t fault_bits = rm::kFaultFramebufferLost;  // as at any power-up
  std::uint16_t shown_sequence = 0;
  std::uint32_t shown_crc = 0;
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

PanelSimulator::State::State(SimulatorOptions simulator_options)
    : options(std::move(simulator_options)),
      text_profile(options.text_display.has_value()),
      frame_bytes(options.width > 0 && options.height > 0
                      ? row_bytes(options.format, options.width) *
                            static_cast<std::size_t>(options.height)
                      : 0),
      frame_pixels(static_cast<std::size_t>(std::max(options.width, 0)) *
                   static_cast<std::size_t>(std::max(options.height, 0))),
      random(options.faults.seed),
      faults(options.faults) {
  const std::string where =
      "panel simulator on " + options.host + ":" + std::to_string(options.port);
  if (frame_bytes == 0) throw std::invalid_argument(where + ": width and height must be positive");
  // Modbus addresses are 16 bits: the identity registers and the back buffer must fit in them.
  constexpr std::size_t kMaxFrameBytes = 2 * (0x10000 - rm::kFramebuffer);
  if (options.width > 0xFFFF || options.height > 0xFFFF || frame_bytes > kMaxFrameBytes)
    throw std::invalid_argument(
        where + ": a " + std::to_string(options.width) + "x" + std::to_string(options.height) +
        " " + std::string(to_string(options.format)) + " panel does not fit in the register map");
  if (options.e131_port >= 0 &&
      options.e131_universe + e131::universes_for(frame_pixels) - 1 > e131::kMaxUniverse)
    throw std::invalid_argument(where + ": the panel's universes run past " +
                                std::to_string(e131::kMaxUniverse));
  // Address problems are runtime_errors, as the header promises for an address it cannot bind.
  for (const int port : {options.port, options.ddp_port, options.e131_port})
    if (port < -1 || port > 65535) throw std::runtime_error(where + ": ports must be 0-65535");
  in_addr probe{};
  if (inet_pton(AF_INET, options.host.c_str(), &probe) != 1)
    throw std::runtime_error(where + ": host must be an IPv4 address such as 127.0.0.1");

  if (text_profile) {
    const TextDisplayLayout& layout = *options.text_display;
    if (layout.line_registers.empty() || layout.chars < 1 || layout.chars > kMaxTextDisplayChars)
      throw std::invalid_argument(where + ": a text display needs lines and 1-" +
                                  std::to_string(kMaxTextDisplayChars) + " characters a line");
    if (options.ddp_port >= 0 || options.e131_port >= 0)
      throw std::invalid_argument(where + ": a text display takes no pixels (no DDP or E1.31)");
    int register_count = layout.brightness_register.value_or(0) + 1;
    for (const int line : layout.line_registers)
      register_count = std::max(register_count, line + layout.registers_per_line());
    if (register_count > 0x10000)
      throw std::invalid_argument(where + ": the text display's registers run past 65535");
    registers.reset(modbus_mapping_new(0, 0, register_count, 0));
    if (!registers)
      throw std::runtime_error(where + ": cannot set up libmodbus: " + last_system_error());
    light = SimulatorLight{0, true};
  }
  if (options.map_version < rm::kOldestMapVersion || options.map_version > rm::kMapVersion)
    throw std::invalid_argument(where + ": register map version must be " +
                                std::to_string(rm::kOldestMapVersion) + " to " +
                                std::to_string(rm::kMapVersion));
  if (options.strip_registers < 0)
    throw std::invalid_argument(where + ": strip memory cannot be negative");
  window_registers = rm::framebuffer_registers(frame_bytes);
  if (options.map_version >= 3)
    window_registers = static_cast<int>(std::min<long>(
        long{window_registers} + options.strip_registers, 0x10000 - rm::kFramebuffer));
  if (!text_profile) {
    registers.reset(modbus_mapping_new(0, 0, rm::kFramebuffer + window_registers, 0));
    if (!registers)
      throw std::runtime_error(where + ": cannot set up libmodbus: " + last_system_error());
  }
  shown = Frame::blank(options.width, options.height, options.format);
  shown_crc = frame_crc32(shown);
  rgb_back_buffer.assign(3 * frame_pixels, 0);
  universes_received.assign(static_cast<std::size_t>(e131::universes_for(frame_pixels)), false);
  reset_control_registers();
  refresh_read_only_registers();
  if (text_profile) take_text_lines();

  if (options.port >= 0) {
    // modbus_new_tcp binds only dotted IPv4 (and treats any host starting with '0' as "all").
    tcp_server.reset(modbus_new_tcp(options.host.c_str(), options.port));
    if (!tcp_server)
      throw std::runtime_error(where + ": cannot set up libmodbus: " + last_system_error());
    listener = UniqueFd(modbus_tcp_listen(tcp_server.get(), 16));
    if (listener.get() < 0) throw std::runtime_error(where + ": " + last_system_error());
    sockaddr_in bound{};
    socklen_t bound_size = sizeof bound;
    if (getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound), &bound_size) == -1)
      throw std::runtime_error(where + ": cannot read the bound port: " + last_system_error());
    tcp_port = ntohs(bound.sin_port);
  }
  if (!options.rtu_device.empty() || options.rtu_fd >= 0) open_rtu(where);
  if (options.ddp_port >= 0)
    ddp_socket = bind_udp(where, options.host, options.ddp_port, ddp_bound_port);
  if (options.e131_port >= 0)
    e131_socket = bind_udp(where, options.host, options.e131_port, e131_bound_port);

  int capture[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, capture) != 0)
    throw std::runtime_error(where + ": socketpair: " + last_system_error());
  capture_in = UniqueFd(capture[0]);
  capture_out = UniqueFd(capture[1]);
  wake_signal = UniqueFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (wake_signal.get() < 0) throw std::runtime_error(where + ": eventfd: " + last_system_error());

  serving_thread = std::thread([this] { serve(); });
}

void PanelSimulator::State::open_rtu(const std::string& where) {
  const std::string device = options.rtu_device.empty() ? "/dev/null" : options.rtu_device;
  rtu_server.reset(modbus_new_rtu(device.c_str(), options.rtu_baud, 'N', 8, 1));
  if (!rtu_server || modbus_set_slave(rtu_server.get(), options.unit) == -1)
    throw std::runtime_error(where + ": cannot set up libmodbus RTU: " + modbus_strerror(errno));
  ModbusPeer line;
  line.rtu = true;
  if (options.rtu_fd >= 0) {
    line.fd = UniqueFd(fcntl(options.rtu_fd, F_DUPFD_CLOEXEC, 0));
    if (line.fd.get() < 0)
      throw std::runtime_error(where + ": cannot use descriptor " + std::to_string(options.rtu_fd) +
                               ": " + last_system_error());
  } else {
    if (modbus_connect(rtu_server.get()) == -1)
      throw std::runtime_error(where + ": cannot open " + options.rtu_device + ": " +
                               modbus_strerror(errno));
    line.fd = UniqueFd(modbus_get_socket(rtu_server.get()));
  }
  peers.insert(peers.begin(), std::move(line));
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

void PanelSimulator::State::reset_control_registers() {
  std::uint16_t* const holding = registers->tab_registers;
  if (text_profile) {
    // Power-up: blank lines, brightness 0 (as the register reads until written).
    std::fill(holding, holding + registers->nb_registers, 0);
    const TextDisplayLayout& layout = *options.text_display;
    for (const int line : layout.line_registers)
      std::fill_n(holding + line, layout.registers_per_line(), 0x2020);
    return;
  }
  std::fill(holding + rm::kBrightness, holding + rm::kCommit + 1, 0);
  holding[rm::kBrightness] = 255;
  holding[rm::kPower] = 1;
  holding[rm::kMode] = rm::kModeFramebuffer;
}

void PanelSimulator::State::take_text_lines() {
  const TextDisplayLayout& layout = *options.text_display;
  std::vector<std::string> lines;
  for (const int line : layout.line_registers)
    lines.push_back(decode_text_line(
        std::span<const std::uint16_t>(registers->tab_registers + line,
                                       static_cast<std::size_t>(layout.registers_per_line())),
        layout));
  std::lock_guard lock(mutex);
  text_lines = std::move(lines);
}

bool PanelSimulator::State::writes_text_lines(modbus_t* context, const std::uint8_t* query,
                                              int length) const {
  const int header = modbus_get_header_length(context);
  if (length < header + 5) return false;
  const std::uint8_t* const pdu = query + header;
  const int address = big_endian_16(pdu + 1);
  int count = 0;
  if (pdu[0] == MODBUS_FC_WRITE_SINGLE_REGISTER) count = 1;
  if (pdu[0] == MODBUS_FC_WRITE_MULTIPLE_REGISTERS) count = big_endian_16(pdu + 3);
  // modbus_reply refuses writes outside the registers, and so writes nothing for them.
  if (count < 1 || address + count > registers->nb_registers) return false;
  const TextDisplayLayout& layout = *options.text_display;
  return std::any_of(layout.line_registers.begin(), layout.line_registers.end(), [&](int line) {
    return address < line + layout.registers_per_line() && line < address + count;
  });
}

void PanelSimulator::State::refresh_read_only_registers() {
  if (text_profile) return;  // such displays have no identity or status block
  std::uint16_t* const holding = registers->tab_registers;
  const bool strips = options.map_version >= 3 && options.strip_registers > 0;
  holding[rm::kMagic] = rm::kMagicValue;
  holding[rm::kVersion] = static_cast<std::uint16_t>(options.map_version);
  holding[rm::kWidth] = static_cast<std::uint16_t>(options.width);
  holding[rm::kHeight] = static_cast<std::uint16_t>(options.height);
  holding[rm::kPixelFormat] = static_cast<std::uint16_t>(options.format);
  holding[rm::kCapabilities] =
      static_cast<std::uint16_t>(rm::kCapabilityBrightness | rm::kCapabilityPower |
                                 (options.keeps_back_buffer ? rm::kCapabilityKeepsBackBuffer : 0) |
                                 (strips ? rm::kCapabilityStrip : 0));
  holding[rm::kWindowRegisters] =
      options.map_version >= 3 ? static_cast<std::uint16_t>(window_registers) : 0;
  holding[rm::kShownSequence] = shown_sequence;
  holding[rm::kShownCrcHigh] = static_cast<std::uint16_t>(shown_crc >> 16);
  holding[rm::kShownCrcLow] = static_cast<std::uint16_t>(shown_crc & 0xFFFF);
  holding[rm::kTemperature] = 350;  // 35.0 °C: a board in the shade
  holding[rm::kFaults] = fault_bits;
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::max(Clock::now() - boot_time, Clock::duration::zero()));
  const auto seconds = static_cast<std::uint32_t>(uptime.count());
  holding[rm::kUptimeHigh] = static_cast<std::uint16_t>(seconds >> 16);
  holding[rm::kUptimeLow] = static_cast<std::uint16_t>(seconds & 0xFFFF);
}

bool PanelSimulator::State::draw(double rate) {
  if (rate <= 0) return false;
  return std::uniform_real_distribution<double>(0.0, 1.0)(random) < rate;
}

void PanelSimulator::State::serve() {
  std::vector<pollfd> watched;
  enum class Source { wake, listener, peer, ddp, e131 };
  std::vector<std::pair<Source, std::size_t>> sources;  // what each watched descriptor is
  for (;;) {
    watched.clear();
    sources.clear();
    const auto watch = [&](int fd, Source source, std::size_t index = 0) {
      watched.push_back({fd, POLLIN, 0});
      sources.emplace_back(source, index);
    };
    watch(wake_signal.get(), Source::wake);
    if (listener.get() >= 0) watch(listener.get(), Source::listener);
    std::optional<Clock::time_point> wake_at;
    const auto wake_by = [&wake_at](Clock::time_point at) {
      wake_at = wake_at ? std::min(*wake_at, at) : at;
    };
    const Clock::time_point polled_at = Clock::now();
    for (std::size_t i = 0; i < peers.size(); ++i) {
      ModbusPeer& peer = peers[i];
      if (peer.resting_until && *peer.resting_until > polled_at) {
        wake_by(*peer.resting_until);
        continue;
      }
      peer.resting_until.reset();
      if (!peer.awaiting_reply) watch(peer.fd.get(), Source::peer, i);
    }
    if (ddp_socket.get() >= 0) watch(ddp_socket.get(), Source::ddp);
    if (e131_socket.get() >= 0) watch(e131_socket.get(), Source::e131);

    timespec wait{};
    timespec* wait_for = nullptr;
    if (!pending.empty())
      wake_by(std::min_element(pending.begin(), pending.end(), [](auto& a, auto& b) {
                return a.due < b.due;
              })->due);
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
      continue;  // a reboot may have dropped peers the poll list still names
    }
    send_due_replies(Clock::now());
    bool accept = false;
    std::vector<int> dropped;
    for (std::size_t i = 1; i < watched.size(); ++i) {
      if (watched[i].revents == 0) continue;
      switch (sources[i].first) {
        case Source::listener:
          accept = true;
          break;
        case Source::peer: {
          // Found by descriptor: a commit before this one may have dropped TCP clients.
          const int fd = watched[i].fd;
          const auto peer = std::find_if(peers.begin(), peers.end(),
                                         [fd](const ModbusPeer& p) { return p.fd.get() == fd; });
          if (peer != peers.end() && !serve_modbus_request(*peer)) dropped.push_back(fd);
          break;
        }
        case Source::ddp:
          receive_ddp();
          break;
        case Source::e131:
          receive_e131();
          break;
        case Source::wake:
          break;
      }
    }
    for (const int fd : dropped) {
      std::erase_if(pending, [fd](const PendingReply& reply) { return reply.fd == fd; });
      // The serial line stays (the master may open it again), but rests while it is hung up.
      for (ModbusPeer& peer : peers)
        if (peer.rtu && peer.fd.get() == fd) {
          peer.resting_until = Clock::now() + kHungUpLineRest;
          peer.awaiting_reply = false;
          std::lock_guard lock(mutex);
          ++counters.line_hangups;
        }
      std::erase_if(peers,
                    [fd](const ModbusPeer& peer) { return !peer.rtu && peer.fd.get() == fd; });
    }
    if (accept) accept_client();
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

void PanelSimulator::State::accept_client() {
  UniqueFd client(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (client.get() < 0) return;  // the peer gave up between poll and accept; nothing to serve
  if (down()) return;            // a panel that is rebooting answers nobody
  // Replies are small and a controller waits for each one; do not let Nagle hold them back.
  const int enable = 1;
  setsockopt(client.get(), IPPROTO_TCP, TCP_NODELAY, &enable, sizeof enable);
  ModbusPeer peer;
  peer.fd = std::move(client);
  peers.push_back(std::move(peer));
}

bool PanelSimulator::State::serve_modbus_request(ModbusPeer& peer) {
  modbus_t* const server = peer.rtu ? rtu_server.get() : tcp_server.get();
  std::uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
  modbus_set_socket(server, peer.fd.get());
  const int length = modbus_receive(server, query);
  // A TCP client that sent garbage or hung up is dropped; on a serial line a damaged request is
  // just noise, and the master will try again.
  if (length == -1) return peer.rtu && errno != EIO && errno != EBADF;
  if (length == 0) return true;  // a request for another unit
  if (down()) return true;       // rebooting: nobody is listening

  const SimulatorFaults faults_now = current_faults();
  {
    std::lock_guard lock(mutex);
    ++counters.requests;
  }
  if (draw(faults_now.drop_rate)) {
    std::lock_guard lock(mutex);
    ++counters.dropped;
    return true;
  }
  // Show before replying: once a controller sees its commit acknowledged, the frame is on show.
  std::optional<Commit> commit = text_profile ? std::nullopt : commit_in(server, query, length);
  bool refused = false;
  if (commit) {
    std::optional<Frame> frame = committed_frame();
    if (frame) {
      show(std::move(*frame), commit->sequence);
      if (registers->tab_registers[rm::kMode] == rm::kModeStrip) {
        std::lock_guard lock(mutex);
        ++counters.strip_commits;
      }
    } else {
      // The whole write is refused, as firmware would: nothing it carried stays.
      std::copy(commit->written_over.begin(), commit->written_over.end(),
                registers->tab_registers + commit->first_written);
      refused = true;
      commit.reset();
      std::lock_guard lock(mutex);
      ++counters.rejected_commits;
    }
  }
  refresh_read_only_registers();
  modbus_set_socket(server, capture_in.get());
  const int replied =
      refused ? modbus_reply_exception(server, query, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE)
              : modbus_reply(server, query, length, registers.get());
  modbus_set_socket(server, peer.fd.get());
  // After the reply, so that a write covering them cannot change what the panel reports.
  refresh_read_only_registers();
  bool committed = commit.has_value();
  if (text_profile && replied != -1 && writes_text_lines(server, query, length)) {
    take_text_lines();
    {
      std::lock_guard lock(mutex);
      ++commit_count;
    }
    changed.notify_all();
    committed = true;
  }
  {
    std::lock_guard lock(mutex);
    if (!text_profile) {
      light.brightness = std::min<int>(registers->tab_registers[rm::kBrightness], 255);
      light.on = registers->tab_registers[rm::kPower] != 0;
    } else if (const auto brightness = options.text_display->brightness_register) {
      light.brightness = registers->tab_registers[*brightness];
    }
  }
  if (replied == -1) return peer.rtu;
  std::vector<std::uint8_t> reply(MODBUS_TCP_MAX_ADU_LENGTH);
  const ssize_t got = recv(capture_out.get(), reply.data(), reply.size(), MSG_DONTWAIT);
  reply.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  if (reply.empty()) return true;  // a broadcast: no reply

  if (draw(faults_now.corrupt_rate)) {
    // RTU: a damaged CRC. TCP: a transaction id that matches no request.
    reply[peer.rtu ? reply.size() - 1 : 0] ^= 0xFF;
    std::lock_guard lock(mutex);
    ++counters.corrupted;
  }
  Clock::duration delay = faults_now.added_latency;
  if (options.line_rate > 0) {
    // The exchange as it would be on an RTU line: the PDU plus a unit byte and a CRC each way.
    const int header = modbus_get_header_length(server);
    const std::size_t trailer = peer.rtu ? 2 : 0;
    const std::size_t request_pdu = static_cast<std::size_t>(length - header) - trailer;
    const std::size_t reply_pdu = reply.size() - static_cast<std::size_t>(header) - trailer;
    const WireCost exchange{request_pdu + reply_pdu + 6, 1, false};
    delay += std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(rm::rtu_wire_seconds(exchange, options.line_rate)));
  }
  if (delay <= Clock::duration::zero()) {
    send_reply(peer.fd.get(), reply);
  } else {
    pending.push_back({peer.fd.get(), std::move(reply), Clock::now() + delay});
    peer.awaiting_reply = true;
  }
  if (committed) after_commit();
  return true;
}

// Any accepted register write covering kCommit is a commit, even one that repeats the previous
// sequence number: a panel must not drop a frame because the controller restarted its count.
std::optional<PanelSimulator::State::Commit> PanelSimulator::State::commit_in(
    modbus_t* context, const std::uint8_t* query, int length) {
  const int header = modbus_get_header_length(context);
  if (length < header + 5) return std::nullopt;
  const std::uint8_t* const pdu = query + header;
  const int function = pdu[0];
  const int address = big_endian_16(pdu + 1);

  if (function == MODBUS_FC_WRITE_SINGLE_REGISTER) {
    if (address != rm::kCommit) return std::nullopt;
    return Commit{big_endian_16(pdu + 3), rm::kCommit, {registers->tab_registers[rm::kCommit]}};
  }
  if (function == MODBUS_FC_WRITE_MULTIPLE_REGISTERS) {
    const int count = big_endian_16(pdu + 3);
    if (length < header + 6) return std::nullopt;
    const int byte_count = pdu[5];
    // The checks modbus_reply makes before it writes; a request failing them gets an exception
    // reply and changes nothing, so it commits nothing either.
    const bool accepted = count >= 1 && count <= MODBUS_MAX_WRITE_REGISTERS &&
                          byte_count == 2 * count && length >= header + 6 + byte_count &&
                          address + count <= registers->nb_registers;
    if (!accepted || rm::kCommit < address || rm::kCommit >= address + count) return std::nullopt;
    // The frame shown is the back buffer (or the strip) after this very write.
    Commit commit{big_endian_16(pdu + 6 + 2 * (rm::kCommit - address)), address,
                  std::vector<std::uint16_t>(registers->tab_registers + address,
                                             registers->tab_registers + address + count)};
    for (int i = 0; i < count; ++i)
      registers->tab_registers[address + i] = big_endian_16(pdu + 6 + 2 * i);
    return commit;
  }
  return std::nullopt;
}

std::optional<Frame> PanelSimulator::State::committed_frame() const {
  const std::uint16_t* const holding = registers->tab_registers;
  const auto unpack = [&](int first, Frame& frame) {
    const std::uint16_t* const words = holding + rm::kFramebuffer + first;
    for (std::size_t i = 0; i < frame.bytes.size(); ++i) {
      const std::uint16_t word = words[i / 2];
      frame.bytes[i] = static_cast<std::uint8_t>(i % 2 == 0 ? word >> 8 : word & 0xFF);
    }
  };
  Frame frame = Frame::blank(options.width, options.height, options.format);
  const bool strips = options.map_version >= 3 && options.strip_registers > 0;
  if (!strips || holding[rm::kMode] == rm::kModeFramebuffer) {
    unpack(0, frame);
    return frame;
  }
  if (holding[rm::kMode] != rm::kModeStrip) return std::nullopt;
  const int width = holding[rm::kStripWidth];
  const int base = holding[rm::kStripBase];
  if (width < 1) return std::nullopt;
  Frame strip = Frame::blank(width, options.height, options.format);
  if (long{base} + rm::framebuffer_registers(strip.bytes.size()) > window_registers)
    return std::nullopt;
  unpack(base, strip);
  cut_strip_window(strip, static_cast<std::int16_t>(holding[rm::kViewportX]), frame);
  return frame;
}

void PanelSimulator::State::send_reply(int fd, std::span<const std::uint8_t> bytes) {
  // A peer that cannot take a few hundred bytes has gone; the next read tells.
  [[maybe_unused]] const auto sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  if (sent < 0 && errno == ENOTSOCK) {
    [[maybe_unused]] const auto written = ::write(fd, bytes.data(), bytes.size());
  }
}

void PanelSimulator::State::send_due_replies(Clock::time_point now) {
  for (auto reply = pending.begin(); reply != pending.end();) {
    if (reply->due > now) {
      ++reply;
      continue;
    }
    send_reply(reply->fd, reply->bytes);
    for (ModbusPeer& peer : peers)
      if (peer.fd.get() == reply->fd) peer.awaiting_reply = false;
    reply = pending.erase(reply);
  }
}

void PanelSimulator::State::drop_tcp_clients() {
  std::erase_if(peers, [this](const ModbusPeer& peer) {
    if (peer.rtu) return false;
    const int fd = peer.fd.get();
    std::erase_if(pending, [fd](const PendingReply& reply) { return reply.fd == fd; });
    return true;
  });
}

void PanelSimulator::State::show(Frame frame, std::uint16_t sequence) {
  shown_sequence = sequence;
  shown_crc = frame_crc32(frame);
  fault_bits = static_cast<std::uint16_t>(fault_bits & ~rm::kFaultFramebufferLost);
  {
    std::lock_guard lock(mutex);
    shown = std::move(frame);
    ++commit_count;
  }
  changed.notify_all();
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
  pending.clear();
  for (ModbusPeer& peer : peers) peer.awaiting_reply = false;
  if (!text_profile)
    std::fill(registers->tab_registers + rm::kFramebuffer,
              registers->tab_registers + registers->nb_registers, 0);
  reset_control_registers();
  if (text_profile) take_text_lines();
  std::fill(rgb_back_buffer.begin(), rgb_back_buffer.end(), 0);
  std::fill(universes_received.begin(), universes_received.end(), false);
  const auto now = Clock::now();
  down_until = now + downtime;
  boot_time = down_until;
  shown_sequence = 0;
  fault_bits = rm::kFaultFramebufferLost;
  Frame blank = Frame::blank(options.width, options.height, options.format);
  shown_crc = frame_crc32(blank);
  refresh_read_only_registers();
  {
    std::lock_guard lock(mutex);
    shown = std::move(blank);
    light = text_profile ? SimulatorLight{0, true} : SimulatorLight{};
    ++counters.reboots;
    rebooted = true;
  }
  changed.notify_all();
}

void PanelSimulator::State::receive_ddp() {
  std::uint8_t datagram[2048];
  for (;;) {
    const ssize_t size = recv(ddp_socket.get(), datagram, sizeof datagram, MSG_DONTWAIT);
    if (size < 0) return;
    {
      std::lock_guard lock(mutex);
      ++counters.datagrams;
    }
    if (down() || draw(current_faults().drop_rate)) continue;
    const auto packet = ddp::decode(std::span(datagram, static_cast<std::size_t>(size)));
    // Pixel data for the display; queries and other ids are not for a panel like this one.
    if (!packet || (packet->flags & ddp::kFlagQuery) != 0 ||
        (packet->id != ddp::kIdDisplay && packet->id != 0))
      continue;
    if (packet->offset < rgb_back_buffer.size()) {
      const std::size_t count =
          std::min<std::size_t>(packet->data.size(), rgb_back_buffer.size() - packet->offset);
      std::copy_n(packet->data.data(), count, rgb_back_buffer.begin() + packet->offset);
    }
    if (packet->push()) {
      Frame frame = Frame::blank(options.width, options.height, options.format);
      frame_from_rgb(rgb_back_buffer, frame);
      show(std::move(frame), packet->sequence);
      after_commit();
    }
  }
}

void PanelSimulator::State::receive_e131() {
  std::uint8_t datagram[1024];
  const auto universes = static_cast<int>(universes_received.size());
  const auto commit = [&](std::uint8_t sequence) {
    Frame frame = Frame::blank(options.width, options.height, options.format);
    frame_from_rgb(rgb_back_buffer, frame);
    std::fill(universes_received.begin(), universes_received.end(), false);
    show(std::move(frame), sequence);
    after_commit();
  };
  for (;;) {
    const ssize_t size = recv(e131_socket.get(), datagram, sizeof datagram, MSG_DONTWAIT);
    if (size < 0) return;
    {
      std::lock_guard lock(mutex);
      ++counters.datagrams;
    }
    if (down() || draw(current_faults().drop_rate)) continue;
    const std::span bytes(datagram, static_cast<std::size_t>(size));
    if (const auto sync = e131::decode_sync(bytes)) {
      // Only a sync that our data named, and only once all our universes have come.
      if (awaited_sync_universe != 0 && sync->sync_universe == awaited_sync_universe &&
          std::all_of(universes_received.begin(), universes_received.end(),
                      [](bool b) { return b; }))
        commit(sync->sequence);
      continue;
    }
    const auto packet = e131::decode_data(bytes);
    if (!packet || (packet->options & 0x80) != 0) continue;  // preview data is not for show
    const int index = packet->universe - options.e131_universe;
    if (index < 0 || index >= universes) continue;
    if ((packet->options & e131::kOptionStreamTerminated) != 0) {
      // The source has gone: go dark at once rather than keep its last frame, once for the three
      // packets of each universe.
      if (!e131_stream_ended) {
        e131_stream_ended = true;
        std::fill(rgb_back_buffer.begin(), rgb_back_buffer.end(), 0);
        commit(packet->sequence);
      }
      continue;
    }
    e131_stream_ended = false;
    const std::size_t first = static_cast<std::size_t>(index) * e131::kChannelsPerUniverse;
    const std::size_t count =
        std::min({packet->channels.size(), static_cast<std::size_t>(e131::kChannelsPerUniverse),
                  rgb_back_buffer.size() - first});
    std::copy_n(packet->channels.data(), count,
                rgb_back_buffer.begin() + static_cast<std::ptrdiff_t>(first));
    universes_received[static_cast<std::size_t>(index)] = true;
    awaited_sync_universe = packet->sync_universe;
    // Without synchronization a receiver shows the frame when its last universe comes.
    if (packet->sync_universe == 0 && index == universes - 1) commit(packet->sequence);
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
