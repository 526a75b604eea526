// bangtin::LinkHealth — how a display's output is doing, in the terms an operator reads in
// `bangtin status`: the panel link's driver (or the lobby window) counts it, the daemon status
// carries it as it is.
#pragma once

#include <cstdint>

namespace bangtin {

struct LinkHealth {
  bool connected = false;  // the link is up, or the window is open
  std::uint64_t frames_shown = 0;
  double frames_per_second = 0;       // over the last second
  std::uint64_t bytes_per_frame = 0;  // on the wire, for the last frame sent
  std::uint64_t errors = 0;           // failed connects, frames and status reads, CRC mismatches
  std::uint64_t reconnects = 0;       // connections after the first
  // Panels that report what they show (Modbus): how often the CRC the panel read back differed
  // from the frame committed (each one repaired by sending the frame again).
  bool reads_back = false;
  std::uint64_t readback_mismatches = 0;
  // Panels that keep scroll strips, on a slow line: strips that went in while the scroll before
  // them played, and strips that could not (no room in the panel's memory beside the strip on
  // show), whose scroll then waited for its upload.
  std::uint64_t strips_uploaded_ahead = 0;
  std::uint64_t strips_without_room_ahead = 0;
  friend bool operator==(const LinkHealth&, const LinkHealth&) = default;
};

}  // namespace bangtin
