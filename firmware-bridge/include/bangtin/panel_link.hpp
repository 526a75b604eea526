// bangtin::PanelLink — how a frame gets to one LED panel.
//
// A link is the controller's only view of a panel: it connects and learns what the panel is, shows
// whole frames on it, asks how the panel is doing, and closes. A slow serial link whose panel keeps
// strips in its own memory also offers StripMemory, so that a scroll costs one small write a frame.
// A message display that draws its own font (OwnFont) is given the item's text instead. Each
// link type (Modbus TCP, Modbus RTU, DDP, E1.31, Modbus text displays) is its own class in its own
// file behind this interface, chosen by the display's `link:` URI through open_link(). Calls block
// (libmodbus does), so the controller drives each link from a worker thread of its own
// (PanelDriver), never from the event loop. Any failure is a LinkError carrying what an operator
// needs to act on; after it the link is closed and connect() may be called again.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bangtin/frame.hpp"
#include "bangtin/text_display.hpp"

namespace bangtin {

// What a panel says it is (register map identity block).
struct PanelIdentity {
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::mono;
  int map_version = 0;
  std::uint16_t capabilities = 0;  // register_map::kCapability* bits
  int window_registers = 0;        // framebuffer window, strips included (map v3; 0 before)
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
  friend bool operator==(const WireCost&, const WireCost&) = default;
};

// How bright the LEDs are to be, and whether they are on at all (the frame is kept when off).
struct PanelLight {
  int brightness_percent = 100;  // 0..100
  bool on = true;
  friend bool operator==(const PanelLight&, const PanelLight&) = default;
};

// What a serial line carries: bytes a second, and the silence each exchange costs besides (RTU's
// gaps before a request and before its reply).
struct LineCapacity {
  double bytes_per_second = 0;
  double seconds_per_exchange = 0;
  double seconds(const WireCost& cost) const {
    return static_cast<double>(cost.bytes) / bytes_per_second +
           static_cast<double>(cost.messages) * seconds_per_exchange;
  }
};

// Writes into `window` (whose width, height and format it keeps) the columns offset ..
// offset + window.width - 1 of `strip`, dark outside the strip: the frame a ScrollStrip
// (bangtin/frame_source.hpp) stands for. Throws std::invalid_argument when
// the height or format differ.
void cut_strip_window(const Frame& strip, int offset, Frame& window);

class LinkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a link offers when its panel keeps strips in its own memory and shows a window of one on
// each commit (register map v3, STRIP). The PanelDriver decides when a strip is worth uploading;
// the link keeps track of which strips the panel holds, so each is uploaded once.
class StripMemory {
 public:
  virtual ~StripMemory() = default;
  // What PanelLink::show would send for `frame` now (whole or the changed spans); sends nothing.
  virtual WireCost frame_cost(const Frame& frame) const = 0;
  // What is left to send before the strip can be shown: nothing (a zero cost) when the panel holds
  // it already; std::nullopt when it can never fit in the panel's memory.
  virtual std::optional<WireCost> upload_cost(const std::shared_ptr<const Frame>& strip) const = 0;
  // Sends the next part of the strip into panel memory, one request of at most `most_bytes` of
  // the strip (0: as much as one request carries), so that the caller can stop between parts;
  // returns what it cost. The strip is held once upload_cost says zero. Uploading another strip
  // abandons the part-sent one.
  virtual WireCost upload_step(const std::shared_ptr<const Frame>& strip,
                               std::size_t most_bytes = 0) = 0;
  // Whether the strip can be uploaded without evicting `kept` (the strip on show) from the
  // panel's memory; true when it is held already.
  virtual bool fits_beside(const std::shared_ptr<const Frame>& strip,
                           const std::shared_ptr<const Frame>& kept) const = 0;
  // What show_window would send for a strip the panel holds.
  virtual WireCost window_cost(const std::shared_ptr<const Frame>& strip) const = 0;
  // Commits the window of a strip the panel holds at `offset`: the panel then shows
  // cut_strip_window(*strip, offset, ...). Throws LinkError when the panel does not hold it.
  virtual WireCost show_window(const std::shared_ptr<const Frame>& strip, int offset) = 0;
  // A strip too long for the panel's memory (upload_cost says nothing) may still scroll through a
  // ring of tiles, on a panel that has one (register map v4, RING): the ring is a few columns
  // wider than the panel and each tile is written just before it comes into view, so a scroll
  // costs a few columns a frame instead of the frame. What show_ring_window would send now for
  // the window at `offset` (`now`: the whole window when the ring holds nothing of the strip yet),
  // and then a frame while the scroll moves `columns_a_frame` (`each_frame`); nothing when the
  // panel has no ring or no room for one.
  struct RingCost {
    WireCost now;
    WireCost each_frame;
  };
  virtual std::optional<RingCost> ring_window_cost(const std::shared_ptr<const Frame>& strip,
                                                   int offset, int columns_a_frame) const = 0;
  // Writes the tiles of that window the ring lacks and commits it: the panel then shows
  // cut_strip_window(*strip, offset, ...).
  virtual WireCost show_ring_window(const std::shared_ptr<const Frame>& strip, int offset) = 0;
};

// What a link offers when its display draws text in its own font and takes no pixels (an
// industrial message display, bangtin/text_display.hpp): the driver gives it the item's text.
class OwnFont {
 public:
  virtual ~OwnFont() = default;
  // Shows the text (UTF-8) as the display can; sends only the lines that changed.
  virtual WireCost show_text(std::string_view text) = 0;
};

class PanelLink {
 public:
  virtual ~PanelLink() = default;
  // Opens the connection and reads the panel's identity; nothing when the protocol has no way to
  // ask (DDP and E1.31 receivers do not describe themselves, so the config is taken on trust).
  virtual std::optional<PanelIdentity> connect() = 0;
  // Shows one frame whole: the panel never displays part of it.
  virtual WireCost show(const Frame& frame) = 0;
  // Sets brightness and power: in the panel's registers at once (Modbus), or by scaling the
  // pixels of the frames sent from now on (DDP and E1.31 receivers have no such register; the
  // caller sends the frame again). Nothing when the panel can do neither.
  virtual std::optional<WireCost> set_light(const PanelLight& light) = 0;
  // Reads the panel's status; nothing when the protocol cannot read back (DDP, E1.31).
  virtual std::optional<PanelStatus> status() = 0;
  virtual void close() noexcept = 0;
  virtual bool is_open() const = 0;
  // The link as an operator wrote it, for log lines: "modbus-tcp://127.0.0.1:1502 unit 1".
  virtual std::string describe() const = 0;
  // How fast a serial line is; nothing for network links, where a whole frame costs little.
  virtual std::optional<LineCapacity> capacity() const { return std::nullopt; }
  // Why the link can never carry frames of this size (an E1.31 universe span that runs past the
  // last universe); nothing when it can. Asked after each connect, so the driver refuses the
  // configuration with a clear error instead of failing every frame.
  virtual std::optional<std::string> cannot_show(int /*width*/, int /*height*/,
                                                 PixelFormat /*format*/) const {
    return std::nullopt;
  }
  // The panel's strip memory while connected to a panel that has one; nothing otherwise.
  virtual StripMemory* strip_memory() { return nullptr; }
  // The display's own font when it draws text instead of pixels; nothing for pixel panels.
  virtual OwnFont* own_font() { return nullptr; }
};

// CRC-32 (IEEE 802.3, as zlib computes it) of a frame's bytes: what the register map's status
// block reports for the frame on show.
std::uint32_t frame_crc32(const Frame& frame);

// Makes an unconnected link from a URI such as "modbus-tcp://127.0.0.1:1502?unit=1",
// "modbus-rtu:///dev/ttyUSB0?baud=9600", "ddp://10.0.0.7", "e131://10.0.0.8?universe=1", or, for
// a message display that draws its own ASCII font (bangtin/text_display.hpp),
// "modbus-text-tcp://10.0.0.9:502?unit=1&lines=1000,2000&chars=16&brightness=3" and
// "modbus-text-rtu:///dev/ttyUSB0?baud=9600&lines=1000,2000&chars=16" (also brightness-max=N, the
// level for 100 %, default 100; bytes=high-first|low-first, default high-first).
// Throws std::invalid_argument saying what is wrong with the URI.
std::unique_ptr<PanelLink> open_link(std::string_view uri);

// Where a display's link: URI points, read with open_link()'s own checks and defaults, for a
// program that serves the panel's end of the link (bangtin-panel-sim --listen), so that both
// ends are written the same way.
struct LinkAddress {
  std::string scheme;  // modbus-tcp, modbus-rtu, modbus-text-tcp, modbus-text-rtu, ddp or e131
  std::string host;    // network links
  int port = 0;        // network links: as written, or the link type's standard port
  std::string device;  // serial links
  int unit = 0;        // Modbus links: the unit id (1 when not written)
  int universe = 0;    // e131: the first universe (1 when not written)
  // modbus-text-*: the display's layout (bangtin/text_display.hpp).
  std::optional<TextDisplayLayout> text;
};
// Throws std::invalid_argument, as open_link() does, saying what is wrong with the URI.
LinkAddress link_address(std::string_view uri);

}  // namespace bangtin
