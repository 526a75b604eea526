// bangtin::ModbusTcpLink — a panel reached over Modbus TCP, speaking the register map.
// Private to bangtin_bridge: the rest of the program sees it only as a PanelLink from open_link().
// The endpoint and its opening are shared with the text display link.
#pragma once

#include <chrono>
#include <string>

#include "modbus_link.hpp"

namespace bangtin {

struct TcpEndpoint {
  std::string host;  // a name or an IPv4/IPv6 address
  int port = 502;
  int unit = 1;
  std::chrono::milliseconds timeout{1000};
};

// "HOST:PORT unit N", an IPv6 host in brackets.
std::string describe_endpoint(const TcpEndpoint& endpoint);
// A connected libmodbus context; throws LinkError starting with `who`.
ModbusContext open_tcp_context(const TcpEndpoint& endpoint, const std::string& who);

class ModbusTcpLink final : public ModbusLink {
 public:
  // Nothing touches the network until connect().
  explicit ModbusTcpLink(TcpEndpoint endpoint);
  std::string describe() const override;

 private:
  ModbusContext open_context() override;

  TcpEndpoint endpoint_;
};

}  // namespace bangtin
