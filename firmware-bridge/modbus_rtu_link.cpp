#include "modbus_rtu_link.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <utility>

namespace bangtin {

namespace rm = register_map;

ModbusRtuLink::ModbusRtuLink(SerialSettings settings)
    : ModbusLink(rm::Framing::rtu), settings_(std::move(settings)) {}

std::string describe_serial(const SerialSettings& settings) {
  return settings.device + " unit " + std::to_string(settings.unit) + " at " +
         std::to_string(settings.baud) + " 8" + settings.parity +
         std::to_string(settings.stop_bits);
}

LineCapacity rtu_capacity(int baud) {
  return LineCapacity{baud / 11.0, 2 * rm::rtu_gap_seconds(baud)};
}

ModbusContext open_rtu_context(const SerialSettings& settings, const std::string& who) {
  const auto fail = [&](const std::string& what) { throw LinkError(who + ": " + what); };
  ModbusContext context(modbus_new_rtu(settings.device.c_str(), settings.baud, settings.parity, 8,
                                       settings.stop_bits));
  if (!context) fail("cannot set up libmodbus: " + libmodbus_error());
  if (modbus_set_slave(context.get(), settings.unit) == -1)
    fail("unit rejected: " + libmodbus_error());
  // libmodbus waits 0.5 s for a reply by default; at slow rates the longest request and its reply
  // alone take longer than that on the wire, so allow for them on top.
  const WireCost longest{
      rm::write_registers_exchange_bytes(rm::Framing::rtu, rm::kMaxRegistersPerWrite), 1, false};
  const auto timeout = settings.timeout.count() > 0
                           ? std::chrono::duration_cast<std::chrono::microseconds>(settings.timeout)
                           : std::chrono::microseconds(std::lround(
                                 1e6 * (0.5 + rm::rtu_wire_seconds(longest, settings.baud))));
  if (!set_response_timeout(context.get(), timeout))
    fail("cannot set timeout: " + libmodbus_error());

  if (modbus_connect(context.get()) == -1)
    fail("cannot open " + settings.device + ": " + libmodbus_error());
  if (settings.rs485 && modbus_rtu_set_serial_mode(context.get(), MODBUS_RTU_RS485) == -1)
    fail("cannot switch " + settings.device + " to RS-485 mode: " + libmodbus_error() +
         " (an adapter that switches direction by itself needs no rs485=1)");
  // Bytes still in the line from before (a late reply to a request we gave up on) would be taken
  // for the answer to our next request.
  modbus_flush(context.get());
  return context;
}

std::string ModbusRtuLink::describe() const { return "modbus-rtu://" + describe_serial(settings_); }

ModbusContext ModbusRtuLink::open_context() {
  try {
    return open_rtu_context(settings_, describe());
  } catch (const LinkError&) {
    close();
    throw;
  }
}

}  // namespace bangtin
