// bangtin::ModbusLink — what the Modbus TCP and Modbus RTU links share: the register map (versions
// 2 to 4) over a libmodbus context. Each subclass only opens its context and names itself;
// identity, frames (full or delta), strips, rings of tiles, commits and status read-back are the
// same on both. Private to bangtin_bridge.
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

class ModbusLink : public PanelLink, private StripMemory {
 public:
  std::optional<PanelIdentity> connect() final;
  WireCost show(const Frame& frame) final;
  // BRIGHTNESS (0-255 for 0-100 %) and POWER, in one write when the panel has both.
  std::optional<WireCost> set_light(const PanelLight& light) final;
  std::optional<PanelStatus> status() final;
  void close() noexcept final;
  bool is_open() const final;
  StripMemory* strip_memory() final;

 protected:
  explicit ModbusLink(register_map::Framing framing) : framing_(framing) {}
  // Makes a connected libmodbus context for the panel; throws LinkError starting with describe().
  virtual ModbusContext open_context() = 0;
  // Closes the link and throws a LinkError that starts with describe().
  [[noreturn]] void fail(std::string_view what);

 private:
  // A strip in the panel's window: its tag at `first` (registers from kFramebuffer), the strip
  // right after it.
  struct StripSlot {
    std::shared_ptr<const Frame> strip;
    std::uint32_t tag = 0;
    int first = 0;
    int count = 0;  // tag and strip
    std::uint64_t last_used = 0;
    int strip_base() const { return first + register_map::kStripTagRegisters; }
    int end() const { return first + count; }
  };
  struct Upload {
    StripSlot slot;
    std::vector<std::uint16_t> registers;  // the tag's place (zeros), then the strip
    std::size_t sent = 0;
  };
  // What kMode .. kTileWidth hold after our last acknowledged commit.
  struct PanelMode {
    std::uint16_t mode = register_map::kModeFramebuffer;
    int strip_width = 0;
    int strip_base = 0;
    int tile_width = 0;
    friend bool operator==(const PanelMode&, const PanelMode&) = default;
  };
  // The ring of tiles at the end of the window (map v4): tile `i` at first + i * tile_registers.
  struct Ring {
    std::shared_ptr<const Frame> strip;  // whose tiles it holds, besides dark ones
    int first = 0;                       // registers from kFramebuffer
    int tile_width = 0;
    int tiles = 0;
    int tile_registers = 0;
    // Which tile of `strip` each ring tile holds, by its index along the strip (kDarkTile for a
    // dark one; nothing when unknown).
    std::vector<std::optional<long>> held;
    int width() const { return tile_width * tiles; }
    int registers() const { return tile_registers * tiles; }
    PanelMode mode() const {
      return PanelMode{register_map::kModeRing, width(), first, tile_width};
    }
  };

  // StripMemory, offered while connected to a panel with strips.
  WireCost frame_cost(const Frame& frame) const override;
  std::optional<WireCost> upload_cost(const std::shared_ptr<const Frame>& strip) const override;
  WireCost upload_step(const std::shared_ptr<const Frame>& strip,
                       std::size_t most_bytes = 0) override;
  bool fits_beside(const std::shared_ptr<const Frame>& strip,
                   const std::shared_ptr<const Frame>& kept) const override;
  WireCost window_cost(const std::shared_ptr<const Frame>& strip) const override;
  WireCost show_window(const std::shared_ptr<const Frame>& strip, int offset) override;
  std::optional<RingCost> ring_window_cost(const std::shared_ptr<const Frame>& strip, int offset,
                                           int columns_a_frame) const override;
  WireCost show_ring_window(const std::shared_ptr<const Frame>& strip, int offset) override;

  bool fits_panel(const Frame& strip) const;
  // The ring this panel gets: tiles of 8 columns on mono panels (a byte a row), of one column on
  // colour ones, as many as the panel is wide and one more, so that no window, however it lies
  // across them, needs one tile twice. Nothing when the window has no room for it.
  std::optional<Ring> ring_for_panel() const;
  // The ring tiles to write before `strip`'s window at `offset` shows from `ring`, in ascending
  // order, each with the tile of the strip it is to hold.
  std::vector<std::pair<int, long>> ring_tiles_missing(const Ring& ring, const Frame& strip,
                                                       int offset) const;
  // Where strips may go: up to the ring, when there is one.
  int strip_room_end() const;
  // Registers a strip takes in the panel's window: its tag, then its pixels.
  static int slot_registers(const Frame& strip);
  // The slot holding these bytes; the caller's pointer is kept, so the next look-up is by pointer.
  StripSlot* find_slot(const std::shared_ptr<const Frame>& strip) const;
  // Room for `count` registers after the back buffer, evicting the least recently used strips.
  int allocate(int count);
  // Keeps the strips whose tags the panel still holds (after a reconnect).
  void verify_slots();
  // Writes the next commit: the sequence number, with the mode and strip when they change.
  void commit(const PanelMode& mode, int offset, const char* what);
  WireCost commit_cost(const PanelMode& mode) const;

  const register_map::Framing framing_;
  ModbusContext context_;
  // The panel only needs each commit to differ from the last; wrapping at 65535 is fine.
  std::uint16_t sequence_ = 0;
  bool panel_keeps_back_buffer_ = false;
  // What the panel's back buffer holds after our last commit; empty when unknown.
  std::vector<std::uint16_t> back_buffer_;
  std::optional<PanelIdentity> panel_;
  int frame_registers_ = 0;
  bool panel_has_strips_ = false;
  // Nothing after a connect: the panel may be in either mode.
  std::optional<PanelMode> panel_mode_;
  // Kept across reconnects to the same panel, and checked by their tags then. Mutable: finding a
  // strip by its bytes swaps in the caller's pointer.
  mutable std::vector<StripSlot> slots_;
  std::optional<Upload> upload_;
  bool panel_has_ring_ = false;
  // Forgotten at every close: a panel may restart with its window zeroed.
  std::optional<Ring> ring_;
  std::uint64_t use_clock_ = 0;
};

}  // namespace bangtin
