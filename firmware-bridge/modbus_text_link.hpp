// bangtin::ModbusTextLink — an industrial message display that draws its own ASCII font, over
// Modbus TCP or RTU (see bangtin/text_display.hpp). It shows an item's text, not its pixels:
// folded to ASCII, wrapped over the display's lines, each line written (function 16) only when it
// changed; read back now and then to check what the display holds. Switching off blanks the lines
// (such displays have no power register); brightness goes to its register when there is one.
// Private to bangtin_bridge; made by open_link() from modbus-text-tcp:// and modbus-text-rtu://.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bangtin/panel_link.hpp"
#include "bangtin/register_map.hpp"
#include "bangtin/text_display.hpp"
#include "modbus_link.hpp"
#include "modbus_rtu_link.hpp"
#include "modbus_tcp_link.hpp"

namespace bangtin {

class ModbusTextLink final : public PanelLink, private OwnFont {
 public:
  using Transport = std::variant<TcpEndpoint, SerialSettings>;
  ModbusTextLink(Transport transport, TextDisplayLayout layout);

  // Opens the line and reads the display's lines (so that unchanged ones are not written again);
  // such displays do not describe themselves, so there is no identity.
  std::optional<PanelIdentity> connect() override;
  // Refuses: such a display takes text (own_font()), never pixels.
  WireCost show(const Frame& frame) override;
  OwnFont* own_font() override { return this; }
  std::optional<WireCost> set_light(const PanelLight& light) override;
  // Reads the lines back; a LinkError when they are not what was written. No status block.
  std::optional<PanelStatus> status() override;
  void close() noexcept override;
  bool is_open() const override { return context_ != nullptr; }
  std::string describe() const override;
  std::optional<LineCapacity> capacity() const override;

 private:
  WireCost show_text(std::string_view text) override;
  [[noreturn]] void fail(std::string_view what);
  register_map::Framing framing() const;
  std::string read_line(std::size_t index, const char* why);

  Transport transport_;
  TextDisplayLayout layout_;
  ModbusContext context_;
  std::string text_;                 // the item's text as last given
  std::vector<std::string> wanted_;  // its lines, padded to the display's width
  // What each line holds after our last write (padded); nothing when unknown.
  std::vector<std::optional<std::string>> held_;
  bool on_ = true;
};

}  // namespace bangtin
