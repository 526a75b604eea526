#include "bangtin/simulated_panel.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <utility>

#include "bangtin/panel_link.hpp"
#include "bangtin/pixel_packets.hpp"
#include "bangtin/register_map.hpp"
#include "bangtin/text_display.hpp"

namespace bangtin {

namespace rm = register_map;

namespace {

constexpr std::uint8_t kReadHoldingRegisters = 0x03;
constexpr std::uint8_t kWriteSingleRegister = 0x06;
constexpr std::uint8_t kWriteMultipleRegisters = 0x10;
constexpr std::uint8_t kIllegalFunction = 0x01;
constexpr std::uint8_t kIllegalDataAddress = 0x02;
constexpr std::uint8_t kIllegalDataValue = 0x03;
// The most registers one request may read (so that the reply fits a PDU) and write.
constexpr int kMaxReadRegisters = 125;
constexpr int kMaxWriteRegisters = rm::kMaxRegistersPerWrite;

std::uint16_t big_endian_16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

// Copies all of `from` into `to` from column `at` on (same height and format).
void paste_columns(const Frame& from, Frame& to, int at) {
  if (from.format != PixelFormat::mono) {
    const std::size_t pixel = from.stride() / static_cast<std::size_t>(from.width);
    for (int y = 0; y < from.height; ++y)
      std::copy_n(from.bytes.begin() + static_cast<std::ptrdiff_t>(y * from.stride()),
                  from.stride(),
                  to.bytes.begin() + static_cast<std::ptrdiff_t>(y * to.stride() + at * pixel));
    return;
  }
  for (int y = 0; y < from.height; ++y)
    for (int x = 0; x < from.width; ++x) {
      if (((from.bytes[y * from.stride() + x / 8] >> (7 - x % 8)) & 1) == 0) continue;
      const int column = at + x;
      to.bytes[y * to.stride() + column / 8] |= static_cast<std::uint8_t>(0x80u >> (column % 8));
    }
}

std::vector<std::uint8_t> exception_reply(std::uint8_t function, std::uint8_t code) {
  return {static_cast<std::uint8_t>(function | 0x80), code};
}

}  // namespace

SimulatedPanel::SimulatedPanel(const SimulatorOptions& options, Clock::time_point powered_up)
    : options_(options),
      text_profile_(options.text_display.has_value()),
      frame_bytes_(options.width > 0 && options.height > 0
                       ? row_bytes(options.format, options.width) *
                             static_cast<std::size_t>(options.height)
                       : 0),
      frame_pixels_(static_cast<std::size_t>(std::max(options.width, 0)) *
                    static_cast<std::size_t>(std::max(options.height, 0))),
      boot_time_(powered_up),
      fault_bits_(rm::kFaultFramebufferLost) {  // as at any power-up
  if (frame_bytes_ == 0) throw std::invalid_argument("width and height must be positive");
  // Modbus addresses are 16 bits: the identity registers and the back buffer must fit in them.
  constexpr std::size_t kMaxFrameBytes = 2 * (0x10000 - rm::kFramebuffer);
  if (options.width > 0xFFFF || options.height > 0xFFFF || frame_bytes_ > kMaxFrameBytes)
    throw std::invalid_argument(
        "a " + std::to_string(options.width) + "x" + std::to_string(options.height) + " " +
        std::string(to_string(options.format)) + " panel does not fit in the register map");
  if (options.map_version < rm::kOldestMapVersion || options.map_version > rm::kMapVersion)
    throw std::invalid_argument("register map version must be " +
                                std::to_string(rm::kOldestMapVersion) + " to " +
                                std::to_string(rm::kMapVersion));
  if (options.strip_registers < 0) throw std::invalid_argument("strip memory cannot be negative");

  if (text_profile_) {
    const TextDisplayLayout& layout = *options.text_display;
    if (layout.line_registers.empty() || layout.chars < 1 || layout.chars > kMaxTextDisplayChars)
      throw std::invalid_argument("a text display needs lines and 1-" +
                                  std::to_string(kMaxTextDisplayChars) + " characters a line");
    long register_count = layout.brightness_register.value_or(0) + 1L;
    for (const int line : layout.line_registers) {
      if (line < 0) throw std::invalid_argument("a text display's registers start at 0");
      register_count = std::max(register_count, long{line} + layout.registers_per_line());
    }
    if (layout.brightness_register.value_or(0) < 0 || register_count > 0x10000)
      throw std::invalid_argument("the text display's registers run past 65535");
    registers_.assign(static_cast<std::size_t>(register_count), 0);
  } else {
    window_registers_ = rm::framebuffer_registers(frame_bytes_);
    if (options.map_version >= 3)
      window_registers_ = static_cast<int>(std::min<long>(
          long{window_registers_} + options.strip_registers, 0x10000 - rm::kFramebuffer));
    registers_.assign(static_cast<std::size_t>(rm::kFramebuffer + window_registers_), 0);
  }
  shown_ = Frame::blank(options.width, options.height, options.format);
  shown_crc_ = frame_crc32(shown_);
  rgb_back_buffer_.assign(3 * frame_pixels_, 0);
  universes_received_.assign(static_cast<std::size_t>(e131::universes_for(frame_pixels_)), false);
  reset_control_registers();
  refresh_read_only_registers(powered_up);
}

std::vector<std::uint8_t> SimulatedPanel::modbus_request(std::span<const std::uint8_t> pdu,
                                                         Clock::time_point now) {
  if (pdu.empty()) return {};
  const std::uint8_t function = pdu[0];
  switch (function) {
    case kReadHoldingRegisters:
      return read_registers(pdu, now);
    case kWriteSingleRegister: {
      if (pdu.size() != 5) return exception_reply(function, kIllegalDataValue);
      const std::uint16_t value = big_endian_16(pdu, 3);
      return write_registers(pdu, big_endian_16(pdu, 1), std::span(&value, 1), now);
    }
    case kWriteMultipleRegisters: {
      if (pdu.size() < 6) return exception_reply(function, kIllegalDataValue);
      const int count = big_endian_16(pdu, 3);
      const std::size_t byte_count = pdu[5];
      if (count < 1 || count > kMaxWriteRegisters || byte_count != 2u * count ||
          pdu.size() != 6 + byte_count)
        return exception_reply(function, kIllegalDataValue);
      std::vector<std::uint16_t> values(static_cast<std::size_t>(count));
      for (std::size_t i = 0; i < values.size(); ++i) values[i] = big_endian_16(pdu, 6 + 2 * i);
      return write_registers(pdu, big_endian_16(pdu, 1), values, now);
    }
    default:
      return exception_reply(function, kIllegalFunction);
  }
}

std::vector<std::uint8_t> SimulatedPanel::read_registers(std::span<const std::uint8_t> pdu,
                                                         Clock::time_point now) {
  if (pdu.size() != 5) return exception_reply(pdu[0], kIllegalDataValue);
  const std::size_t address = big_endian_16(pdu, 1);
  const int count = big_endian_16(pdu, 3);
  if (count < 1 || count > kMaxReadRegisters) return exception_reply(pdu[0], kIllegalDataValue);
  if (address + static_cast<std::size_t>(count) > registers_.size())
    return exception_reply(pdu[0], kIllegalDataAddress);
  refresh_read_only_registers(now);
  std::vector<std::uint8_t> reply{pdu[0], static_cast<std::uint8_t>(2 * count)};
  for (std::size_t i = address; i < address + static_cast<std::size_t>(count); ++i) {
    reply.push_back(static_cast<std::uint8_t>(registers_[i] >> 8));
    reply.push_back(static_cast<std::uint8_t>(registers_[i] & 0xFF));
  }
  return reply;
}

// Any accepted write covering COMMIT is a commit, even one that repeats the previous sequence
// number: a panel must not drop a frame because the controller restarted its count.
std::vector<std::uint8_t> SimulatedPanel::write_registers(std::span<const std::uint8_t> pdu,
                                                          int address,
                                                          std::span<const std::uint16_t> values,
                                                          Clock::time_point now) {
  const std::size_t first = static_cast<std::size_t>(address);
  if (first + values.size() > registers_.size())
    return exception_reply(pdu[0], kIllegalDataAddress);
  const bool covers_commit = !text_profile_ && address <= rm::kCommit &&
                             rm::kCommit < address + static_cast<int>(values.size());
  // What the write goes over, to put back when the commit is refused.
  std::vector<std::uint16_t> written_over;
  if (covers_commit)
    written_over.assign(registers_.begin() + address,
                        registers_.begin() + address + std::ssize(values));
  std::copy(values.begin(), values.end(), registers_.begin() + address);
  // The frame shown is the back buffer (or the strip) after this very write.
  if (covers_commit && !commit(registers_[rm::kCommit])) {
    std::copy(written_over.begin(), written_over.end(), registers_.begin() + address);
    return exception_reply(pdu[0], kIllegalDataValue);
  }
  // After the write, so that a write covering them cannot change what the panel reports.
  refresh_read_only_registers(now);
  if (text_profile_ && writes_text_lines(address, values.size())) ++commits_;
  // Function 06 echoes the request; function 16 its address and count.
  return {pdu.begin(), pdu.begin() + std::min<std::ptrdiff_t>(std::ssize(pdu), 5)};
}

bool SimulatedPanel::commit(std::uint16_t sequence) {
  std::optional<Frame> frame = committed_frame();
  if (!frame) {
    ++rejected_commits_;
    return false;
  }
  show(std::move(*frame), sequence);
  if (registers_[rm::kMode] == rm::kModeStrip) ++strip_commits_;
  if (registers_[rm::kMode] == rm::kModeRing) ++ring_commits_;
  return true;
}

std::optional<Frame> SimulatedPanel::committed_frame() const {
  const auto unpack = [&](int first, Frame& frame) {
    const std::uint16_t* const words = registers_.data() + rm::kFramebuffer + first;
    for (std::size_t i = 0; i < frame.bytes.size(); ++i) {
      const std::uint16_t word = words[i / 2];
      frame.bytes[i] = static_cast<std::uint8_t>(i % 2 == 0 ? word >> 8 : word & 0xFF);
    }
  };
  Frame frame = Frame::blank(options_.width, options_.height, options_.format);
  const bool strips = options_.map_version >= 3 && options_.strip_registers > 0;
  if (!strips || registers_[rm::kMode] == rm::kModeFramebuffer) {
    unpack(0, frame);
    return frame;
  }
  if (registers_[rm::kMode] == rm::kModeRing && options_.map_version >= 4) return ring_window();
  if (registers_[rm::kMode] != rm::kModeStrip) return std::nullopt;
  const int width = registers_[rm::kStripWidth];
  const int base = registers_[rm::kStripBase];
  if (width < 1) return std::nullopt;
  // In size_t: a strip 65535 pixels wide on a tall panel has more registers than an int holds.
  const std::size_t strip_registers =
      (row_bytes(options_.format, width) * static_cast<std::size_t>(options_.height) + 1) / 2;
  if (static_cast<std::size_t>(base) + strip_registers >
      static_cast<std::size_t>(window_registers_))
    return std::nullopt;
  Frame strip = Frame::blank(width, options_.height, options_.format);
  unpack(base, strip);
  cut_strip_window(strip, static_cast<std::int16_t>(registers_[rm::kViewportX]), frame);
  return frame;
}

std::optional<Frame> SimulatedPanel::ring_window() const {
  const int ring_width = registers_[rm::kStripWidth];
  const int tile_width = registers_[rm::kTileWidth];
  const int base = registers_[rm::kStripBase];
  if (tile_width < 1 || ring_width < tile_width || ring_width % tile_width != 0)
    return std::nullopt;
  const int tiles = ring_width / tile_width;
  const int tile_registers = rm::ring_tile_registers(options_.format, tile_width, options_.height);
  if (long{base} + long{tiles} * tile_registers > window_registers_) return std::nullopt;
  // The ring as one strip, twice over and more when the panel is wider than the ring, so that
  // the window that wraps is a plain cut of it.
  const int copies = 1 + (options_.width + ring_width - 1) / ring_width;
  Frame unrolled = Frame::blank(ring_width * copies, options_.height, options_.format);
  Frame tile = Frame::blank(tile_width, options_.height, options_.format);
  for (int t = 0; t < tiles; ++t) {
    const std::uint16_t* const words = registers_.data() + rm::kFramebuffer + base +
                                       static_cast<std::ptrdiff_t>(t) * tile_registers;
    for (std::size_t i = 0; i < tile.bytes.size(); ++i)
      tile.bytes[i] =
          static_cast<std::uint8_t>(i % 2 == 0 ? words[i / 2] >> 8 : words[i / 2] & 0xFF);
    for (int copy = 0; copy < copies; ++copy)
      paste_columns(tile, unrolled, copy * ring_width + t * tile_width);
  }
  const int viewport = static_cast<std::int16_t>(registers_[rm::kViewportX]);
  Frame frame = Frame::blank(options_.width, options_.height, options_.format);
  cut_strip_window(unrolled, ((viewport % ring_width) + ring_width) % ring_width, frame);
  return frame;
}

bool SimulatedPanel::writes_text_lines(int address, std::size_t count) const {
  const TextDisplayLayout& layout = *options_.text_display;
  const long end = address + static_cast<long>(count);
  return std::any_of(layout.line_registers.begin(), layout.line_registers.end(), [&](int line) {
    return address < line + layout.registers_per_line() && line < end;
  });
}

void SimulatedPanel::show(Frame frame, std::uint16_t sequence) {
  shown_sequence_ = sequence;
  shown_crc_ = frame_crc32(frame);
  fault_bits_ = static_cast<std::uint16_t>(fault_bits_ & ~rm::kFaultFramebufferLost);
  shown_ = std::move(frame);
  ++commits_;
}

void SimulatedPanel::show_pixel_frame(std::uint16_t sequence) {
  Frame frame = Frame::blank(options_.width, options_.height, options_.format);
  frame_from_rgb(rgb_back_buffer_, frame);
  show(std::move(frame), sequence);
}

bool SimulatedPanel::ddp_datagram(std::span<const std::uint8_t> datagram) {
  if (text_profile_) return false;
  const auto packet = ddp::decode(datagram);
  // Pixel data for the display; queries and other ids are not for a panel like this one.
  if (!packet || (packet->flags & ddp::kFlagQuery) != 0 ||
      (packet->id != ddp::kIdDisplay && packet->id != 0))
    return false;
  if (packet->data_type == ddp::kDataTypeMono1) {
    // One bit a pixel: the offset counts bytes of bits, eight pixels each.
    const std::size_t pixels = rgb_back_buffer_.size() / 3;
    for (std::size_t i = 0; i < packet->data.size() * 8; ++i) {
      const std::size_t p = std::size_t{packet->offset} * 8 + i;
      if (p >= pixels) break;
      const bool lit = (packet->data[i / 8] & (0x80 >> (i % 8))) != 0;
      std::fill_n(rgb_back_buffer_.begin() + static_cast<std::ptrdiff_t>(3 * p), 3,
                  lit ? 0xFF : 0x00);
    }
  } else if (packet->offset < rgb_back_buffer_.size()) {
    const std::size_t count =
        std::min<std::size_t>(packet->data.size(), rgb_back_buffer_.size() - packet->offset);
    std::copy_n(packet->data.data(), count, rgb_back_buffer_.begin() + packet->offset);
  }
  if (!packet->push()) return false;
  show_pixel_frame(packet->sequence);
  return true;
}

bool SimulatedPanel::e131_datagram(std::span<const std::uint8_t> datagram) {
  if (text_profile_) return false;
  const auto universes = static_cast<int>(universes_received_.size());
  const auto commit_universes = [&](std::uint8_t sequence) {
    std::fill(universes_received_.begin(), universes_received_.end(), false);
    show_pixel_frame(sequence);
    return true;
  };
  if (const auto sync = e131::decode_sync(datagram)) {
    // Only a sync that our data named, and only once all our universes have come.
    if (awaited_sync_universe_ != 0 && sync->sync_universe == awaited_sync_universe_ &&
        std::all_of(universes_received_.begin(), universes_received_.end(),
                    [](bool received) { return received; }))
      return commit_universes(sync->sequence);
    return false;
  }
  const auto packet = e131::decode_data(datagram);
  if (!packet || (packet->options & 0x80) != 0) return false;  // preview data is not for show
  const int index = packet->universe - options_.e131_universe;
  if (index < 0 || index >= universes) return false;
  if ((packet->options & e131::kOptionStreamTerminated) != 0) {
    // The source has gone: go dark at once rather than keep its last frame, once for the three
    // packets of each universe.
    if (e131_stream_ended_) return false;
    e131_stream_ended_ = true;
    std::fill(rgb_back_buffer_.begin(), rgb_back_buffer_.end(), 0);
    return commit_universes(packet->sequence);
  }
  e131_stream_ended_ = false;
  const std::size_t first = static_cast<std::size_t>(index) * e131::kChannelsPerUniverse;
  const std::size_t count =
      std::min({packet->channels.size(), static_cast<std::size_t>(e131::kChannelsPerUniverse),
                rgb_back_buffer_.size() - first});
  std::copy_n(packet->channels.data(), count,
              rgb_back_buffer_.begin() + static_cast<std::ptrdiff_t>(first));
  universes_received_[static_cast<std::size_t>(index)] = true;
  awaited_sync_universe_ = packet->sync_universe;
  // Without synchronization a receiver shows the frame when its last universe comes.
  if (packet->sync_universe == 0 && index == universes - 1)
    return commit_universes(packet->sequence);
  return false;
}

void SimulatedPanel::restart(Clock::time_point up_at) {
  if (!text_profile_) std::fill(registers_.begin() + rm::kFramebuffer, registers_.end(), 0);
  reset_control_registers();
  std::fill(rgb_back_buffer_.begin(), rgb_back_buffer_.end(), 0);
  std::fill(universes_received_.begin(), universes_received_.end(), false);
  boot_time_ = up_at;
  shown_sequence_ = 0;
  fault_bits_ = rm::kFaultFramebufferLost;
  shown_ = Frame::blank(options_.width, options_.height, options_.format);
  shown_crc_ = frame_crc32(shown_);
  refresh_read_only_registers(up_at);
}

SimulatorLight SimulatedPanel::light() const {
  if (text_profile_) {
    // The level as written (0 at power-up), and always on: such displays have no power control.
    const auto brightness = options_.text_display->brightness_register;
    return SimulatorLight{brightness ? registers_[static_cast<std::size_t>(*brightness)] : 0, true};
  }
  return SimulatorLight{std::min<int>(registers_[rm::kBrightness], 255),
                        registers_[rm::kPower] != 0};
}

std::vector<std::string> SimulatedPanel::text_lines() const {
  if (!text_profile_) return {};
  const TextDisplayLayout& layout = *options_.text_display;
  std::vector<std::string> lines;
  for (const int line : layout.line_registers)
    lines.push_back(
        decode_text_line(std::span(registers_)
                             .subspan(static_cast<std::size_t>(line),
                                      static_cast<std::size_t>(layout.registers_per_line())),
                         layout));
  return lines;
}

void SimulatedPanel::reset_control_registers() {
  if (text_profile_) {
    // Power-up: blank lines, brightness 0 (as the register reads until written).
    std::fill(registers_.begin(), registers_.end(), 0);
    const TextDisplayLayout& layout = *options_.text_display;
    for (const int line : layout.line_registers)
      std::fill_n(registers_.begin() + line, layout.registers_per_line(), 0x2020);
    return;
  }
  std::fill(registers_.begin() + rm::kBrightness, registers_.begin() + rm::kCommit + 1, 0);
  registers_[rm::kBrightness] = 255;
  registers_[rm::kPower] = 1;
  registers_[rm::kMode] = rm::kModeFramebuffer;
}

void SimulatedPanel::refresh_read_only_registers(Clock::time_point now) {
  if (text_profile_) return;  // such displays have no identity or status block
  const bool strips = options_.map_version >= 3 && options_.strip_registers > 0;
  registers_[rm::kMagic] = rm::kMagicValue;
  registers_[rm::kVersion] = static_cast<std::uint16_t>(options_.map_version);
  registers_[rm::kWidth] = static_cast<std::uint16_t>(options_.width);
  registers_[rm::kHeight] = static_cast<std::uint16_t>(options_.height);
  registers_[rm::kPixelFormat] = static_cast<std::uint16_t>(options_.format);
  registers_[rm::kCapabilities] =
      static_cast<std::uint16_t>(rm::kCapabilityBrightness | rm::kCapabilityPower |
                                 (options_.keeps_back_buffer ? rm::kCapabilityKeepsBackBuffer : 0) |
                                 (strips ? rm::kCapabilityStrip : 0) |
                                 (strips && options_.map_version >= 4 ? rm::kCapabilityRing : 0));
  registers_[rm::kWindowRegisters] =
      options_.map_version >= 3 ? static_cast<std::uint16_t>(window_registers_) : 0;
  registers_[rm::kShownSequence] = shown_sequence_;
  registers_[rm::kShownCrcHigh] = static_cast<std::uint16_t>(shown_crc_ >> 16);
  registers_[rm::kShownCrcLow] = static_cast<std::uint16_t>(shown_crc_ & 0xFFFF);
  registers_[rm::kTemperature] = 350;  // 35.0 °C: a board in the shade
  registers_[rm::kFaults] = fault_bits_;
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::max(now - boot_time_, Clock::duration::zero()));
  const auto seconds = static_cast<std::uint32_t>(uptime.count());
  registers_[rm::kUptimeHigh] = static_cast<std::uint16_t>(seconds >> 16);
  registers_[rm::kUptimeLow] = static_cast<std::uint16_t>(seconds & 0xFFFF);
}

}  // namespace bangtin
