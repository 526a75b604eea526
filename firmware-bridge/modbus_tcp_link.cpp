#include "modbus_tcp_link.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <utility>
#include <vector>

#include "bangtin/register_map.hpp"

namespace bangtin {

namespace rm = register_map;

namespace {

std::string libmodbus_error() { return modbus_strerror(errno); }

std::string hex16(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04X", value & 0xFFFFu);
  return text;
}

// libmodbus reports a host name it cannot resolve as "Connection refused"; an operator chasing
// that would look at the wrong thing, so ask the resolver ourselves to tell the two apart.
std::string unresolvable_reason(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;  // as libmodbus asks, so we fail exactly when it did
  addrinfo* found = nullptr;
  const int status = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (status == 0) {
    freeaddrinfo(found);
    return {};
  }
  return gai_strerror(status);
}

// Frame bytes as Modbus registers: two bytes a register, big-endian, an odd last byte in the high
// half (register_map.hpp).
std::vector<std::uint16_t> pack_registers(const std::vector<std::uint8_t>& bytes) {
  std::vector<std::uint16_t> registers(
      static_cast<std::size_t>(rm::framebuffer_registers(bytes.size())));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const unsigned shift = i % 2 == 0 ? 8 : 0;
    registers[i / 2] = static_cast<std::uint16_t>(registers[i / 2] | (bytes[i] << shift));
  }
  return registers;
}

}  // namespace

void ModbusTcpLink::ContextCloser::operator()(modbus_t* context) const noexcept {
  modbus_close(context);
  modbus_free(context);
}

ModbusTcpLink::ModbusTcpLink(std::string host, int port, int unit)
    : host_(std::move(host)), port_(port), unit_(unit) {}

std::string ModbusTcpLink::describe() const {
  const bool ipv6_literal = host_.find(':') != std::string::npos;
  const std::string host = ipv6_literal ? "[" + host_ + "]" : host_;
  return "modbus-tcp://" + host + ":" + std::to_string(port_) + " unit " + std::to_string(unit_);
}

bool ModbusTcpLink::is_open() const { return context_ != nullptr; }

void ModbusTcpLink::close() noexcept { context_.reset(); }

void ModbusTcpLink::fail(std::string_view what) {
  close();
  throw LinkError(describe() + ": " + std::string(what));
}

PanelIdentity ModbusTcpLink::connect() {
  close();
  // The _pi ("protocol independent") variant resolves names and speaks IPv6; modbus_new_tcp
  // would take only a dotted IPv4 address.
  context_.reset(modbus_new_tcp_pi(host_.c_str(), std::to_string(port_).c_str()));
  if (!context_) fail("cannot set up libmodbus: " + libmodbus_error());
  modbus_t* const context = context_.get();
  if (modbus_set_slave(context, unit_) == -1) fail("unit rejected: " + libmodbus_error());
  // Also bounds the TCP connect, so a panel that is switched off costs a second, not minutes.
  if (modbus_set_response_timeout(context, 1, 0) == -1)
    fail("cannot set timeout: " + libmodbus_error());

  if (modbus_connect(context) == -1) {
    const int connect_errno = errno;
    if (connect_errno == ECONNREFUSED) {
      const std::string reason = unresolvable_reason(host_);
      if (!reason.empty()) fail("cannot resolve host \"" + host_ + "\": " + reason);
    }
    fail(std::string("connect failed: ") + modbus_strerror(connect_errno));
  }

  std::uint16_t identity[rm::kIdentityCount] = {};
  if (modbus_read_registers(context, rm::kMagic, rm::kIdentityCount, identity) == -1)
    fail("reading the identity block failed: " + libmodbus_error());
  if (identity[rm::kMagic] != rm::kMagicValue)
    fail("not a bangtin panel (magic " + hex16(identity[rm::kMagic]) + ", expected " +
         hex16(rm::kMagicValue) + ")");
  if (identity[rm::kVersion] != rm::kMapVersion)
    fail("panel speaks register map version " + std::to_string(identity[rm::kVersion]) +
         ", this controller speaks version " + std::to_string(rm::kMapVersion));
  const std::uint16_t format = identity[rm::kPixelFormat];
  if (format > static_cast<std::uint16_t>(PixelFormat::rgb888))
    fail("panel reports unknown pixel format " + std::to_string(format));

  return PanelIdentity{identity[rm::kWidth], identity[rm::kHeight],
                       static_cast<PixelFormat>(format), identity[rm::kVersion]};
}

void ModbusTcpLink::show(const Frame& frame) {
  if (!context_) throw LinkError(describe() + ": show on a closed link (connect first)");
  const std::vector<std::uint16_t> registers = pack_registers(frame.bytes);
  const int register_count = static_cast<int>(registers.size());
  if (rm::kFramebuffer + register_count > 0x10000)
    fail("frame of " + std::to_string(frame.bytes.size()) +
         " bytes does not fit in the register map");

  modbus_t* const context = context_.get();
  for (int first = 0; first < register_count; first += rm::kMaxRegistersPerWrite) {
    const int count = std::min(rm::kMaxRegistersPerWrite, register_count - first);
    if (modbus_write_registers(context, rm::kFramebuffer + first, count,
                               registers.data() + first) == -1)
      fail("writing the framebuffer failed: " + libmodbus_error());
  }
  ++sequence_;
  if (modbus_write_register(context, rm::kCommit, sequence_) == -1)
    fail("commit failed: " + libmodbus_error());
}

}  // namespace bangtin
