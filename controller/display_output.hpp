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
#include "bangtin/frame_source.hpp"
#include "bangtin/link_health.hpp"

namespace bangtin {

class FrameOutput {
 public:
  virtual ~FrameOutput() = default;
  // Hands over the frame of the moment and what it was made from (FrameSource: for panels that
  // scroll a strip by themselves on slow lines, and message displays that draw the text in their
  // own font); a newer one replaces it if it is not out yet.
  virtual void show(Frame frame, FrameSource source) = 0;
  // The LEDs' own brightness, for boards whose picture cannot be dimmed (mono).
  virtual void set_brightness(int percent) = 0;
  virtual void stop() = 0;
  virtual LinkHealth health() const = 0;
};

// The output the display's config asks for. Throws std::invalid_argument for a bad link URI.
std::unique_ptr<FrameOutput> open_output(const DisplayConfig& display, LogSink log);

}  // namespace bangtin
