// bangtin::ModbusTcpLink — a panel reached over Modbus TCP, speaking the register map.
// Private to bangtin_bridge: the rest of the program sees it only as a PanelLink from open_link().
#pragma once

#include <chrono>
#include <string>

#include "modbus_link.hpp"

namespace bangtin {

class ModbusTcpLink final : public ModbusLink {
 public:
  // `host` may be a name or an IPv4/IPv6 address; nothing touches the network until connect().
  ModbusTcpLink(std::string host, int port, int unit, std::chrono::milliseconds timeout);
  std::string describe() const override;

 private:
  ModbusContext open_context() override;

  std::string host_;
  int port_;
  int unit_;
  std::chrono::milliseconds timeout_;
};

}  // namespace bangtin
