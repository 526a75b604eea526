#include "bangtin/panel_simulator.hpp"

#include <arpa/inet.h>
#include <modbus.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "bangtin/register_map.hpp"

namespace bangtin {

namespace rm = register_map;

namespace {

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

// Only modbus_free: the server context borrows client sockets for each request, and UniqueFd owns
// them, so modbus_close here would close a socket twice.
struct ServerContextFreer {
  void operator()(modbus_t* context) const noexcept { modbus_free(context); }
};

struct MappingFreer {
  void operator()(modbus_mapping_t* mapping) const noexcept { modbus_mapping_free(mapping); }
};

std::uint16_t big_endian_16(const std::uint8_t* bytes) {
  return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

std::string last_system_error() { return std::system_category().message(errno); }

}  // namespace

struct PanelSimulator::State {
  explicit State(SimulatorOptions simulator_options);
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  void serve();
  void accept_client();
  // False when the client has gone or sent garbage, and should be dropped.
  bool serve_request(int client);
  std::optional<std::uint16_t> commit_sequence_in(const std::uint8_t* query, int length) const;
  void show_back_buffer();

  const SimulatorOptions options;
  const std::size_t frame_bytes;
  std::unique_ptr<modbus_t, ServerContextFreer> server;
  // Touched only by the serving thread once it runs.
  std::unique_ptr<modbus_mapping_t, MappingFreer> registers;
  UniqueFd listener;
  UniqueFd stop_signal;  // an eventfd: wakes poll() at once, so the destructor never waits
  std::vector<UniqueFd> clients;
  int bound_port = 0;

  mutable std::mutex mutex;
  mutable std::condition_variable committed;
  Frame shown;                     // guarded by mutex
  std::uint64_t commit_count = 0;  // guarded by mutex
  std::thread serving_thread;      // last: starts once everything above exists
};

PanelSimulator::State::State(SimulatorOptions simulator_options)
    : options(std::move(simulator_options)),
      frame_bytes(options.width > 0 && options.height > 0
                      ? row_bytes(options.format, options.width) *
                            static_cast<std::size_t>(options.height)
                      : 0) {
  const std::string where =
      "panel simulator on " + options.host + ":" + std::to_string(options.port);
  if (frame_bytes == 0) throw std::invalid_argument(where + ": width and height must be positive");
  // Modbus addresses are 16 bits: the identity registers and the back buffer must fit in them.
  constexpr std::size_t kMaxFrameBytes = 2 * (0x10000 - rm::kFramebuffer);
  if (options.width > 0xFFFF || options.height > 0xFFFF || frame_bytes > kMaxFrameBytes)
    throw std::invalid_argument(
        where + ": a " + std::to_string(options.width) + "x" + std::to_string(options.height) +
        " " + std::string(to_string(options.format)) + " panel does not fit in the register map");
  const int register_count = rm::kFramebuffer + rm::framebuffer_registers(frame_bytes);
  // Address problems are runtime_errors, as the header promises for an address it cannot bind.
  if (options.port < 0 || options.port > 65535)
    throw std::runtime_error(where + ": port must be 0-65535");
  // modbus_new_tcp binds only dotted IPv4 (and treats any host starting with '0' as "all").
  in_addr probe{};
  if (inet_pton(AF_INET, options.host.c_str(), &probe) != 1)
    throw std::runtime_error(where + ": host must be an IPv4 address such as 127.0.0.1");

  server.reset(modbus_new_tcp(options.host.c_str(), options.port));
  registers.reset(modbus_mapping_new(0, 0, register_count, 0));
  if (!server || !registers)
    throw std::runtime_error(where + ": cannot set up libmodbus: " + last_system_error());
  shown = Frame::blank(options.width, options.height, options.format);
  std::uint16_t* const holding = registers->tab_registers;
  holding[rm::kMagic] = rm::kMagicValue;
  holding[rm::kVersion] = rm::kMapVersion;
  holding[rm::kWidth] = static_cast<std::uint16_t>(options.width);
  holding[rm::kHeight] = static_cast<std::uint16_t>(options.height);
  holding[rm::kPixelFormat] = static_cast<std::uint16_t>(options.format);

  listener = UniqueFd(modbus_tcp_listen(server.get(), 16));
  if (listener.get() < 0) throw std::runtime_error(where + ": " + last_system_error());
  sockaddr_in bound{};
  socklen_t bound_size = sizeof bound;
  if (getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound), &bound_size) == -1)
    throw std::runtime_error(where + ": cannot read the bound port: " + last_system_error());
  bound_port = ntohs(bound.sin_port);

  stop_signal = UniqueFd(eventfd(0, EFD_CLOEXEC));
  if (stop_signal.get() < 0) throw std::runtime_error(where + ": eventfd: " + last_system_error());

  serving_thread = std::thread([this] { serve(); });
}

PanelSimulator::State::~State() {
  if (!serving_thread.joinable()) return;
  const std::uint64_t one = 1;
  // An eventfd write of 8 bytes cannot fail short of a counter overflow, which one write cannot do.
  [[maybe_unused]] const auto written = ::write(stop_signal.get(), &one, sizeof one);
  serving_thread.join();
}

void PanelSimulator::State::serve() {
  std::vector<pollfd> watched;
  for (;;) {
    watched.clear();
    watched.push_back({stop_signal.get(), POLLIN, 0});
    watched.push_back({listener.get(), POLLIN, 0});
    for (const UniqueFd& client : clients) watched.push_back({client.get(), POLLIN, 0});

    if (poll(watched.data(), watched.size(), -1) == -1) {
      if (errno == EINTR) continue;
      return;
    }
    if (watched[0].revents != 0) return;
    // Backwards, so dropping a client does not shift the ones still to visit.
    for (std::size_t i = watched.size(); i-- > 2;) {
      if (watched[i].revents != 0 && !serve_request(watched[i].fd))
        clients.erase(clients.begin() + static_cast<std::ptrdiff_t>(i - 2));
    }
    if (watched[1].revents & POLLIN) accept_client();
  }
}

void PanelSimulator::State::accept_client() {
  UniqueFd client(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (client.get() < 0) return;  // the peer gave up between poll and accept; nothing to serve
  // Replies are small and a controller waits for each one; do not let Nagle hold them back.
  const int enable = 1;
  setsockopt(client.get(), IPPROTO_TCP, TCP_NODELAY, &enable, sizeof enable);
  clients.push_back(std::move(client));
}

bool PanelSimulator::State::serve_request(int client) {
  std::uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
  modbus_set_socket(server.get(), client);
  const int length = modbus_receive(server.get(), query);
  if (length == -1) return false;
  if (length == 0) return true;  // libmodbus read a request that is not for this server

  // Show before replying: once a controller sees its commit acknowledged, the frame is on show.
  const std::optional<std::uint16_t> sequence = commit_sequence_in(query, length);
  if (sequence) show_back_buffer();
  if (modbus_reply(server.get(), query, length, registers.get()) == -1) return false;
  // After the reply, so a write that also covered this register cannot overwrite it.
  if (sequence) registers->tab_registers[rm::kShownSequence] = *sequence;
  return true;
}

// Any accepted register write covering kCommit is a commit, even one that repeats the previous
// sequence number: a panel must not drop a frame because the controller restarted its count.
std::optional<std::uint16_t> PanelSimulator::State::commit_sequence_in(const std::uint8_t* query,
                                                                       int length) const {
  const int header = modbus_get_header_length(server.get());
  if (length < header + 5) return std::nullopt;
  const std::uint8_t* const pdu = query + header;
  const int function = pdu[0];
  const int address = big_endian_16(pdu + 1);

  if (function == MODBUS_FC_WRITE_SINGLE_REGISTER) {
    if (address != rm::kCommit) return std::nullopt;
    return big_endian_16(pdu + 3);
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
    return big_endian_16(pdu + 6 + 2 * (rm::kCommit - address));
  }
  return std::nullopt;
}

void PanelSimulator::State::show_back_buffer() {
  Frame frame = Frame::blank(options.width, options.height, options.format);
  const std::uint16_t* const back_buffer = registers->tab_registers + rm::kFramebuffer;
  for (std::size_t i = 0; i < frame.bytes.size(); ++i) {
    const std::uint16_t word = back_buffer[i / 2];
    frame.bytes[i] = static_cast<std::uint8_t>(i % 2 == 0 ? word >> 8 : word & 0xFF);
  }
  {
    std::lock_guard lock(mutex);
    shown = std::move(frame);
    ++commit_count;
  }
  committed.notify_all();
}

PanelSimulator::PanelSimulator(SimulatorOptions options)
    : state_(std::make_unique<State>(std::move(options))) {}

PanelSimulator::~PanelSimulator() = default;

int PanelSimulator::port() const { return state_->bound_port; }

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
  if (!state_->committed.wait_for(lock, timeout, [&] { return state_->commit_count > after; }))
    return std::nullopt;
  return state_->shown;
}

}  // namespace bangtin
