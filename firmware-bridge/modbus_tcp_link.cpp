#include "modbus_tcp_link.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <cerrno>
#include <utility>

namespace bangtin {

namespace {

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

}  // namespace

std::string describe_endpoint(const TcpEndpoint& endpoint) {
  const bool ipv6_literal = endpoint.host.find(':') != std::string::npos;
  const std::string host = ipv6_literal ? "[" + endpoint.host + "]" : endpoint.host;
  return host + ":" + std::to_string(endpoint.port) + " unit " + std::to_string(endpoint.unit);
}

ModbusContext open_tcp_context(const TcpEndpoint& endpoint, const std::string& who) {
  const auto fail = [&](const std::string& what) { throw LinkError(who + ": " + what); };
  // The _pi ("protocol independent") variant resolves names and speaks IPv6; modbus_new_tcp
  // would take only a dotted IPv4 address.
  ModbusContext context(
      modbus_new_tcp_pi(endpoint.host.c_str(), std::to_string(endpoint.port).c_str()));
  if (!context) fail("cannot set up libmodbus: " + libmodbus_error());
  if (modbus_set_slave(context.get(), endpoint.unit) == -1)
    fail("unit rejected: " + libmodbus_error());
  // Also bounds the TCP connect, so a panel that is switched off costs a second, not minutes.
  if (!set_response_timeout(context.get(), endpoint.timeout))
    fail("cannot set timeout: " + libmodbus_error());

  if (modbus_connect(context.get()) == -1) {
    const int connect_errno = errno;
    if (connect_errno == ECONNREFUSED) {
      const std::string reason = unresolvable_reason(endpoint.host);
      if (!reason.empty()) fail("cannot resolve host \"" + endpoint.host + "\": " + reason);
    }
    fail(std::string("connect failed: ") + modbus_strerror(connect_errno));
  }
  return context;
}

ModbusTcpLink::ModbusTcpLink(TcpEndpoint endpoint)
    : ModbusLink(register_map::Framing::tcp), endpoint_(std::move(endpoint)) {}

std::string ModbusTcpLink::describe() const {
  return "modbus-tcp://" + describe_endpoint(endpoint_);
}

ModbusContext ModbusTcpLink::open_context() {
  try {
    return open_tcp_context(endpoint_, describe());
  } catch (const LinkError&) {
    close();
    throw;
  }
}

}  // namespace bangtin
