// The window of a strip: what a panel in strip mode shows, what the driver checks a strip view
// against before it trusts the panel to draw the frame itself, and what the simulator draws.

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "bangtin/panel_link.hpp"

namespace bangtin {

namespace {

std::size_t pixel_bytes(PixelFormat format) {
  return format == PixelFormat::rgb565 ? 2 : format == PixelFormat::rgb888 ? 3 : 0;
}

}  // namespace

void cut_strip_window(const Frame& strip, int offset, Frame& window) {
  if (strip.height != window.height || strip.format != window.format)
    throw std::invalid_argument("a " + std::to_string(strip.height) + "-row " +
                                std::string(to_string(strip.format)) + " strip cannot fill a " +
                                std::to_string(window.height) + "-row " +
                                std::string(to_string(window.format)) + " window");
  // Window columns [first, last) fall on the strip; the rest is dark.
  const int first = std::clamp(-offset, 0, window.width);
  const int last = std::clamp(strip.width - offset, first, window.width);
  const std::size_t strip_stride = strip.stride();
  const std::size_t window_stride = window.stride();
  for (int y = 0; y < window.height; ++y) {
    const std::uint8_t* from = strip.bytes.data() + static_cast<std::size_t>(y) * strip_stride;
    std::uint8_t* to = window.bytes.data() + static_cast<std::size_t>(y) * window_stride;
    if (window.format == PixelFormat::mono) {
      std::memset(to, 0, window_stride);
      for (int x = first; x < last; ++x) {
        const int at = offset + x;
        if ((from[at / 8] >> (7 - at % 8)) & 1)
          to[x / 8] |= static_cast<std::uint8_t>(0x80u >> (x % 8));
      }
      continue;
    }
    const std::size_t bpp = pixel_bytes(window.format);
    std::memset(to, 0, window_stride);
    if (first < last)
      std::memcpy(to + static_cast<std::size_t>(first) * bpp,
                  from + static_cast<std::size_t>(offset + first) * bpp,
                  static_cast<std::size_t>(last - first) * bpp);
  }
}

}  // namespace bangtin
