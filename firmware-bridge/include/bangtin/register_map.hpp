// The panel register map, version 1: where a panel keeps its identity, its commit register and its
// framebuffer, as Modbus holding registers. REGISTER_MAP.md beside this header is the reference
// for firmware writers; these constants are the one place the code takes the numbers from.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bangtin::register_map {

inline constexpr std::uint16_t kMagicValue = 0x4254;  // "BT"
inline constexpr std::uint16_t kMapVersion = 1;

// Identity block, read-only, read by the controller at connect.
inline constexpr int kMagic = 0;
inline constexpr int kVersion = 1;
inline constexpr int kWidth = 2;
inline constexpr int kHeight = 3;
inline constexpr int kPixelFormat = 4;  // 0 mono, 1 rgb565, 2 rgb888 (bangtin::PixelFormat)
inline constexpr int kIdentityCount = 5;

// Commit: writing a new frame sequence number here makes the back buffer the shown frame.
inline constexpr int kCommit = 16;
// Last committed sequence number, as the panel saw it (read-back).
inline constexpr int kShownSequence = 17;

// Back buffer: frame bytes packed as in bangtin::Frame, two bytes a register, big-endian; an odd
// last byte sits in the high half of the last register.
inline constexpr int kFramebuffer = 256;
// A Modbus "write multiple registers" request carries at most 123 registers.
inline constexpr int kMaxRegistersPerWrite = 123;

constexpr int framebuffer_registers(std::size_t frame_bytes) {
  return static_cast<int>((frame_bytes + 1) / 2);
}

}  // namespace bangtin::register_map
