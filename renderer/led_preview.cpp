#include <algorithm>
#include <cmath>

#include "bangtin/renderer.hpp"

namespace bangtin {

Frame led_dot_preview(const Frame& frame, int scale, Rgb mono_colour) {
  scale = std::max(1, scale);
  Frame out = Frame::blank(frame.width * scale, frame.height * scale, PixelFormat::rgb888);
  // An unlit LED still shows as a dark dot on the board's black face.
  const auto dim = [](Rgb c, int percent) {
    return Rgb{static_cast<std::uint8_t>(c.r * percent / 100),
               static_cast<std::uint8_t>(c.g * percent / 100),
               static_cast<std::uint8_t>(c.b * percent / 100)};
  };
  const Rgb unlit = frame.format == PixelFormat::mono ? dim(mono_colour, 12) : Rgb{26, 26, 26};
  // Coverage of one dot cell, computed once: a disc filling most of the cell, edges smoothed.
  const double radius = scale * 0.42;
  const double centre = scale / 2.0;
  std::vector<int> cell(static_cast<std::size_t>(scale) * scale);
  for (int y = 0; y < scale; ++y)
    for (int x = 0; x < scale; ++x) {
      const double distance = std::hypot(x + 0.5 - centre, y + 0.5 - centre);
      const double coverage = scale < 3 ? 1.0 : std::clamp(radius + 0.5 - distance, 0.0, 1.0);
      cell[static_cast<std::size_t>(y) * scale + x] = static_cast<int>(std::lround(coverage * 256));
    }
  for (int py = 0; py < frame.height; ++py)
    for (int px = 0; px < frame.width; ++px) {
      Rgb c = frame.pixel(px, py);
      if (frame.format == PixelFormat::mono) c = frame.lit(px, py) ? mono_colour : unlit;
      c = Rgb{std::max(c.r, unlit.r), std::max(c.g, unlit.g), std::max(c.b, unlit.b)};
      for (int y = 0; y < scale; ++y)
        for (int x = 0; x < scale; ++x) {
          const int a = cell[static_cast<std::size_t>(y) * scale + x];
          out.set_pixel(px * scale + x, py * scale + y,
                        Rgb{static_cast<std::uint8_t>(c.r * a / 256),
                            static_cast<std::uint8_t>(c.g * a / 256),
                            static_cast<std::uint8_t>(c.b * a / 256)});
        }
    }
  return out;
}

}  // namespace bangtin
