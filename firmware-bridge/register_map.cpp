// Frames as register writes and what they cost on the wire. Plain functions over values, shared by
// the Modbus links (which pick full or delta per frame) and bangtin-bench (which reports the cost).

#include "bangtin/register_map.hpp"

#include <zlib.h>

#include <algorithm>

namespace bangtin {

std::uint32_t frame_crc32(const Frame& frame) {
  // zlib takes a uInt length; a frame is at most 128 KiB (the register map's window), so one call
  // covers it, but loop anyway so that no size can be cut short silently.
  uLong crc = crc32(0L, Z_NULL, 0);
  const std::uint8_t* data = frame.bytes.data();
  std::size_t left = frame.bytes.size();
  while (left > 0) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
    crc = crc32(crc, data, chunk);
    data += chunk;
    left -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

namespace register_map {

namespace {

// Unit id and CRC-16 for RTU; transaction, protocol, length and unit id (MBAP) for TCP.
std::size_t adu_overhead(Framing framing) { return framing == Framing::tcp ? 7 : 3; }

// What one more exchange costs beyond its data, in bytes; on RTU the two silent gaps (3.5
// characters each at the slow rates where they matter) count as characters too.
std::size_t exchange_overhead_score(Framing framing) {
  return write_registers_exchange_bytes(framing, 0) + (framing == Framing::rtu ? 7 : 0);
}

std::size_t plan_score(const FramePlan& plan, Framing framing) {
  return plan.cost.bytes + (framing == Framing::rtu ? 7 * plan.cost.messages : 0);
}

void add_writes(FramePlan& plan, int first, int count, Framing framing) {
  for (int start = first; start < first + count; start += kMaxRegistersPerWrite) {
    const int chunk = std::min(kMaxRegistersPerWrite, first + count - start);
    plan.writes.push_back({start, chunk});
    plan.cost.bytes += write_registers_exchange_bytes(framing, chunk);
    ++plan.cost.messages;
  }
}

void add_commit(FramePlan& plan, Framing framing) {
  plan.cost.bytes += write_register_exchange_bytes(framing);
  ++plan.cost.messages;
}

}  // namespace

std::vector<std::uint16_t> pack_registers(std::span<const std::uint8_t> bytes) {
  std::vector<std::uint16_t> registers(
      static_cast<std::size_t>(framebuffer_registers(bytes.size())));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const unsigned shift = i % 2 == 0 ? 8 : 0;
    registers[i / 2] = static_cast<std::uint16_t>(registers[i / 2] | (bytes[i] << shift));
  }
  return registers;
}

PanelStatus decode_status(std::span<const std::uint16_t, kStatusCount> registers) {
  const auto at = [&](int address) {
    return registers[static_cast<std::size_t>(address - kStatusFirst)];
  };
  PanelStatus status;
  status.shown_sequence = at(kShownSequence);
  status.shown_crc = (std::uint32_t{at(kShownCrcHigh)} << 16) | at(kShownCrcLow);
  status.temperature_celsius = static_cast<std::int16_t>(at(kTemperature)) / 10.0;
  status.faults = at(kFaults);
  status.uptime_seconds = (std::uint32_t{at(kUptimeHigh)} << 16) | at(kUptimeLow);
  return status;
}

std::size_t write_registers_exchange_bytes(Framing framing, int count) {
  // Request: function, address, count, byte count, data. Reply: function, address, count.
  return (6 + 2 * static_cast<std::size_t>(count) + adu_overhead(framing)) +
         (5 + adu_overhead(framing));
}

std::size_t write_register_exchange_bytes(Framing framing) {
  // Request and its echo: function, address, value.
  return 2 * (5 + adu_overhead(framing));
}

std::size_t read_registers_exchange_bytes(Framing framing, int count) {
  // Request: function, address, count. Reply: function, byte count, data.
  return (5 + adu_overhead(framing)) +
         (2 + 2 * static_cast<std::size_t>(count) + adu_overhead(framing));
}

FramePlan plan_frame(std::span<const std::uint16_t> back_buffer,
                     std::span<const std::uint16_t> next, Framing framing) {
  const int total = static_cast<int>(next.size());
  FramePlan full;
  add_writes(full, 0, total, framing);
  add_commit(full, framing);
  if (back_buffer.size() != next.size()) return full;

  // Changed runs, with the unchanged registers between two runs written anyway when they cost
  // less than starting another exchange.
  const std::size_t merge_gap = exchange_overhead_score(framing) / 2;
  std::vector<RegisterSpan> runs;
  for (int i = 0; i < total;) {
    if (back_buffer[static_cast<std::size_t>(i)] == next[static_cast<std::size_t>(i)]) {
      ++i;
      continue;
    }
    const int start = i;
    while (i < total &&
           back_buffer[static_cast<std::size_t>(i)] != next[static_cast<std::size_t>(i)])
      ++i;
    if (!runs.empty() &&
        static_cast<std::size_t>(start - (runs.back().first + runs.back().count)) <= merge_gap)
      runs.back().count = i - runs.back().first;
    else
      runs.push_back({start, i - start});
  }
  FramePlan delta;
  delta.delta = true;
  delta.cost.delta = true;
  for (const RegisterSpan& run : runs) add_writes(delta, run.first, run.count, framing);
  add_commit(delta, framing);
  return plan_score(delta, framing) < plan_score(full, framing) ? delta : full;
}

WireCost strip_frame_cost(Framing framing) {
  static_assert(kViewportX + 1 == kCommit, "one write covers the viewport and the commit");
  return WireCost{write_registers_exchange_bytes(framing, 2), 1, true};
}

WireCost mode_commit_cost(Framing framing) {
  return WireCost{write_registers_exchange_bytes(framing, kModeWriteCount), 1, false};
}

std::uint32_t strip_tag(const Frame& strip) {
  const std::uint32_t crc = frame_crc32(strip);
  return crc == 0 ? 1 : crc;  // a panel that lost its memory reads 0
}

WireCost registers_write_cost(Framing framing, int count) {
  FramePlan plan;
  add_writes(plan, 0, count, framing);
  return plan.cost;
}

int ring_tile_registers(PixelFormat format, int tile_width, int height) {
  return framebuffer_registers(row_bytes(format, tile_width) * static_cast<std::size_t>(height));
}

WireCost strip_upload_cost(Framing framing, int strip_registers) {
  // The tag's place is zeroed with the first part and the tag written after the last.
  FramePlan plan;
  add_writes(plan, 0, kStripTagRegisters + strip_registers, framing);
  add_writes(plan, 0, kStripTagRegisters, framing);
  return plan.cost;
}

double rtu_gap_seconds(int baud) { return baud > 19200 ? 0.00175 : 3.5 * 11.0 / baud; }

double rtu_wire_seconds(const WireCost& cost, int baud) {
  return static_cast<double>(cost.bytes) * 11.0 / baud +
         2.0 * static_cast<double>(cost.messages) * rtu_gap_seconds(baud);
}

}  // namespace register_map
}  // namespace bangtin
