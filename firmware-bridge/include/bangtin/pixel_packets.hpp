// DDP and E1.31 (sACN) packets as plain functions over bytes: the DDP and E1.31 links encode with
// them, the panel simulator decodes with them, and a fuzzer can call either without a socket.
//
// Both protocols carry R, G, B bytes a pixel, row by row from the top left; mono and rgb565
// frames are widened to that (rgb_from_frame) and narrowed back by a receiver (frame_from_rgb).
// DDP can also say "1-bit grayscale" in its data type: a mono board whose receiver takes that gets
// one bit a pixel instead of 24 (mono_bits_from_frame). E1.31 cannot say
// it: its DMX slots are whatever the receiver was set up to read, in practice R, G, B bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bangtin/frame.hpp"

namespace bangtin {

// The frame's pixels as R, G, B bytes, as Frame::pixel gives them (a lit mono pixel is white),
// into `rgb` (resized; reused between frames so that no frame allocates).
void rgb_from_frame(const Frame& frame, std::vector<std::uint8_t>& rgb);
// Sets the frame's pixels from R, G, B bytes by Frame::set_pixel's rules; pixels the bytes do not
// reach are left as they are.
void frame_from_rgb(std::span<const std::uint8_t> rgb, Frame& frame);
// A mono frame's pixels as one bit each, leftmost first in the high bit, rows back to back with no
// padding between them (1 = lit), into `bits`; all dark when `on` is false or `brightness_percent`
// is 0 (a bit cannot be dimmed).
void mono_bits_from_frame(const Frame& frame, bool on, int brightness_percent,
                          std::vector<std::uint8_t>& bits);
// Dims R, G, B bytes in place for a receiver without a brightness control: each value times
// percent / 100, rounded; all dark when `on` is false.
void apply_light(std::span<std::uint8_t> rgb, int brightness_percent, bool on);
// The frame as R G B bytes at that light, ready for a pixel receiver: the frame's own bytes
// when it is rgb888 at full light, else widened and dimmed into `scratch`.
std::span<const std::uint8_t> rgb_at_light(const Frame& frame, int brightness_percent, bool on,
                                           std::vector<std::uint8_t>& scratch);

// Distributed Display Protocol, version 1, as WLED, FPP and xLights receive it.
namespace ddp {

inline constexpr int kPort = 4048;
inline constexpr std::size_t kHeaderBytes = 10;
inline constexpr std::size_t kMaxDataBytes = 1440;  // 480 RGB pixels
inline constexpr std::uint8_t kFlagVersion1 = 0x40;
inline constexpr std::uint8_t kFlagTimecode = 0x10;
inline constexpr std::uint8_t kFlagQuery = 0x02;
inline constexpr std::uint8_t kFlagPush = 0x01;
// The data type byte is C R TTT SSS: TTT the kind (1 RGB, 4 grayscale), SSS the bits of each
// element (1: 1 bit, 3: 8 bits).
inline constexpr std::uint8_t kDataTypeRgb8 = 0x0B;   // RGB, 8 bits a channel
inline constexpr std::uint8_t kDataTypeMono1 = 0x21;  // grayscale, 1 bit a pixel
inline constexpr std::uint8_t kIdDisplay = 1;         // the default output device

// Sequence numbers run 1-15 and wrap; 0 means "not numbered".
constexpr std::uint8_t next_sequence(std::uint8_t sequence) {
  return static_cast<std::uint8_t>(sequence % 15 + 1);
}

// One frame of R, G, B bytes as packets of at most kMaxDataBytes, each with its byte offset into
// the frame, the push flag on the last. The packets are laid back to back in `packets`; `sizes`
// gets each one's length. Both are cleared first.
// `data_type` says what the bytes are: kDataTypeRgb8, or kDataTypeMono1 for mono_bits_from_frame's.
void encode_frame(std::span<const std::uint8_t> rgb, std::uint8_t sequence,
                  std::vector<std::uint8_t>& packets, std::vector<std::size_t>& sizes,
                  std::uint8_t data_type = kDataTypeRgb8);

struct Packet {
  std::uint8_t flags = 0;
  std::uint8_t sequence = 0;
  std::uint8_t data_type = 0;
  std::uint8_t id = 0;
  std::uint32_t offset = 0;
  std::span<const std::uint8_t> data;  // points into the datagram
  bool push() const { return (flags & kFlagPush) != 0; }
};
// Nothing when the datagram is not a DDP version 1 packet or its length field disagrees with it.
std::optional<Packet> decode(std::span<const std::uint8_t> datagram);

}  // namespace ddp

// ANSI E1.31-2018 streaming ACN: DMX512 universes over UDP.
namespace e131 {

inline constexpr int kPort = 5568;
inline constexpr int kPixelsPerUniverse = 170;
inline constexpr int kChannelsPerUniverse = 3 * kPixelsPerUniverse;  // 510 of the 512
inline constexpr int kMaxUniverse = 63999;
inline constexpr std::size_t kDataHeaderBytes = 126;  // up to and including the DMX start code
inline constexpr std::size_t kSyncPacketBytes = 49;
inline constexpr std::uint8_t kDefaultPriority = 100;
inline constexpr std::uint8_t kOptionStreamTerminated = 0x40;

using Cid = std::array<std::uint8_t, 16>;

struct Source {
  Cid cid{};         // identifies the sender; stays the same for its lifetime
  std::string name;  // up to 63 bytes of UTF-8 are sent
  std::uint8_t priority = kDefaultPriority;  // 0-200
  std::uint16_t sync_universe = 0;           // 0: receivers show each universe as it comes
};

// Universes needed for a frame of `pixels` pixels at 170 a universe.
int universes_for(std::size_t pixels);
// The 239.255.HI.LO group a universe is multicast to.
std::string multicast_group(int universe);

// One data packet carrying `channels` (at most 512) for `universe`, into `packet` (cleared);
// `options` as kOptionStreamTerminated for the packets that end a stream.
void encode_data(const Source& source, std::uint16_t universe, std::uint8_t sequence,
                 std::span<const std::uint8_t> channels, std::vector<std::uint8_t>& packet,
                 std::uint8_t options = 0);
// One synchronization packet telling receivers to show what they hold for `sync_universe`.
void encode_sync(const Source& source, std::uint16_t sync_universe, std::uint8_t sequence,
                 std::vector<std::uint8_t>& packet);

struct DataPacket {
  Cid cid{};
  std::uint8_t priority = 0;
  std::uint16_t sync_universe = 0;
  std::uint8_t sequence = 0;
  std::uint8_t options = 0;
  std::uint16_t universe = 0;
  std::span<const std::uint8_t> channels;  // after the start code; points into the datagram
};
struct SyncPacket {
  Cid cid{};
  std::uint8_t sequence = 0;
  std::uint16_t sync_universe = 0;
};
// Nothing when the datagram is not that kind of E1.31 packet or is malformed (bad identifier,
// vectors or lengths, a non-zero DMX start code).
std::optional<DataPacket> decode_data(std::span<const std::uint8_t> datagram);
std::optional<SyncPacket> decode_sync(std::span<const std::uint8_t> datagram);

}  // namespace e131

}  // namespace bangtin
