// bangtin::SimulatedPanel — the panel inside PanelSimulator: its registers, the frame it shows and
// what it makes of each Modbus request and each DDP or E1.31 datagram, as plain functions of the
// bytes and its state. No sockets, threads or clock of its own (the time of a request is passed
// in, for the uptime register), so that tests and fuzz targets drive it directly; PanelSimulator
// puts doors around it (Modbus TCP and RTU framing, UDP), faults and pacing.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "bangtin/frame.hpp"
#include "bangtin/panel_simulator.hpp"

namespace bangtin {

class SimulatedPanel {
 public:
  using Clock = std::chrono::steady_clock;

  // Takes the panel's part of the options: size, pixel format, register map version, strip
  // memory, KEEPS_BACK_BUFFER, the text display and the first E1.31 universe. Powered up at
  // `powered_up`. Throws std::invalid_argument saying which of them it cannot be.
  explicit SimulatedPanel(const SimulatorOptions& options,
                          Clock::time_point powered_up = Clock::now());

  // One Modbus request PDU (the function code and its data: no unit id, MBAP header or CRC) and
  // the reply PDU. Function 03 reads holding registers, 06 and 16 write them (REGISTER_MAP.md);
  // any other function gets exception 01, a request of the wrong length or with counts out of
  // range exception 03, one outside the registers exception 02, and a refused strip commit
  // exception 03 with nothing it carried kept. `now` dates the uptime registers. An empty PDU
  // gets no reply (an empty one).
  std::vector<std::uint8_t> modbus_request(std::span<const std::uint8_t> pdu,
                                           Clock::time_point now);

  // One UDP datagram; true when it committed a frame (a DDP push; the last universe, or a
  // synchronization packet the universes named, for E1.31). Anything that is not a packet for
  // this panel is ignored.
  bool ddp_datagram(std::span<const std::uint8_t> datagram);
  bool e131_datagram(std::span<const std::uint8_t> datagram);

  // A power cut: the frame, the back buffer, the strips and the controls are lost; from `up_at`
  // the uptime counts again, the panel shows a dark frame and reports FRAMEBUFFER_LOST until its
  // next commit. Commit counts go on.
  void restart(Clock::time_point up_at);

  const Frame& shown_frame() const { return shown_; }
  // Commits so far: frames put on show, and for a text display writes into its lines.
  std::uint64_t commits() const { return commits_; }
  std::uint64_t strip_commits() const { return strip_commits_; }
  std::uint64_t ring_commits() const { return ring_commits_; }
  std::uint64_t rejected_commits() const { return rejected_commits_; }
  // As PanelSimulator::light and ::shown_lines tell them.
  SimulatorLight light() const;
  std::vector<std::string> text_lines() const;

 private:
  std::vector<std::uint8_t> read_registers(std::span<const std::uint8_t> pdu,
                                           Clock::time_point now);
  std::vector<std::uint8_t> write_registers(std::span<const std::uint8_t> pdu, int address,
                                            std::span<const std::uint16_t> values,
                                            Clock::time_point now);
  // Shows what a write covering COMMIT commits; false when it refuses the commit.
  bool commit(std::uint16_t sequence);
  // The frame a commit shows now: the back buffer, or the window of the strip or the ring; nothing
  // when the strip registers point outside the window or the mode is unknown.
  std::optional<Frame> committed_frame() const;
  // Ring mode: the window at VIEWPORT_X of the ring of tiles, wrapping; nothing when the ring
  // registers describe no ring inside the window.
  std::optional<Frame> ring_window() const;
  bool writes_text_lines(int address, std::size_t count) const;
  void show(Frame frame, std::uint16_t sequence);
  void show_pixel_frame(std::uint16_t sequence);
  void reset_control_registers();
  void refresh_read_only_registers(Clock::time_point now);

  const SimulatorOptions options_;
  const bool text_profile_;
  const std::size_t frame_bytes_;
  const std::size_t frame_pixels_;
  int window_registers_ = 0;  // from register_map::kFramebuffer
  std::vector<std::uint16_t> registers_;
  std::vector<std::uint8_t> rgb_back_buffer_;  // DDP and E1.31 write here
  std::vector<bool> universes_received_;
  // The synchronization universe the data packets of the frame being received named (0: none).
  std::uint16_t awaited_sync_universe_ = 0;
  bool e131_stream_ended_ = false;  // blanked for a Stream_Terminated packet; until the next data
  Clock::time_point boot_time_;
  std::uint16_t fault_bits_;
  std::uint16_t shown_sequence_ = 0;
  std::uint32_t shown_crc_ = 0;
  Frame shown_;
  std::uint64_t commits_ = 0;
  std::uint64_t strip_commits_ = 0;
  std::uint64_t ring_commits_ = 0;
  std::uint64_t rejected_commits_ = 0;
};

}  // namespace bangtin
