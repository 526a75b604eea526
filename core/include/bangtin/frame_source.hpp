// bangtin::FrameSource — what a frame on air was made from, for links that can use it instead of
// the pixels: a panel that keeps a strip in its own memory and scrolls a window over it (a slow
// serial line then carries one offset a frame), and a message display that draws the text in its
// own font. The renderer fills it in, the controller hands it on with the frame, the firmware
// bridge uses what its link can.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "bangtin/frame.hpp"

namespace bangtin {

// A scroll as a strip and a window over it: the frame is the zone-wide window of `strip` whose
// left edge is strip column `offset`, dark where the window runs off the strip.
struct ScrollStrip {
  // The whole line of text, zone-high, in the zone's pixel format (colour, gamma and brightness
  // applied). The same object for as long as the item plays, copies included, so a link
  // recognises a strip it already holds by the pointer (and by its bytes after that).
  std::shared_ptr<const Frame> strip;
  // Negative while the text comes in from the right.
  int offset = 0;
  std::chrono::nanoseconds remaining{0};  // until the scroll's last pass ends
};

struct FrameSource {
  // The frame is a window of this strip (a plain scroll over the whole display).
  std::optional<ScrollStrip> strip{};
  // The text shown (UTF-8), for panels that draw their own font; empty: nothing to read.
  std::string text{};
  // The strip of the scroll that plays next, once it is drawn: a panel with room for both takes
  // it while this one plays, so the next scroll starts on time on a slow line.
  std::shared_ptr<const Frame> next_strip{};
};

}  // namespace bangtin
