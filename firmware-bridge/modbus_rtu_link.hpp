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

// "/dev/ttyUSB0 unit 1 at 9600 8N1".
std::string describe_serial(const SerialSettings& settings);
// A connected libmodbus RTU context, its reply timeout allowing for the line's pace; throws
// LinkError starting with `who`.
ModbusContext open_rtu_context(const SerialSettings& settings, const std::string& who);
// 11 bits a character; the silent gaps before a request and before its reply.
LineCapacity rtu_capacity(int baud);

class ModbusRtuLink final : public ModbusLink {
 public:
  explicit ModbusRtuLink(SerialSettings settings);
  std::string describe() const override;
  std::optional<LineCapacity> capacity() const override { return rtu_capacity(settings_.baud); }

 private:
  ModbusContext open_context() override;

  SerialSettings settings_;
};

}  // namespace bangtin
