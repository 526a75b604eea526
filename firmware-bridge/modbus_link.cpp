#include "modbus_link.hpp"

#include <cerrno>
#include <cstdio>

namespace bangtin {

namespace rm = register_map;

namespace {

std::string hex16(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04X", value & 0xFFFFu);
  return text;
}

}  // namespace

void ModbusContextCloser::operator()(modbus_t* context) const noexcept {
  modbus_close(context);
  modbus_free(context);
}

std::string libmodbus_error() { return modbus_strerror(errno); }

bool set_response_timeout(modbus_t* context, std::chrono::microseconds timeout) {
  const auto seconds = static_cast<std::uint32_t>(timeout.count() / 1'000'000);
  const auto microseconds = static_cast<std::uint32_t>(timeout.count() % 1'000'000);
  return modbus_set_response_timeout(context, seconds, microseconds) == 0;
}

bool ModbusLink::is_open() const { return context_ != nullptr; }

void ModbusLink::close() noexcept {
  context_.reset();
  back_buffer_.clear();
}

void ModbusLink::fail(std::string_view what) {
  close();
  throw LinkError(describe() + ": " + std::string(what));
}

std::optional<PanelIdentity> ModbusLink::connect() {
  close();
  context_ = open_context();
  std::uint16_t identity[rm::kIdentityCount] = {};
  if (modbus_read_registers(context_.get(), rm::kMagic, rm::kIdentityCount, identity) == -1)
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

  panel_keeps_back_buffer_ = (identity[rm::kCapabilities] & rm::kCapabilityKeepsBackBuffer) != 0;
  return PanelIdentity{identity[rm::kWidth], identity[rm::kHeight],
                       static_cast<PixelFormat>(format), identity[rm::kVersion],
                       identity[rm::kCapabilities]};
}

WireCost ModbusLink::show(const Frame& frame) {
  if (!context_) throw LinkError(describe() + ": show on a closed link (connect first)");
  std::vector<std::uint16_t> registers = rm::pack_registers(frame.bytes);
  if (rm::kFramebuffer + registers.size() > 0x10000)
    fail("frame of " + std::to_string(frame.bytes.size()) +
         " bytes does not fit in the register map");

  const std::vector<std::uint16_t> unknown;
  const rm::FramePlan plan =
      rm::plan_frame(panel_keeps_back_buffer_ ? back_buffer_ : unknown, registers, framing_);
  // Until the commit is acknowledged the back buffer is in a state we cannot vouch for.
  back_buffer_.clear();
  modbus_t* const context = context_.get();
  for (const rm::RegisterSpan& span : plan.writes) {
    if (modbus_write_registers(context, rm::kFramebuffer + span.first, span.count,
                               registers.data() + span.first) == -1)
      fail("writing the framebuffer failed: " + libmodbus_error());
  }
  ++sequence_;
  if (modbus_write_register(context, rm::kCommit, sequence_) == -1)
    fail("commit failed: " + libmodbus_error());
  back_buffer_ = std::move(registers);
  return plan.cost;
}

std::optional<PanelStatus> ModbusLink::status() {
  if (!context_) throw LinkError(describe() + ": status on a closed link (connect first)");
  std::uint16_t registers[rm::kStatusCount] = {};
  if (modbus_read_registers(context_.get(), rm::kStatusFirst, rm::kStatusCount, registers) == -1)
    fail("reading the status block failed: " + libmodbus_error());
  return rm::decode_status(registers);
}

}  // namespace bangtin
