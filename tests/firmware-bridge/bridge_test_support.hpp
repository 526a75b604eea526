// Helpers shared by the firmware-bridge tests: frames with a pattern, a raw libmodbus client, a
// port that refuses connections, a bare Modbus server for panels that are not bangtin panels, a
// pty pair standing in for a serial line, and a log tests can wait on. Everything runs on
// 127.0.0.1 with ports the kernel picks, so test processes can run in parallel.
#pragma once

#include "log_recorder.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "bangtin/frame.hpp"
#include "bangtin/panel_driver.hpp"
#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/register_map.hpp"
#include "bangtin/renderer.hpp"

namespace bangtin::test_support {

// Waits until the panel shows exactly `frame`; false when `timeout` passes first.
inline bool panel_shows(const PanelSimulator& panel, const Frame& frame,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::uint64_t commits = panel.commits();
    if (panel.shown_frame() == frame) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds(0) || !panel.wait_for_commit(commits, left))
      return panel.shown_frame() == frame;
  }
}

// Feeds the driver the scroll's frames 40 ms apart from `from` to `until` (with their strip views,
// as the daemon does), a couple of milliseconds apart in real time, until `stop` when given;
// returns the time of the last frame fed.
inline std::chrono::nanoseconds play(PanelDriver& driver, const PreparedItem& item,
                                     std::chrono::nanoseconds from, std::chrono::nanoseconds until,
                                     const std::atomic<bool>* stop = nullptr) {
  using namespace std::chrono_literals;
  auto t = from;
  for (; t < until && !(stop && *stop); t += 40ms) {
    driver.submit(item.frame_at(t), FrameSource{.strip = item.scroll_strip(t)});
    std::this_thread::sleep_for(2ms);
  }
  return t - 40ms;
}

inline std::string link_uri(int port, int unit = 1) {
  return "modbus-tcp://127.0.0.1:" + std::to_string(port) + "?unit=" + std::to_string(unit);
}

// What the panel simulator reports about itself with its default options.
inline PanelIdentity simulated_identity(int width, int height, PixelFormat format) {
  namespace rm = register_map;
  const int frame_registers =
      rm::framebuffer_registers(row_bytes(format, width) * static_cast<std::size_t>(height));
  return PanelIdentity{width,
                       height,
                       format,
                       rm::kMapVersion,
                       rm::kCapabilityBrightness | rm::kCapabilityPower |
                           rm::kCapabilityKeepsBackBuffer | rm::kCapabilityStrip |
                           rm::kCapabilityRing,
                       std::min(frame_registers + 32768, 0x10000 - rm::kFramebuffer)};
}

// Different for every `seed`, with no run of equal bytes, so a lost, repeated or swapped register
// shows up as a mismatch.
inline Frame patterned_frame(int width, int height, PixelFormat format, unsigned seed) {
  Frame frame = Frame::blank(width, height, format);
  std::uint32_t state = 2166136261u ^ seed;
  for (std::uint8_t& byte : frame.bytes) {
    state = state * 1664525u + 1013904223u;
    byte = static_cast<std::uint8_t>(state >> 24);
  }
  return frame;
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {
    if (fd_ < 0) throw std::runtime_error("test setup: no file descriptor");
  }
  ~FileDescriptor() { ::close(fd_); }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

inline int bound_port(int socket_fd) {
  sockaddr_in address{};
  socklen_t size = sizeof address;
  getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.sin_port);
}

// A port bound on 127.0.0.1 but not listening: connecting to it is refused for as long as this
// object lives, and no other process can take the port meanwhile.
class RefusingPort {
 public:
  RefusingPort() : socket_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(socket_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("test setup: cannot bind 127.0.0.1:0");
  }
  int port() const { return bound_port(socket_.get()); }

 private:
  FileDescriptor socket_;
};

struct ModbusCloser {
  void operator()(modbus_t* context) const {
    modbus_close(context);
    modbus_free(context);
  }
};
using ModbusContext = std::unique_ptr<modbus_t, ModbusCloser>;

// A plain libmodbus client, for talking to a panel around the link under test.
inline ModbusContext raw_client(int port) {
  ModbusContext client(modbus_new_tcp("127.0.0.1", port));
  if (!client || modbus_connect(client.get()) == -1)
    throw std::runtime_error(std::string("test setup: raw connect failed: ") +
                             modbus_strerror(errno));
  return client;
}

// A Modbus TCP server holding just the given holding registers from address 0: enough to be
// mistaken for a panel. Serves one client at a time until destroyed.
class BareModbusServer {
 public:
  explicit BareModbusServer(std::initializer_list<std::uint16_t> holding_registers)
      : context_(modbus_new_tcp("127.0.0.1", 0)),
        mapping_(modbus_mapping_new(0, 0, static_cast<int>(holding_registers.size()), 0)),
        listener_(modbus_tcp_listen(context_.get(), 4)),
        stop_(eventfd(0, EFD_CLOEXEC)) {
    int address = 0;
    for (std::uint16_t value : holding_registers) mapping_->tab_registers[address++] = value;
    thread_ = std::thread([this] { serve(); });
  }
  ~BareModbusServer() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(stop_.get(), &one, sizeof one);
    thread_.join();
  }
  BareModbusServer(const BareModbusServer&) = delete;
  BareModbusServer& operator=(const BareModbusServer&) = delete;

  int port() const { return bound_port(listener_.get()); }

 private:
  struct MappingFreer {
    void operator()(modbus_mapping_t* mapping) const { modbus_mapping_free(mapping); }
  };
  struct ContextFreer {
    void operator()(modbus_t* context) const { modbus_free(context); }
  };

  void serve() {
    std::unique_ptr<FileDescriptor> client;
    for (;;) {
      pollfd watched[2] = {{stop_.get(), POLLIN, 0},
                           {client ? client->get() : listener_.get(), POLLIN, 0}};
      if (poll(watched, 2, -1) == -1 || watched[0].revents != 0) return;
      if (watched[1].revents == 0) continue;
      if (!client) {
        client = std::make_unique<FileDescriptor>(accept(listener_.get(), nullptr, nullptr));
        continue;
      }
      std::uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
      modbus_set_socket(context_.get(), client->get());
      const int length = modbus_receive(context_.get(), query);
      if (length == -1 ||
          (length > 0 && modbus_reply(context_.get(), query, length, mapping_.get()) == -1))
        client.reset();
    }
  }

  std::unique_ptr<modbus_t, ContextFreer> context_;
  std::unique_ptr<modbus_mapping_t, MappingFreer> mapping_;
  FileDescriptor listener_;
  FileDescriptor stop_;
  std::thread thread_;
};

// A pty pair standing in for a serial line: the simulator serves the master side, a link opens the
// slave by its path. The slave stays open here too, so that the line survives the link closing
// and reopening it (as a serial port does).
class PtyPair {
 public:
  PtyPair() {
    char name[128] = {};
    if (openpty(&master_, &slave_, name, nullptr, nullptr) != 0)
      throw std::runtime_error("test setup: openpty failed");
    // Raw from the start: a cooked pty would echo the panel's replies back to it.
    termios raw{};
    tcgetattr(slave_, &raw);
    cfmakeraw(&raw);
    tcsetattr(slave_, TCSANOW, &raw);
    path_ = name;
  }
  ~PtyPair() {
    ::close(master_);
    if (slave_ >= 0) ::close(slave_);
  }
  PtyPair(const PtyPair&) = delete;
  PtyPair& operator=(const PtyPair&) = delete;

  int master() const { return master_; }
  const std::string& slave_path() const { return path_; }
  // Lets the line hang up once no link holds the slave open either (the master then polls as
  // hung up until the slave is opened again).
  void close_slave() {
    if (slave_ >= 0) ::close(slave_);
    slave_ = -1;
  }
  std::string link_uri(int baud = 115200, int unit = 1) const {
    return "modbus-rtu://" + path_ + "?baud=" + std::to_string(baud) +
           "&unit=" + std::to_string(unit);
  }

 private:
  int master_ = -1;
  int slave_ = -1;
  std::string path_;
};

using bangtin::testing::LogRecorder;

}  // namespace bangtin::test_support
