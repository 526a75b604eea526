// bangtin::ModbusLink — what the Modbus TCP and Modbus RTU links share: register map version 2
// over a libmodbus context. Each subclass only opens its context and names itself; identity,
// frames (full or delta), commits and status read-back are the same on both. Private to
// bangtin_bridge.
#pragma once

#include <modbus.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bangtin/panel_link.hpp"
#include "bangtin/register_map.hpp"

namespace bangtin {

struct ModbusContextCloser {
  void operator()(modbus_t* context) const noexcept;
};
using ModbusContext = std::unique_ptr<modbus_t, ModbusContextCloser>;

// libmodbus's message for the current errno.
std::string libmodbus_error();
// Sets how long libmodbus waits for a reply; fails through `fail` of the link.
bool set_response_timeout(modbus_t* context, std::chrono::microseconds timeout);

class ModbusLink : public PanelLink {
 public:
  std::optional<PanelIdentity> connect() final;
  WireCost show(const Frame& frame) final;
  std::optional<PanelStatus> status() final;
  void close() noexcept final;
  bool is_open() const final;

 protected:
  explicit ModbusLink(register_map::Framing framing) : framing_(framing) {}
  // Makes a connected libmodbus context for the panel; fails through fail().
  virtual ModbusContext open_context() = 0;
  // Closes the link and throws a LinkError that starts with describe().
  [[noreturn]] void fail(std::string_view what);

 private:
  const register_map::Framing framing_;
  ModbusContext context_;
  // The panel only needs each commit to differ from the last; wrapping at 65535 is fine.
  std::uint16_t sequence_ = 0;
  bool panel_keeps_back_buffer_ = false;
  // What the panel's back buffer holds after our last commit; empty when unknown.
  std::vector<std::uint16_t> back_buffer_;
};

}  // namespace bangtin
