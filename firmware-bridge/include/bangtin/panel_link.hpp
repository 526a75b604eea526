// bangtin::PanelLink — how a frame gets to one LED panel.
//
// A link is the controller's only view of a panel: it connects and learns what the panel is, shows
// whole frames on it, asks how the panel is doing, and closes. Each link type (Modbus TCP, Modbus
// RTU, DDP, E1.31) is its own class in its own file behind this interface, chosen by the display's
// `link:` URI through open_link(). Calls block (libmodbus does), so the controller drives each link
// from a worker thread of its own (PanelDriver), never from the event loop. Any failure is a
// LinkError carrying what an operator needs to act on; after it the link is closed and connect()
// may be called again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bangtin/frame.hpp"

namespace bangtin {

// What a panel says it is (register map identity block).
struct PanelIdentity {
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::mono;
  int map_version = 0;
  std::uint16_t capabilities = 0;  // register_map::kCapability* bits
  friend bool operator==(const PanelIdentity&, const PanelIdentity&) = default;
};

// How a panel is doing, read back from it (register map status block).
struct PanelStatus {
  std::uint16_t shown_sequence = 0;  // the last commit the panel took
  std::uint32_t shown_crc = 0;       // CRC-32 of the frame bytes on show (frame_crc32)
  double temperature_celsius = 0;
  std::uint16_t faults = 0;  // register_map::kFault* bits
  std::uint32_t uptime_seconds = 0;
  friend bool operator==(const PanelStatus&, const PanelStatus&) = default;
};

// What showing one frame cost on the link: protocol bytes both ways (Modbus ADUs with their
// headers and CRCs, UDP payloads; IP and TCP/UDP headers not counted) and request/reply
// exchanges or datagrams.
struct WireCost {
  std::size_t bytes = 0;
  std::size_t messages = 0;
  bool delta = false;  // only the changed spans of the frame were sent
};

class LinkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PanelLink {
 public:
  virtual ~PanelLink() = default;
  // Opens the connection and reads the panel's identity; nothing when the protocol has no way to
  // ask (DDP and E1.31 receivers do not describe themselves, so the config is taken on trust).
  virtual std::optional<PanelIdentity> connect() = 0;
  // Shows one whole frame: the panel never displays part of it.
  virtual WireCost show(const Frame& frame) = 0;
  // Reads the panel's status; nothing when the protocol cannot read back (DDP, E1.31).
  virtual std::optional<PanelStatus> status() = 0;
  virtual void close() noexcept = 0;
  virtual bool is_open() const = 0;
  // The link as an operator wrote it, for log lines: "modbus-tcp://127.0.0.1:1502 unit 1".
  virtual std::string describe() const = 0;
};

// CRC-32 (IEEE 802.3, as zlib computes it) of a frame's bytes: what the register map's status
// block reports for the frame on show.
std::uint32_t frame_crc32(const Frame& frame);

// Makes an unconnected link from a URI such as "modbus-tcp://127.0.0.1:1502?unit=1",
// "modbus-rtu:///dev/ttyUSB0?baud=9600", "ddp://10.0.0.7" or "e131://10.0.0.8?universe=1".
// Throws std::invalid_argument saying what is wrong with the URI.
std::unique_ptr<PanelLink> open_link(std::string_view uri);

}  // namespace bangtin
