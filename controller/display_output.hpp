// Private to the controller: where a display's frames go.
//
// An LED panel over its link, or a window on a lobby TV: the display runner hands either the
// frame of the moment and never waits; each does its blocking work on a thread of its own.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bangtin/controller.hpp"

namespace bangtin {

// What a frame was made of, for outputs that can use it: panels that scroll a strip by
// themselves on slow lines, and message displays that draw the text in their own font.
struct FrameSource {
  std::optional<ScrollStrip> strip;
  std::string text;
};

struct OutputHealth {
  bool connected = false;  // the link is up, or the window is open
  std::uint64_t frames_shown = 0;
  double frames_per_second = 0;
  std::size_t bytes_per_frame = 0;  // on the wire, for the last frame
  std::uint64_t errors = 0;
  std::uint64_t reconnects = 0;
  bool reads_back = false;  // the panel reports what it shows
  std::uint64_t readback_mismatches = 0;
};

class FrameOutput {
 public:
  virtual ~FrameOutput() = default;
  // Hands over the frame of the moment; a newer one replaces it if it is not out yet.
  virtual void show(Frame frame, FrameSource source) = 0;
  // The LEDs' own brightness, for boards whose picture cannot be dimmed (mono).
  virtual void set_brightness(int percent) = 0;
  virtual void stop() = 0;
  virtual OutputHealth health() const = 0;
};

// The output the display's config asks for. Throws std::invalid_argument for a bad link URI.
std::unique_ptr<FrameOutput> open_output(const DisplayConfig& display, LogSink log);

}  // namespace bangtin
