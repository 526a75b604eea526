// bangtin::PanelLink — how a frame gets to one LED panel.
//
// A link is the controller's only view of a panel: it connects and learns what the panel is, shows
// whole frames on it, and closes. Each link type (Modbus TCP today; Modbus RTU, DDP and E1.31
// next) is its own class in its own file behind this interface, chosen by the display's `link:`
// URI through open_link(). Calls block (libmodbus does), so the controller drives each link from a
// worker thread of its own, never from the event loop. Any failure is a LinkError carrying what an
// operator needs to act on; after it the link is closed and connect() may be called again.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bangtin/frame.hpp"

namespace bangtin {

struct PanelIdentity {
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::mono;
  int map_version = 0;
  friend bool operator==(const PanelIdentity&, const PanelIdentity&) = default;
};

class LinkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PanelLink {
 public:
  virtual ~PanelLink() = default;
  // Opens the connection and reads the panel's identity.
  virtual PanelIdentity connect() = 0;
  // Shows one whole frame: the panel never displays part of it.
  virtual void show(const Frame& frame) = 0;
  virtual void close() noexcept = 0;
  virtual bool is_open() const = 0;
  // The link as an operator wrote it, for log lines: "modbus-tcp://127.0.0.1:1502 unit 1".
  virtual std::string describe() const = 0;
};

// Makes an unconnected link from a URI such as "modbus-tcp://127.0.0.1:1502?unit=1".
// Throws std::invalid_argument saying what is wrong with the URI.
std::unique_ptr<PanelLink> open_link(std::string_view uri);

}  // namespace bangtin
