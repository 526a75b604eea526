// The panel register map, version 4: where a panel keeps its identity, its controls, its status,
// its double-buffered framebuffer and the strips and rings of tiles it scrolls by itself, as Modbus
// holding registers.
// REGISTER_MAP.md beside this header is the reference for firmware writers; these constants are the
// one place the code takes the numbers from. Below them: how frames become register writes (full or
// delta) and what those and strip writes cost on the wire, as plain functions shared by the Modbus
// links and bangtin-bench.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "bangtin/panel_link.hpp"

namespace bangtin::register_map {

inline constexpr std::uint16_t kMagicValue = 0x4254;  // "BT"
// The version this controller writes for; it also drives version 3 panels (strips, no rings) and
// version 2 panels (neither).
inline constexpr std::uint16_t kMapVersion = 4;
inline constexpr std::uint16_t kOldestMapVersion = 2;

// Identity block, read-only, read by the controller at connect.
inline constexpr int kMagic = 0;
inline constexpr int kVersion = 1;
inline constexpr int kWidth = 2;
inline constexpr int kHeight = 3;
inline constexpr int kPixelFormat = 4;  // 0 mono, 1 rgb565, 2 rgb888 (bangtin::PixelFormat)
inline constexpr int kCapabilities = 5;
// v3: registers in the framebuffer window from kFramebuffer, at least the frame's; the rest is
// memory for strips. Reserved (read as 0) in v2.
inline constexpr int kWindowRegisters = 6;
inline constexpr int kIdentityCount = 7;

// Capability bits (kCapabilities).
inline constexpr std::uint16_t kCapabilityBrightness = 1u << 0;
inline constexpr std::uint16_t kCapabilityPower = 1u << 1;
// The back buffer keeps its contents across a commit, so a controller may rewrite only what
// changed (delta mode).
inline constexpr std::uint16_t kCapabilityKeepsBackBuffer = 1u << 2;
// v3: the panel shows a window of a strip held in the framebuffer window (kMode = kModeStrip), so
// that a scroll costs one write of kViewportX and kCommit a frame. Reserved in v2.
inline constexpr std::uint16_t kCapabilityStrip = 1u << 3;
// v4: the panel shows a window of a ring of tiles (kMode = kModeRing), so that a strip too long for
// its memory scrolls with a few columns written a frame. Reserved before.
inline constexpr std::uint16_t kCapabilityRing = 1u << 4;

// Control block, read-write.
inline constexpr int kBrightness = 8;  // 0-255
inline constexpr int kPower = 9;       // 0 dark, 1 on
inline constexpr int kMode = 10;
inline constexpr std::uint16_t kModeFramebuffer = 0;
inline constexpr std::uint16_t kModeStrip = 1;
// v4: the window of a ring of tiles, which wraps around (kTileWidth).
inline constexpr std::uint16_t kModeRing = 2;
// Strip mode: pixels in each row of the strip; ring mode: of the whole ring, a multiple of
// kTileWidth.
inline constexpr int kStripWidth = 11;
// Strip and ring modes: the strip's (or the ring's first tile's) first register, from
// kFramebuffer.
inline constexpr int kStripBase = 12;
// v4, ring mode: pixels in each row of a tile. The ring is kStripWidth / kTileWidth tiles one after
// the other, each laid out as a frame kTileWidth pixels wide and starting on a whole register
// (ring_tile_registers). Reserved before v4, and in the other modes.
inline constexpr int kTileWidth = 13;
// Strip mode: the strip column at the panel's left edge, signed (two's complement); columns
// outside the strip are dark. Ring mode: the ring column there, counted modulo kStripWidth.
inline constexpr int kViewportX = 15;
// Commit: writing a frame sequence number here shows the back buffer (framebuffer mode) or the
// window of the strip at kViewportX (strip mode).
inline constexpr int kCommit = 16;
// One write of kMode .. kCommit switches mode or strip and commits at once.
inline constexpr int kModeWriteCount = kCommit - kMode + 1;

// Status block, read-only, read by the controller now and then (read_status_count registers).
inline constexpr int kShownSequence = 17;  // the last committed sequence number
inline constexpr int kShownCrcHigh = 18;   // CRC-32 of the frame bytes on show, high half
inline constexpr int kShownCrcLow = 19;
inline constexpr int kTemperature = 20;  // signed, tenths of a degree Celsius
inline constexpr int kFaults = 21;
inline constexpr int kUptimeHigh = 22;  // seconds since power-up, 32 bits
inline constexpr int kUptimeLow = 23;
inline constexpr int kStatusFirst = kShownSequence;
inline constexpr int kStatusCount = 7;

// Fault bits (kFaults).
// Set at power-up, cleared by the first commit: the panel lost its frame and back buffer.
inline constexpr std::uint16_t kFaultFramebufferLost = 1u << 0;
inline constexpr std::uint16_t kFaultOverTemperature = 1u << 1;
inline constexpr std::uint16_t kFaultPowerSupply = 1u << 2;
inline constexpr std::uint16_t kFaultPixelDriver = 1u << 3;

// Back buffer: frame bytes packed as in bangtin::Frame, two bytes a register, big-endian; an odd
// last byte sits in the high half of the last register.
inline constexpr int kFramebuffer = 256;
// A Modbus "write multiple registers" request carries at most 123 registers.
inline constexpr int kMaxRegistersPerWrite = 123;

constexpr int framebuffer_registers(std::size_t frame_bytes) {
  return static_cast<int>((frame_bytes + 1) / 2);
}

// Frame bytes as registers, as the back buffer holds them.
std::vector<std::uint16_t> pack_registers(std::span<const std::uint8_t> bytes);
PanelStatus decode_status(std::span<const std::uint16_t, kStatusCount> registers);

// Modbus framing: TCP adds a 7-byte MBAP header to each PDU, RTU a unit byte and a CRC-16.
enum class Framing { tcp, rtu };
// Bytes of one request and its reply, both ways.
std::size_t write_registers_exchange_bytes(Framing framing, int count);  // function 16
std::size_t write_register_exchange_bytes(Framing framing);              // function 06
std::size_t read_registers_exchange_bytes(Framing framing, int count);   // function 03

// A run of back-buffer registers to write, counted from kFramebuffer.
struct RegisterSpan {
  int first = 0;
  int count = 0;
  friend bool operator==(const RegisterSpan&, const RegisterSpan&) = default;
};

struct FramePlan {
  std::vector<RegisterSpan> writes;  // each at most kMaxRegistersPerWrite, ascending
  bool delta = false;
  WireCost cost;  // the writes plus the commit
};

// How to bring a back buffer holding `back_buffer` (empty when unknown) to `next`: the changed
// spans when that costs fewer bytes on the wire than the whole buffer, else the whole buffer.
// Nearby spans are merged when the registers between them cost less than another exchange.
FramePlan plan_frame(std::span<const std::uint16_t> back_buffer,
                     std::span<const std::uint16_t> next, Framing framing);
// One strip-mode frame: the viewport offset and the commit in one write.
WireCost strip_frame_cost(Framing framing);
// A commit that also sets the mode and the strip (kMode .. kCommit in one write).
WireCost mode_commit_cost(Framing framing);

// Bangtin keeps each strip in the window behind a two-register tag (the CRC-32 of the strip's
// bytes, never 0), written after the strip itself, so that after a reconnect it can tell whether
// the panel still holds the strip. Firmware treats the tag as plain memory.
inline constexpr int kStripTagRegisters = 2;
std::uint32_t strip_tag(const Frame& strip);
// Writing `count` registers in as few function-16 requests as may carry them.
WireCost registers_write_cost(Framing framing, int count);
// Writing a strip of `strip_registers` registers and its tag into the window.
WireCost strip_upload_cost(Framing framing, int strip_registers);
// Registers one tile of a ring takes: a frame `tile_width` pixels wide and `height` rows high.
int ring_tile_registers(PixelFormat format, int tile_width, int height);

// How long a cost takes on an RTU line: 11 bits a character (start, 8 data, parity or a second
// stop bit, stop) and the silent gap after each message (3.5 characters, 1.75 ms above 19200
// baud), for the request and the reply of each exchange. Turnaround inside the panel not counted.
double rtu_wire_seconds(const WireCost& cost, int baud);
double rtu_gap_seconds(int baud);

}  // namespace bangtin::register_map
