// bangtin::PanelSimulator — the panel side of every link: a stand-in for a street board.
//
// Its library, bangtin_panel_sim (firmware-bridge/sim/), is for the tests, the demo, the
// benchmarks and the fuzz targets; the bangtin-panel-sim program serves it to a real bangtind.
// It is never linked into the daemon (ctest's boundaries.daemon-has-no-simulator checks bangtind).
//
// One simulated panel (SimulatedPanel), served on a thread of its own: the register map (version
// 3, or 2 on request) over Modbus TCP and over Modbus RTU (a serial device or an open descriptor
// such as a pty's master side), and DDP and E1.31 receivers on UDP. Nothing waits for a peer: each
// TCP client's requests are framed as their bytes come, within a deadline, so a client that
// dribbles, stalls or floods holds up only itself, as does a slow serial line. It shows a frame
// only when it is committed (a Modbus commit, a DDP push, the last E1.31 universe or a
// synchronization packet), so what it shows is what a real panel would; in strip mode a commit
// shows the window of a strip held in its memory. Faults can be injected (dropped requests and
// datagrams, latency, disconnects, corrupted replies, reboots), and replies can be paced to the
// wire time of a serial line. The bangtin-panel-sim executable wraps it with PNG snapshots and a
// frames-per-second log.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bangtin/frame.hpp"
#include "bangtin/text_display.hpp"

namespace bangtin {

struct SimulatorFaults {
  double drop_rate = 0;  // share of Modbus requests left unanswered and datagrams ignored, 0-1
  std::chrono::milliseconds added_latency{0};  // before every Modbus reply
  double corrupt_rate = 0;             // share of Modbus replies sent with a damaged byte, 0-1
  std::uint64_t disconnect_every = 0;  // drop Modbus TCP connections after every N commits
  std::uint64_t reboot_every = 0;      // reboot after every N commits
  std::chrono::milliseconds reboot_downtime{300};
  // For the drop and corrupt draws, so that a run can be repeated; taken at construction.
  std::uint32_t seed = 1;
};

struct SimulatorOptions {
  std::string host = "127.0.0.1";  // IPv4 address the network doors bind to
  int port = 1502;                 // Modbus TCP; 0 picks a free port, -1 serves none
  int width = 128;
  int height = 32;
  PixelFormat format = PixelFormat::mono;
  int unit = 1;
  // Modbus TCP clients served at once; a client connecting beyond that makes room by dropping
  // another (see PanelSimulator).
  int max_connections = 32;
  // A TCP request must be complete this long after its first byte, else its connection is closed.
  std::chrono::milliseconds request_timeout{1000};
  // A TCP client that completes no request for this long is disconnected.
  std::chrono::milliseconds idle_timeout{60000};
  // Modbus RTU, on a serial device opened at rtu_baud 8N1, or on an open descriptor (a pty's
  // master side; duplicated, so the caller keeps its own, but made non-blocking, a flag the two
  // share). Neither when empty and -1.
  std::string rtu_device{};
  int rtu_fd = -1;
  int rtu_baud = 115200;
  // Paces each Modbus reply to the wire time its request and reply would take as RTU at this
  // baud rate (11 bits a character, the 3.5-character gap, 1.75 ms above 19200); 0: no pacing.
  int line_rate = 0;
  int ddp_port = -1;      // DDP receiver; 0 picks a free port, -1 serves none
  int e131_port = -1;     // E1.31 receiver; 0 picks a free port, -1 serves none
  int e131_universe = 1;  // the panel's first universe
  SimulatorFaults faults{};
  // Advertise KEEPS_BACK_BUFFER, so that controllers may send only what changed. Firmware without
  // it gets every frame whole.
  bool keeps_back_buffer = true;
  // The register map version served: 4, 3 for a panel from before rings of tiles, or 2 for one
  // from before strips.
  int map_version = 4;
  // Version 3 and up: registers of memory for strips (and, from version 4, rings) beyond the
  // frame's in the framebuffer window (the window is capped where Modbus addresses end); 0: no
  // STRIP or RING capability.
  int strip_registers = 32768;
  // Instead of the register map: a message display that draws its own font, its lines where the
  // layout says (spaces at power-up), no identity, no frames; every write into a line is a commit.
  // Modbus only (no DDP or E1.31). Faults and pacing apply as to the register map.
  std::optional<TextDisplayLayout> text_display{};
};

// The panel's BRIGHTNESS and POWER registers (255 and on at power-up); for a text display, the
// level in its brightness register as written (0 at power-up) and always on.
struct SimulatorLight {
  int brightness = 255;  // 0-255
  bool on = true;
  friend bool operator==(const SimulatorLight&, const SimulatorLight&) = default;
};

// Faults that actually happened, so a test can tell that it exercised one.
struct SimulatorCounters {
  std::uint64_t requests = 0;  // Modbus requests answered or dropped
  std::uint64_t dropped = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t disconnects = 0;
  std::uint64_t reboots = 0;
  std::uint64_t datagrams = 0;         // DDP and E1.31 datagrams received
  std::uint64_t strip_commits = 0;     // commits that showed a window of a strip
  std::uint64_t ring_commits = 0;      // commits that showed a window of a ring of tiles
  std::uint64_t rejected_commits = 0;  // strip or ring commits refused: outside the window
  std::uint64_t line_hangups = 0;      // times the serial line was found hung up (then rests)
  // TCP clients disconnected: a request not complete within request_timeout; no request for
  // idle_timeout; dropped to make room for a new client over max_connections.
  std::uint64_t stalled_requests = 0;
  std::uint64_t idle_disconnects = 0;
  std::uint64_t evictions = 0;
  // Times accepting paused because the process ran out of file descriptors.
  std::uint64_t accept_pauses = 0;
};

// Over max_connections, a new client makes room by dropping an old one rather than being turned
// away: the oldest of those that never completed a request, else the one longest without a
// request. A controller reads the identity as soon as it connects and the status every second, so
// connections that dribble or say nothing cannot lock it out, whether it is connected already or
// reconnecting (after a restart, say), short of a flood that outpaces its first request.
class PanelSimulator {
 public:
  // Binds and starts serving. Throws std::invalid_argument for options it cannot serve and
  // std::runtime_error when an address cannot be bound or a device opened.
  explicit PanelSimulator(SimulatorOptions options);
  ~PanelSimulator();
  PanelSimulator(const PanelSimulator&) = delete;
  PanelSimulator& operator=(const PanelSimulator&) = delete;

  int port() const;  // Modbus TCP
  int ddp_port() const;
  int e131_port() const;
  // The frame on show (blank until the first commit) and how many commits there have been.
  Frame shown_frame() const;
  std::uint64_t commits() const;
  // Waits until more than `after` commits have happened; returns the frame shown then, or
  // nothing when the timeout passes first.
  std::optional<Frame> wait_for_commit(std::uint64_t after,
                                       std::chrono::milliseconds timeout) const;

  // Brightness and power as set over Modbus (network receivers get dimmed pixels instead).
  SimulatorLight light() const;
  // A text display's lines as it holds them, `chars` characters each; empty for a pixel panel.
  std::vector<std::string> shown_lines() const;
  // What a passer-by sees: the frame on show as rgb888 at the panel's brightness, dark when it is
  // switched off; mono LEDs glow in `mono_colour`. The frame itself (and its CRC) stays as
  // committed.
  Frame appearance(Rgb mono_colour = Rgb{255, 176, 0}) const;

  SimulatorCounters counters() const;
  // Changes the faults from now on.
  void set_faults(const SimulatorFaults& faults);
  // Loses the frame and the back buffer, answers nothing for `downtime`, then comes back blank
  // with the "frame lost" fault set until the next commit. Returns once the panel is down; throws
  // std::runtime_error when the serving thread has not taken the reboot within 10 s.
  void reboot(std::chrono::milliseconds downtime);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace bangtin
