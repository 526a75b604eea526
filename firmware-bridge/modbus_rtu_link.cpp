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

std::string ModbusRtuLink::describe() const {
  return "modbus-rtu://" + settings_.device + " unit " + std::to_string(settings_.unit) + " at " +
         std::to_string(settings_.baud) + " 8" + settings_.parity +
         std::to_string(settings_.stop_bits);
}

ModbusContext ModbusRtuLink::open_context() {
  ModbusContext context(modbus_new_rtu(settings_.device.c_str(), settings_.baud, settings_.parity,
                                       8, settings_.stop_bits));
  if (!context) fail("cannot set up libmodbus: " + libmodbus_error());
  if (modbus_set_slave(context.get(), settings_.unit) == -1)
    fail("unit rejected: " + libmodbus_error());
  // libmodbus waits 0.5 s for a reply by default; at slow rates the longest request and its reply
  // alone take longer than that on the wire, so allow for them on top.
  const WireCost longest{
      rm::write_registers_exchange_bytes(rm::Framing::rtu, rm::kMaxRegistersPerWrite), 1, false};
  const auto timeout =
      settings_.timeout.count() > 0
          ? std::chrono::duration_cast<std::chrono::microseconds>(settings_.timeout)
          : std::chrono::microseconds(
                std::lround(1e6 * (0.5 + rm::rtu_wire_seconds(longest, settings_.baud))));
  if (!set_response_timeout(context.get(), timeout))
    fail("cannot set timeout: " + libmodbus_error());

  if (modbus_connect(context.get()) == -1)
    fail("cannot open " + settings_.device + ": " + libmodbus_error());
  if (settings_.rs485 && modbus_rtu_set_serial_mode(context.get(), MODBUS_RTU_RS485) == -1)
    fail("cannot switch " + settings_.device + " to RS-485 mode: " + libmodbus_error() +
         " (an adapter that switches direction by itself needs no rs485=1)");
  // Bytes still in the line from before (a late reply to a request we gave up on) would be taken
  // for the answer to our next request.
  modbus_flush(context.get());
  return context;
}

}  // namespace bangtin
