// bangtin::ModbusRtuLink — a panel on a serial line (RS-485 or RS-232) speaking Modbus RTU and
// the register map. Private to bangtin_bridge; made by open_link() from
// modbus-rtu:///dev/ttyUSB0?baud=115200&parity=N&stop=1&unit=1&rs485=1.
#pragma once

#include <chrono>
#include <string>

#include "modbus_link.hpp"

namespace bangtin {

struct SerialSettings {
  std::string device;
  int baud = 115200;
  char parity = 'N';  // 'N', 'E' or 'O'
  int stop_bits = 1;
  int unit = 1;
  // Ask the kernel to drive the transceiver's direction (TIOCSRS485). Adapters that switch by
  // themselves do not need it, and a pty refuses it.
  bool rs485 = false;
  // How long to wait for a reply; zero: half a second more than the longest exchange's wire time.
  std::chrono::milliseconds timeout{0};
};

class ModbusRtuLink final : public ModbusLink {
 public:
  explicit ModbusRtuLink(SerialSettings settings);
  std::string describe() const override;

 private:
  ModbusContext open_context() override;

  SerialSettings settings_;
};

}  // namespace bangtin
