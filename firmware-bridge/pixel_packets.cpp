#include "bangtin/pixel_packets.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace bangtin {

namespace {

void put16(std::uint8_t* at, unsigned value) {
  at[0] = static_cast<std::uint8_t>(value >> 8);
  at[1] = static_cast<std::uint8_t>(value);
}
void put32(std::uint8_t* at, std::uint32_t value) {
  put16(at, value >> 16);
  put16(at + 2, value & 0xFFFF);
}
unsigned get16(const std::uint8_t* at) { return (unsigned{at[0]} << 8) | at[1]; }
std::uint32_t get32(const std::uint8_t* at) {
  return (std::uint32_t{get16(at)} << 16) | get16(at + 2);
}

// Frame::pixel's widening of 5- and 6-bit channels, as tables: this runs for every pixel of every
// frame sent to a network panel.
struct Widening {
  std::array<std::uint8_t, 32> five{};
  std::array<std::uint8_t, 64> six{};
  constexpr Widening() {
    for (unsigned v = 0; v < 32; ++v) five[v] = static_cast<std::uint8_t>(v * 255 / 31);
    for (unsigned v = 0; v < 64; ++v) six[v] = static_cast<std::uint8_t>(v * 255 / 63);
  }
};
constexpr Widening kWidening;

}  // namespace

std::span<const std::uint8_t> rgb_at_light(const Frame& frame, int brightness_percent, bool on,
                                           std::vector<std::uint8_t>& scratch) {
  const bool dimmed = !on || brightness_percent < 100;
  if (frame.format == PixelFormat::rgb888 && !dimmed) return frame.bytes;
  if (frame.format == PixelFormat::rgb888) {
    scratch.assign(frame.bytes.begin(), frame.bytes.end());
  } else {
    rgb_from_frame(frame, scratch);
  }
  apply_light(scratch, brightness_percent, on);
  return scratch;
}

void apply_light(std::span<std::uint8_t> rgb, int brightness_percent, bool on) {
  const int percent = on ? std::clamp(brightness_percent, 0, 100) : 0;
  if (percent == 100) return;
  std::array<std::uint8_t, 256> scaled{};
  for (int v = 0; v < 256; ++v) scaled[v] = static_cast<std::uint8_t>((v * percent + 50) / 100);
  for (std::uint8_t& value : rgb) value = scaled[value];
}

void rgb_from_frame(const Frame& frame, std::vector<std::uint8_t>& rgb) {
  const auto pixels =
      static_cast<std::size_t>(frame.width) * static_cast<std::size_t>(frame.height);
  rgb.resize(3 * pixels);
  std::uint8_t* out = rgb.data();
  switch (frame.format) {
    case PixelFormat::rgb888:
      std::copy_n(frame.bytes.data(), std::min(rgb.size(), frame.bytes.size()), out);
      return;
    case PixelFormat::rgb565:
      for (std::size_t i = 0; i < pixels; ++i, out += 3) {
        const unsigned v = get16(frame.bytes.data() + 2 * i);
        out[0] = kWidening.five[v >> 11];
        out[1] = kWidening.six[(v >> 5) & 0x3F];
        out[2] = kWidening.five[v & 0x1F];
      }
      return;
    case PixelFormat::mono: {
      const std::size_t stride = frame.stride();
      for (int y = 0; y < frame.height; ++y) {
        const std::uint8_t* row = frame.bytes.data() + static_cast<std::size_t>(y) * stride;
        for (int x = 0; x < frame.width; ++x, out += 3) {
          const std::uint8_t level = (row[x / 8] & (0x80u >> (x % 8))) ? 255 : 0;
          out[0] = out[1] = out[2] = level;
        }
      }
      return;
    }
  }
}

void frame_from_rgb(std::span<const std::uint8_t> rgb, Frame& frame) {
  const std::size_t pixels = std::min(rgb.size() / 3, static_cast<std::size_t>(frame.width) *
                                                          static_cast<std::size_t>(frame.height));
  if (frame.format == PixelFormat::rgb888) {
    std::copy_n(rgb.data(), 3 * pixels, frame.bytes.data());
    return;
  }
  for (std::size_t i = 0; i < pixels; ++i) {
    const int x = static_cast<int>(i % static_cast<std::size_t>(frame.width));
    const int y = static_cast<int>(i / static_cast<std::size_t>(frame.width));
    frame.set_pixel(x, y, Rgb{rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]});
  }
}

void mono_bits_from_frame(const Frame& frame, bool on, int brightness_percent,
                          std::vector<std::uint8_t>& bits) {
  if (frame.format != PixelFormat::mono)
    throw std::invalid_argument("1-bit pixels are for mono frames");
  const std::size_t pixels = static_cast<std::size_t>(frame.width) * frame.height;
  bits.assign((pixels + 7) / 8, 0);
  if (!on || brightness_percent <= 0) return;
  const std::size_t row = row_bytes(PixelFormat::mono, frame.width);
  if (frame.width % 8 == 0) {  // rows end on whole bytes: the frame's own bytes, as they are
    std::copy_n(frame.bytes.begin(), std::min(bits.size(), frame.bytes.size()), bits.begin());
    return;
  }
  std::size_t at = 0;
  for (int y = 0; y < frame.height; ++y) {
    const std::uint8_t* source = frame.bytes.data() + static_cast<std::size_t>(y) * row;
    for (int x = 0; x < frame.width; ++x, ++at)
      if (source[x / 8] & (0x80 >> (x % 8)))
        bits[at / 8] |= static_cast<std::uint8_t>(0x80 >> (at % 8));
  }
}

namespace ddp {

void encode_frame(std::span<const std::uint8_t> rgb, std::uint8_t sequence,
                  std::vector<std::uint8_t>& packets, std::vector<std::size_t>& sizes,
                  std::uint8_t data_type) {
  const std::size_t count =
      std::max<std::size_t>(1, (rgb.size() + kMaxDataBytes - 1) / kMaxDataBytes);
  packets.resize(rgb.size() + count * kHeaderBytes);
  sizes.clear();
  std::uint8_t* out = packets.data();
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t offset = i * kMaxDataBytes;
    const std::size_t length = std::min(kMaxDataBytes, rgb.size() - offset);
    out[0] = static_cast<std::uint8_t>(kFlagVersion1 | (i + 1 == count ? kFlagPush : 0));
    out[1] = static_cast<std::uint8_t>(sequence & 0x0F);
    out[2] = data_type;
    out[3] = kIdDisplay;
    put32(out + 4, static_cast<std::uint32_t>(offset));
    put16(out + 8, static_cast<unsigned>(length));
    if (length > 0) std::memcpy(out + kHeaderBytes, rgb.data() + offset, length);
    out += kHeaderBytes + length;
    sizes.push_back(kHeaderBytes + length);
  }
}

std::optional<Packet> decode(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < kHeaderBytes) return std::nullopt;
  const std::uint8_t* const at = datagram.data();
  if ((at[0] & 0xC0) != kFlagVersion1) return std::nullopt;
  const std::size_t header = (at[0] & kFlagTimecode) ? kHeaderBytes + 4 : kHeaderBytes;
  const std::size_t length = get16(at + 8);
  if (datagram.size() < header + length) return std::nullopt;
  Packet packet;
  packet.flags = at[0];
  packet.sequence = at[1] & 0x0F;
  packet.data_type = at[2];
  packet.id = at[3];
  packet.offset = get32(at + 4);
  packet.data = datagram.subspan(header, length);
  return packet;
}

}  // namespace ddp

namespace e131 {

namespace {

constexpr std::uint8_t kAcnIdentifier[12] = {0x41, 0x53, 0x43, 0x2d, 0x45, 0x31,
                                             0x2e, 0x31, 0x37, 0x00, 0x00, 0x00};
constexpr std::uint32_t kVectorRootData = 0x00000004;
constexpr std::uint32_t kVectorRootExtended = 0x00000008;
constexpr std::uint32_t kVectorFramingData = 0x00000002;
constexpr std::uint32_t kVectorFramingSync = 0x00000001;
constexpr std::uint8_t kVectorDmpSetProperty = 0x02;
constexpr std::size_t kMaxChannels = 512;

// A PDU's flags-and-length field: the top nibble 0x7, then the length from this field on.
void put_flags_length(std::uint8_t* packet, std::size_t at, std::size_t total) {
  put16(packet + at, 0x7000u | static_cast<unsigned>(total - at));
}
bool flags_length_ok(const std::uint8_t* packet, std::size_t at, std::size_t total) {
  const unsigned field = get16(packet + at);
  return (field & 0xF000u) == 0x7000u && (field & 0x0FFFu) == total - at;
}

void put_root(std::vector<std::uint8_t>& packet, std::uint32_t vector, const Cid& cid) {
  std::uint8_t* const at = packet.data();
  put16(at, 0x0010);
  put16(at + 2, 0x0000);
  std::memcpy(at + 4, kAcnIdentifier, sizeof kAcnIdentifier);
  put_flags_length(at, 16, packet.size());
  put32(at + 18, vector);
  std::memcpy(at + 22, cid.data(), cid.size());
}

bool root_ok(std::span<const std::uint8_t> datagram, std::uint32_t vector) {
  const std::uint8_t* const at = datagram.data();
  return datagram.size() >= 38 && get16(at) == 0x0010 && get16(at + 2) == 0 &&
         std::memcmp(at + 4, kAcnIdentifier, sizeof kAcnIdentifier) == 0 &&
         flags_length_ok(at, 16, datagram.size()) && get32(at + 18) == vector;
}

Cid cid_of(const std::uint8_t* packet) {
  Cid cid;
  std::memcpy(cid.data(), packet + 22, cid.size());
  return cid;
}

}  // namespace

int universes_for(std::size_t pixels) {
  return static_cast<int>((pixels + kPixelsPerUniverse - 1) / kPixelsPerUniverse);
}

std::string multicast_group(int universe) {
  return "239.255." + std::to_string((universe >> 8) & 0xFF) + "." +
         std::to_string(universe & 0xFF);
}

void encode_data(const Source& source, std::uint16_t universe, std::uint8_t sequence,
                 std::span<const std::uint8_t> channels, std::vector<std::uint8_t>& packet,
                 std::uint8_t options) {
  const std::size_t count = std::min(channels.size(), kMaxChannels);
  packet.assign(kDataHeaderBytes + count, 0);
  put_root(packet, kVectorRootData, source.cid);
  std::uint8_t* const at = packet.data();
  // Framing layer.
  put_flags_length(at, 38, packet.size());
  put32(at + 40, kVectorFramingData);
  std::memcpy(at + 44, source.name.data(), std::min<std::size_t>(source.name.size(), 63));
  at[108] = source.priority;
  put16(at + 109, source.sync_universe);
  at[111] = sequence;
  at[112] = options;
  put16(at + 113, universe);
  // DMP layer.
  put_flags_length(at, 115, packet.size());
  at[117] = kVectorDmpSetProperty;
  at[118] = 0xA1;                                     // address and data type
  put16(at + 119, 0x0000);                            // first property address
  put16(at + 121, 0x0001);                            // address increment
  put16(at + 123, static_cast<unsigned>(count + 1));  // the start code and the channels
  at[125] = 0x00;                                     // DMX512 start code: dimmer data
  if (count > 0) std::memcpy(at + kDataHeaderBytes, channels.data(), count);
}

void encode_sync(const Source& source, std::uint16_t sync_universe, std::uint8_t sequence,
                 std::vector<std::uint8_t>& packet) {
  packet.assign(kSyncPacketBytes, 0);
  put_root(packet, kVectorRootExtended, source.cid);
  std::uint8_t* const at = packet.data();
  put_flags_length(at, 38, packet.size());
  put32(at + 40, kVectorFramingSync);
  at[44] = sequence;
  put16(at + 45, sync_universe);
}

std::optional<DataPacket> decode_data(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < kDataHeaderBytes || datagram.size() > kDataHeaderBytes + kMaxChannels ||
      !root_ok(datagram, kVectorRootData))
    return std::nullopt;
  const std::uint8_t* const at = datagram.data();
  const std::size_t size = datagram.size();
  if (!flags_length_ok(at, 38, size) || get32(at + 40) != kVectorFramingData ||
      !flags_length_ok(at, 115, size) || at[117] != kVectorDmpSetProperty || at[118] != 0xA1 ||
      get16(at + 119) != 0 || get16(at + 121) != 1 || get16(at + 123) != size - 125 ||
      at[125] != 0x00)
    return std::nullopt;
  DataPacket packet;
  packet.cid = cid_of(at);
  packet.priority = at[108];
  packet.sync_universe = static_cast<std::uint16_t>(get16(at + 109));
  packet.sequence = at[111];
  packet.options = at[112];
  packet.universe = static_cast<std::uint16_t>(get16(at + 113));
  packet.channels = datagram.subspan(kDataHeaderBytes);
  return packet;
}

std::optional<SyncPacket> decode_sync(std::span<const std::uint8_t> datagram) {
  if (datagram.size() != kSyncPacketBytes || !root_ok(datagram, kVectorRootExtended))
    return std::nullopt;
  const std::uint8_t* const at = datagram.data();
  if (!flags_length_ok(at, 38, datagram.size()) || get32(at + 40) != kVectorFramingSync)
    return std::nullopt;
  SyncPacket packet;
  packet.cid = cid_of(at);
  packet.sequence = at[44];
  packet.sync_universe = static_cast<std::uint16_t>(get16(at + 45));
  return packet;
}

}  // namespace e131

}  // namespace bangtin
