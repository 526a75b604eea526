#include "modbus_text_link.hpp"

#include <algorithm>
#include <utility>

namespace bangtin {

namespace rm = register_map;

namespace {

std::string padded(std::string line, int chars) {
  line.resize(static_cast<std::size_t>(chars), ' ');
  return line;
}

}  // namespace

ModbusTextLink::ModbusTextLink(Transport transport, TextDisplayLayout layout)
    : transport_(std::move(transport)), layout_(std::move(layout)) {
  wanted_.assign(layout_.line_registers.size(), padded({}, layout_.chars));
  held_.resize(layout_.line_registers.size());
}

std::string ModbusTextLink::describe() const {
  std::string where =
      std::holds_alternative<TcpEndpoint>(transport_)
          ? "modbus-text-tcp://" + describe_endpoint(std::get<TcpEndpoint>(transport_))
          : "modbus-text-rtu://" + describe_serial(std::get<SerialSettings>(transport_));
  std::string registers;
  for (const int line : layout_.line_registers)
    registers += (registers.empty() ? "" : ", ") + std::to_string(line);
  return where + " (" + std::to_string(layout_.line_registers.size()) + " lines of " +
         std::to_string(layout_.chars) + " characters at " + registers + ")";
}

std::optional<LineCapacity> ModbusTextLink::capacity() const {
  if (const auto* serial = std::get_if<SerialSettings>(&transport_))
    return rtu_capacity(serial->baud);
  return std::nullopt;
}

rm::Framing ModbusTextLink::framing() const {
  return std::holds_alternative<TcpEndpoint>(transport_) ? rm::Framing::tcp : rm::Framing::rtu;
}

void ModbusTextLink::close() noexcept {
  context_.reset();
  std::fill(held_.begin(), held_.end(), std::nullopt);
}

void ModbusTextLink::fail(std::string_view what) {
  close();
  throw LinkError(describe() + ": " + std::string(what));
}

std::string ModbusTextLink::read_line(std::size_t index, const char* why) {
  std::vector<std::uint16_t> registers(static_cast<std::size_t>(layout_.registers_per_line()));
  if (modbus_read_registers(context_.get(), layout_.line_registers[index],
                            layout_.registers_per_line(), registers.data()) == -1)
    fail(std::string(why) + ": reading line " + std::to_string(index + 1) + " at register " +
         std::to_string(layout_.line_registers[index]) + " failed: " + libmodbus_error());
  return decode_text_line(registers, layout_);
}

std::optional<PanelIdentity> ModbusTextLink::connect() {
  close();
  context_ = std::holds_alternative<TcpEndpoint>(transport_)
                 ? open_tcp_context(std::get<TcpEndpoint>(transport_), describe())
                 : open_rtu_context(std::get<SerialSettings>(transport_), describe());
  for (std::size_t i = 0; i < held_.size(); ++i)
    held_[i] = read_line(i, "the display does not answer");
  return std::nullopt;
}

WireCost ModbusTextLink::show(const Frame& /*frame*/) {
  throw LinkError(describe() + ": a message display draws its own font; it takes text, not frames");
}

WireCost ModbusTextLink::show_text(std::string_view text) {
  if (!context_) throw LinkError(describe() + ": show on a closed link (connect first)");
  if (text != text_) {
    text_ = text;
    const std::vector<std::string> lines = lay_out_lines(
        fold_to_ascii(text), static_cast<int>(layout_.line_registers.size()), layout_.chars);
    for (std::size_t i = 0; i < lines.size(); ++i) wanted_[i] = padded(lines[i], layout_.chars);
  }
  WireCost cost;
  for (std::size_t i = 0; i < wanted_.size(); ++i) {
    const std::string line = on_ ? wanted_[i] : padded({}, layout_.chars);
    if (held_[i] == line) continue;
    const std::vector<std::uint16_t> registers = encode_text_line(line, layout_);
    held_[i].reset();  // unknown until the write is acknowledged
    if (modbus_write_registers(context_.get(), layout_.line_registers[i],
                               static_cast<int>(registers.size()), registers.data()) == -1)
      fail("writing line " + std::to_string(i + 1) + " at register " +
           std::to_string(layout_.line_registers[i]) + " failed: " + libmodbus_error());
    held_[i] = line;
    cost.bytes += rm::write_registers_exchange_bytes(framing(), static_cast<int>(registers.size()));
    ++cost.messages;
  }
  cost.delta = cost.messages < wanted_.size();
  return cost;
}

std::optional<WireCost> ModbusTextLink::set_light(const PanelLight& light) {
  if (!context_) throw LinkError(describe() + ": set_light on a closed link (connect first)");
  on_ = light.on;  // the lines go blank (or come back) with the next show
  if (!layout_.brightness_register) return WireCost{};
  const auto level = static_cast<std::uint16_t>(
      (std::clamp(light.brightness_percent, 0, 100) * layout_.brightness_max + 50) / 100);
  if (modbus_write_register(context_.get(), *layout_.brightness_register, level) == -1)
    fail("setting brightness at register " + std::to_string(*layout_.brightness_register) +
         " failed: " + libmodbus_error());
  return WireCost{rm::write_register_exchange_bytes(framing()), 1};
}

std::optional<PanelStatus> ModbusTextLink::status() {
  if (!context_) throw LinkError(describe() + ": status on a closed link (connect first)");
  for (std::size_t i = 0; i < held_.size(); ++i) {
    if (!held_[i]) continue;
    const std::string shown = read_line(i, "reading back");
    if (shown != *held_[i])
      fail("line " + std::to_string(i + 1) + " shows \"" + shown + "\", not \"" + *held_[i] +
           "\" as written; writing it again");
  }
  return std::nullopt;
}

}  // namespace bangtin
