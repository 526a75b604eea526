#include "modbus_link.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace bangtin {

namespace rm = register_map;

namespace {

std::string hex16(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04X", value & 0xFFFFu);
  return text;
}

bool same_bytes(const Frame& a, const Frame& b) {
  return a.width == b.width && a.height == b.height && a.format == b.format && a.bytes == b.bytes;
}

// A ring tile that holds no column of its strip: every such tile looks the same.
constexpr long kDarkTile = std::numeric_limits<long>::min();

long floor_div(long a, long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

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
  panel_mode_.reset();
  upload_.reset();
  ring_.reset();
  // slots_ stay: connect() checks which of them the panel still holds.
}

void ModbusLink::fail(std::string_view what) {
  close();
  throw LinkError(describe() + ": " + std::string(what));
}

std::optional<PanelIdentity> ModbusLink::connect() {
  close();
  context_ = open_context();
  // Version 2's six registers first: a device that is no bangtin panel may have no more, and
  // deserves "not a bangtin panel" rather than an illegal address.
  std::uint16_t identity[rm::kIdentityCount] = {};
  if (modbus_read_registers(context_.get(), rm::kMagic, rm::kWindowRegisters, identity) == -1)
    fail("reading the identity block failed: " + libmodbus_error());
  if (identity[rm::kMagic] != rm::kMagicValue)
    fail("not a bangtin panel (magic " + hex16(identity[rm::kMagic]) + ", expected " +
         hex16(rm::kMagicValue) + ")");
  const std::uint16_t version = identity[rm::kVersion];
  if (version < rm::kOldestMapVersion || version > rm::kMapVersion)
    fail("panel speaks register map version " + std::to_string(version) +
         ", this controller speaks versions " + std::to_string(rm::kOldestMapVersion) + " to " +
         std::to_string(rm::kMapVersion));
  const std::uint16_t format = identity[rm::kPixelFormat];
  if (format > static_cast<std::uint16_t>(PixelFormat::rgb888))
    fail("panel reports unknown pixel format " + std::to_string(format));

  if (version >= 3 && modbus_read_registers(context_.get(), rm::kWindowRegisters, 1,
                                            identity + rm::kWindowRegisters) == -1)
    fail("reading the identity block failed: " + libmodbus_error());

  const PanelIdentity panel{identity[rm::kWidth],
                            identity[rm::kHeight],
                            static_cast<PixelFormat>(format),
                            version,
                            identity[rm::kCapabilities],
                            version >= 3 ? identity[rm::kWindowRegisters] : 0};
  panel_keeps_back_buffer_ = (panel.capabilities & rm::kCapabilityKeepsBackBuffer) != 0;
  frame_registers_ = rm::framebuffer_registers(row_bytes(panel.format, panel.width) *
                                               static_cast<std::size_t>(panel.height));
  panel_has_strips_ = version >= 3 && (panel.capabilities & rm::kCapabilityStrip) != 0 &&
                      panel.window_registers > frame_registers_ + rm::kStripTagRegisters;
  panel_has_ring_ =
      panel_has_strips_ && version >= 4 && (panel.capabilities & rm::kCapabilityRing) != 0;
  if (panel_ != panel || !panel_has_strips_) slots_.clear();
  panel_ = panel;
  verify_slots();
  return panel;
}

void ModbusLink::verify_slots() {
  std::erase_if(slots_, [this](const StripSlot& slot) {
    std::uint16_t tag[rm::kStripTagRegisters] = {};
    if (modbus_read_registers(context_.get(), rm::kFramebuffer + slot.first, rm::kStripTagRegisters,
                              tag) == -1)
      fail("reading back a strip's tag failed: " + libmodbus_error());
    return ((std::uint32_t{tag[0]} << 16) | tag[1]) != slot.tag;
  });
}

WireCost ModbusLink::commit_cost(const PanelMode& mode) const {
  // Version 2 panels have one mode and know no strip registers: a commit is just the commit.
  if (panel_ && panel_->map_version < 3) return {rm::write_register_exchange_bytes(framing_), 1};
  if (panel_mode_ == mode)
    return mode.mode != rm::kModeFramebuffer
               ? rm::strip_frame_cost(framing_)
               : WireCost{rm::write_register_exchange_bytes(framing_), 1};
  return rm::mode_commit_cost(framing_);
}

void ModbusLink::commit(const PanelMode& mode, int offset, const char* what) {
  ++sequence_;
  const bool same_mode = (panel_ && panel_->map_version < 3) || panel_mode_ == mode;
  // Until the commit is acknowledged the panel may be in either mode.
  panel_mode_.reset();
  modbus_t* const context = context_.get();
  int written = 0;
  if (same_mode && mode.mode == rm::kModeFramebuffer) {
    written = modbus_write_register(context, rm::kCommit, sequence_);
  } else if (same_mode) {
    const std::uint16_t values[] = {static_cast<std::uint16_t>(offset), sequence_};
    written = modbus_write_registers(context, rm::kViewportX, 2, values);
  } else {
    const std::uint16_t values[rm::kModeWriteCount] = {mode.mode,
                                                       static_cast<std::uint16_t>(mode.strip_width),
                                                       static_cast<std::uint16_t>(mode.strip_base),
                                                       static_cast<std::uint16_t>(mode.tile_width),
                                                       0,
                                                       static_cast<std::uint16_t>(offset),
                                                       sequence_};
    written = modbus_write_registers(context, rm::kMode, rm::kModeWriteCount, values);
  }
  if (written == -1) fail(std::string(what) + " failed: " + libmodbus_error());
  panel_mode_ = mode;
}

WireCost ModbusLink::show(const Frame& frame) {
  if (!context_) throw LinkError(describe() + ": show on a closed link (connect first)");
  std::vector<std::uint16_t> registers = rm::pack_registers(frame.bytes);
  if (rm::kFramebuffer + registers.size() > 0x10000)
    fail("frame of " + std::to_string(frame.bytes.size()) +
         " bytes does not fit in the register map");

  const std::vector<std::uint16_t> unknown;
  rm::FramePlan plan =
      rm::plan_frame(panel_keeps_back_buffer_ ? back_buffer_ : unknown, registers, framing_);
  // Until the commit is acknowledged the back buffer is in a state we cannot vouch for.
  back_buffer_.clear();
  modbus_t* const context = context_.get();
  for (const rm::RegisterSpan& span : plan.writes) {
    if (modbus_write_registers(context, rm::kFramebuffer + span.first, span.count,
                               registers.data() + span.first) == -1)
      fail("writing the framebuffer failed: " + libmodbus_error());
  }
  const PanelMode framebuffer{};
  const WireCost commit_part = commit_cost(framebuffer);
  plan.cost.bytes =
      plan.cost.bytes - rm::write_register_exchange_bytes(framing_) + commit_part.bytes;
  commit(framebuffer, 0, "commit");
  back_buffer_ = std::move(registers);
  return plan.cost;
}

std::optional<WireCost> ModbusLink::set_light(const PanelLight& light) {
  if (!context_) throw LinkError(describe() + ": set_light on a closed link (connect first)");
  const bool brightness = (panel_->capabilities & rm::kCapabilityBrightness) != 0;
  const bool power = (panel_->capabilities & rm::kCapabilityPower) != 0;
  if (!brightness && !power) return std::nullopt;
  const std::uint16_t values[] = {
      static_cast<std::uint16_t>((std::clamp(light.brightness_percent, 0, 100) * 255 + 50) / 100),
      static_cast<std::uint16_t>(light.on ? 1 : 0)};
  static_assert(rm::kPower == rm::kBrightness + 1);
  const int first = brightness ? rm::kBrightness : rm::kPower;
  const int count = brightness && power ? 2 : 1;
  if (modbus_write_registers(context_.get(), first, count, values + (first - rm::kBrightness)) ==
      -1)
    fail("setting brightness and power failed: " + libmodbus_error());
  return WireCost{rm::write_registers_exchange_bytes(framing_, count), 1};
}

std::optional<PanelStatus> ModbusLink::status() {
  if (!context_) throw LinkError(describe() + ": status on a closed link (connect first)");
  std::uint16_t registers[rm::kStatusCount] = {};
  if (modbus_read_registers(context_.get(), rm::kStatusFirst, rm::kStatusCount, registers) == -1)
    fail("reading the status block failed: " + libmodbus_error());
  return rm::decode_status(registers);
}

// --- Strips ---------------------------------------------------------------------------------

StripMemory* ModbusLink::strip_memory() { return context_ && panel_has_strips_ ? this : nullptr; }

WireCost ModbusLink::frame_cost(const Frame& frame) const {
  const std::vector<std::uint16_t> unknown;
  WireCost cost = rm::plan_frame(panel_keeps_back_buffer_ ? back_buffer_ : unknown,
                                 rm::pack_registers(frame.bytes), framing_)
                      .cost;
  cost.bytes =
      cost.bytes - rm::write_register_exchange_bytes(framing_) + commit_cost(PanelMode{}).bytes;
  return cost;
}

int ModbusLink::slot_registers(const Frame& strip) {
  return rm::kStripTagRegisters + rm::framebuffer_registers(strip.bytes.size());
}

bool ModbusLink::fits_panel(const Frame& strip) const {
  if (!panel_has_strips_ || strip.height != panel_->height || strip.format != panel_->format ||
      strip.width < 1 || strip.width > std::numeric_limits<std::int16_t>::max())
    return false;
  return slot_registers(strip) <= panel_->window_registers - frame_registers_;
}

ModbusLink::StripSlot* ModbusLink::find_slot(const std::shared_ptr<const Frame>& strip) const {
  for (StripSlot& slot : slots_)
    if (slot.strip == strip) return &slot;
  for (StripSlot& slot : slots_) {
    if (same_bytes(*slot.strip, *strip)) {
      slot.strip = strip;
      return &slot;
    }
  }
  return nullptr;
}

std::optional<WireCost> ModbusLink::upload_cost(const std::shared_ptr<const Frame>& strip) const {
  if (!strip || !fits_panel(*strip)) return std::nullopt;
  if (find_slot(strip)) return WireCost{};
  if (upload_ && (upload_->slot.strip == strip || same_bytes(*upload_->slot.strip, *strip))) {
    WireCost cost = rm::registers_write_cost(
        framing_, static_cast<int>(upload_->registers.size() - upload_->sent));
    const WireCost tag = rm::registers_write_cost(framing_, rm::kStripTagRegisters);
    return WireCost{cost.bytes + tag.bytes, cost.messages + tag.messages};
  }
  return rm::strip_upload_cost(framing_, rm::framebuffer_registers(strip->bytes.size()));
}

int ModbusLink::strip_room_end() const { return ring_ ? ring_->first : panel_->window_registers; }

int ModbusLink::allocate(int count) {
  for (;;) {
    std::sort(slots_.begin(), slots_.end(),
              [](const StripSlot& a, const StripSlot& b) { return a.first < b.first; });
    int at = frame_registers_;
    for (const StripSlot& slot : slots_) {
      if (slot.first - at >= count) return at;
      at = slot.end();
    }
    if (strip_room_end() - at >= count) return at;
    if (slots_.empty() && ring_) {
      ring_.reset();  // a strip that fits whole scrolls cheaper than any ring
      continue;
    }
    if (slots_.empty())
      throw std::logic_error(
          "strip of " + std::to_string(count) +
          " registers allocated without room (upload_cost says whether it fits)");
    slots_.erase(std::min_element(slots_.begin(), slots_.end(),
                                  [](auto& a, auto& b) { return a.last_used < b.last_used; }));
  }
}

bool ModbusLink::fits_beside(const std::shared_ptr<const Frame>& strip,
                             const std::shared_ptr<const Frame>& kept) const {
  if (!strip || !fits_panel(*strip)) return false;
  if (find_slot(strip)) return true;
  const int count = slot_registers(*strip);
  // A ring that scrolls the strip kept stays; any other ring may go.
  const int end = ring_ && kept && ring_->strip == kept ? ring_->first : panel_->window_registers;
  const StripSlot* keep = find_slot(kept);
  if (!keep) return end - frame_registers_ >= count;
  // Every other strip may go: the room left is on either side of the one kept.
  return keep->first - frame_registers_ >= count || end - keep->end() >= count;
}

WireCost ModbusLink::upload_step(const std::shared_ptr<const Frame>& strip,
                                 std::size_t most_bytes) {
  if (!context_) throw LinkError(describe() + ": upload on a closed link (connect first)");
  if (!strip || !fits_panel(*strip))
    throw std::logic_error("upload_step for a strip the panel cannot hold (see upload_cost)");
  if (find_slot(strip)) return WireCost{};
  if (upload_ && !(upload_->slot.strip == strip || same_bytes(*upload_->slot.strip, *strip)))
    upload_.reset();  // another strip is wanted now; its part-written slot is simply free again
  if (!upload_) {
    Upload upload;
    upload.registers.assign(rm::kStripTagRegisters, 0);
    const std::vector<std::uint16_t> packed = rm::pack_registers(strip->bytes);
    upload.registers.insert(upload.registers.end(), packed.begin(), packed.end());
    upload.slot.strip = strip;
    upload.slot.tag = rm::strip_tag(*strip);
    upload.slot.count = static_cast<int>(upload.registers.size());
    upload.slot.first = allocate(upload.slot.count);
    upload_ = std::move(upload);
  }
  Upload& upload = *upload_;
  const int address = rm::kFramebuffer + upload.slot.first;
  if (upload.sent < upload.registers.size()) {
    const std::size_t most_registers =
        most_bytes == 0 ? std::size_t{rm::kMaxRegistersPerWrite}
                        : std::clamp<std::size_t>(most_bytes / 2, 1, rm::kMaxRegistersPerWrite);
    const int count = static_cast<int>(
        std::min<std::size_t>(most_registers, upload.registers.size() - upload.sent));
    if (modbus_write_registers(context_.get(), address + static_cast<int>(upload.sent), count,
                               upload.registers.data() + upload.sent) == -1)
      fail("writing a strip into the panel's memory failed: " + libmodbus_error());
    upload.sent += static_cast<std::size_t>(count);
    return WireCost{rm::write_registers_exchange_bytes(framing_, count), 1};
  }
  const std::uint16_t tag[rm::kStripTagRegisters] = {
      static_cast<std::uint16_t>(upload.slot.tag >> 16),
      static_cast<std::uint16_t>(upload.slot.tag & 0xFFFF)};
  if (modbus_write_registers(context_.get(), address, rm::kStripTagRegisters, tag) == -1)
    fail("writing a strip's tag failed: " + libmodbus_error());
  upload.slot.last_used = ++use_clock_;
  slots_.push_back(std::move(upload.slot));
  upload_.reset();
  return WireCost{rm::write_registers_exchange_bytes(framing_, rm::kStripTagRegisters), 1};
}

WireCost ModbusLink::window_cost(const std::shared_ptr<const Frame>& strip) const {
  const StripSlot* slot = find_slot(strip);
  if (!slot) return rm::mode_commit_cost(framing_);
  return commit_cost(PanelMode{rm::kModeStrip, slot->strip->width, slot->strip_base()});
}

WireCost ModbusLink::show_window(const std::shared_ptr<const Frame>& strip, int offset) {
  if (!context_) throw LinkError(describe() + ": show on a closed link (connect first)");
  StripSlot* slot = find_slot(strip);
  if (!slot) throw std::logic_error("show_window for a strip the panel does not hold");
  // Every offset left of -width or right of the strip shows the same dark window; keep to those
  // the signed register can carry.
  offset = std::clamp(offset, std::max(-panel_->width, -32768), slot->strip->width);
  slot->last_used = ++use_clock_;
  const PanelMode mode{rm::kModeStrip, slot->strip->width, slot->strip_base()};
  const WireCost cost = commit_cost(mode);
  commit(mode, offset, "committing the strip's window");
  return cost;
}

// --- Rings of tiles ---------------------------------------------------------------------------

std::optional<ModbusLink::Ring> ModbusLink::ring_for_panel() const {
  if (!panel_has_ring_) return std::nullopt;
  Ring ring;
  ring.tile_width = panel_->format == PixelFormat::mono ? 8 : 1;
  ring.tiles = (panel_->width + ring.tile_width - 1) / ring.tile_width + 1;
  ring.tile_registers = rm::ring_tile_registers(panel_->format, ring.tile_width, panel_->height);
  ring.first = panel_->window_registers - ring.registers();
  if (ring.first < frame_registers_ || ring.width() > std::numeric_limits<std::int16_t>::max())
    return std::nullopt;
  ring.held.assign(static_cast<std::size_t>(ring.tiles), std::nullopt);
  return ring;
}

std::vector<std::pair<int, long>> ModbusLink::ring_tiles_missing(const Ring& ring,
                                                                 const Frame& strip,
                                                                 int offset) const {
  const bool same_strip =
      ring.strip && (ring.strip.get() == &strip || same_bytes(*ring.strip, strip));
  const long first_tile = floor_div(offset, ring.tile_width);
  const long last_tile = floor_div(long{offset} + panel_->width - 1, ring.tile_width);
  std::vector<std::pair<int, long>> missing;
  for (long tile = first_tile; tile <= last_tile; ++tile) {
    const bool dark =
        (tile + 1) * ring.tile_width <= 0 || tile * ring.tile_width >= long{strip.width};
    const long wanted = dark ? kDarkTile : tile;
    const auto slot = static_cast<int>(((tile % ring.tiles) + ring.tiles) % ring.tiles);
    const std::optional<long>& held = ring.held[static_cast<std::size_t>(slot)];
    if (held == wanted && (dark || same_strip)) continue;
    missing.emplace_back(slot, wanted);
  }
  std::sort(missing.begin(), missing.end());
  return missing;
}

std::optional<StripMemory::RingCost> ModbusLink::ring_window_cost(
    const std::shared_ptr<const Frame>& strip, int offset, int columns_a_frame) const {
  if (!strip || strip->height != panel_->height || strip->format != panel_->format ||
      strip->width < 1)
    return std::nullopt;
  const std::optional<Ring> fresh = ring_ ? std::nullopt : ring_for_panel();
  const Ring* ring = ring_ ? &*ring_ : fresh ? &*fresh : nullptr;
  if (!ring) return std::nullopt;
  RingCost cost;
  const std::vector<std::pair<int, long>> missing = ring_tiles_missing(*ring, *strip, offset);
  for (std::size_t run = 0; run < missing.size();) {
    std::size_t end = run + 1;
    while (end < missing.size() && missing[end].first == missing[end - 1].first + 1) ++end;
    const WireCost write =
        rm::registers_write_cost(framing_, static_cast<int>(end - run) * ring->tile_registers);
    cost.now.bytes += write.bytes;
    cost.now.messages += write.messages;
    run = end;
  }
  const WireCost commit = commit_cost(ring->mode());
  cost.now.bytes += commit.bytes;
  cost.now.messages += commit.messages;
  // The c columns a scroll brings into view a frame lie across at most (c - 2) / tile_width + 2
  // tiles (c of one column), one run in the ring (two where it wraps, seldom enough to leave out).
  const int columns = std::max(1, std::abs(columns_a_frame));
  const int tiles = std::min((columns + ring->tile_width - 2) / ring->tile_width + 1, ring->tiles);
  const WireCost write = rm::registers_write_cost(framing_, tiles * ring->tile_registers);
  const WireCost scroll = rm::strip_frame_cost(framing_);
  cost.each_frame = WireCost{write.bytes + scroll.bytes, write.messages + scroll.messages};
  return cost;
}

WireCost ModbusLink::show_ring_window(const std::shared_ptr<const Frame>& strip, int offset) {
  if (!context_) throw LinkError(describe() + ": show on a closed link (connect first)");
  if (!ring_window_cost(strip, offset, 1))
    throw std::logic_error("show_ring_window for a strip the panel cannot ring (see its cost)");
  if (!ring_) {
    ring_ = ring_for_panel();
    std::erase_if(slots_, [&](const StripSlot& slot) { return slot.end() > ring_->first; });
    if (upload_ && upload_->slot.end() > ring_->first) upload_.reset();
  }
  Ring& ring = *ring_;
  // Keep every column the panel can show within one pass of the ring; the rest is dark anyway.
  offset = std::clamp(offset, -panel_->width, strip->width);
  const std::vector<std::pair<int, long>> missing = ring_tiles_missing(ring, *strip, offset);
  if (ring.strip != strip) {
    if (!ring.strip || !same_bytes(*ring.strip, *strip))
      for (std::optional<long>& held : ring.held)
        if (held != kDarkTile) held.reset();
    ring.strip = strip;
  }
  WireCost cost;
  Frame tile = Frame::blank(ring.tile_width, panel_->height, panel_->format);
  std::vector<std::uint16_t> registers;
  for (std::size_t run = 0; run < missing.size();) {
    std::size_t end = run + 1;
    while (end < missing.size() && missing[end].first == missing[end - 1].first + 1) ++end;
    registers.clear();
    for (std::size_t i = run; i < end; ++i) {
      // A dark tile is cut from past the strip's end: all of it off the strip.
      const int column = missing[i].second == kDarkTile
                             ? strip->width
                             : static_cast<int>(missing[i].second) * ring.tile_width;
      cut_strip_window(*strip, column, tile);
      const std::vector<std::uint16_t> packed = rm::pack_registers(tile.bytes);
      registers.insert(registers.end(), packed.begin(), packed.end());
    }
    const int first = rm::kFramebuffer + ring.first + missing[run].first * ring.tile_registers;
    for (std::size_t sent = 0; sent < registers.size();) {
      const int count = static_cast<int>(
          std::min<std::size_t>(rm::kMaxRegistersPerWrite, registers.size() - sent));
      if (modbus_write_registers(context_.get(), first + static_cast<int>(sent), count,
                                 registers.data() + sent) == -1)
        fail("writing tiles into the panel's ring failed: " + libmodbus_error());
      sent += static_cast<std::size_t>(count);
      cost.bytes += rm::write_registers_exchange_bytes(framing_, count);
      ++cost.messages;
    }
    for (std::size_t i = run; i < end; ++i)
      ring.held[static_cast<std::size_t>(missing[i].first)] = missing[i].second;
    run = end;
  }
  const PanelMode mode = ring.mode();
  const WireCost commit_part = commit_cost(mode);
  cost.bytes += commit_part.bytes;
  cost.messages += commit_part.messages;
  commit(mode, ((offset % ring.width()) + ring.width()) % ring.width(),
         "committing the ring's window");
  return cost;
}

}  // namespace bangtin
