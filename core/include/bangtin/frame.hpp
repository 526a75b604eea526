// bangtin::Frame — one picture for one panel, as a plain value: size, pixel format and bytes.
// Every module speaks it: the renderer produces frames, the firmware bridge carries them to
// panels, the simulator keeps the one it shows, the CLI writes them as PNG previews. Also here:
// the pixel formats, colours, rectangles and a panel's geometry, which frames are made of.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bangtin {

// How pixels are packed in Frame::bytes, row by row from the top:
//   mono   1 bit a pixel, rows padded to whole bytes, leftmost pixel in the high bit, 1 = lit;
//   rgb565 2 bytes a pixel, big-endian (the order Modbus registers carry);
//   rgb888 3 bytes a pixel, R G B.
enum class PixelFormat : std::uint8_t { mono = 0, rgb565 = 1, rgb888 = 2 };

std::string_view to_string(PixelFormat format);
std::optional<PixelFormat> parse_pixel_format(std::string_view name);
std::size_t row_bytes(PixelFormat format, int width);

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

// A rectangle of pixels: a zone of a display, or the part of a frame something is drawn into.
struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
  int right() const { return x + width; }
  int bottom() const { return y + height; }
  bool empty() const { return width <= 0 || height <= 0; }
  // The part of this rectangle inside `other`; empty when they do not meet.
  Rect intersection(const Rect& other) const;
  friend bool operator==(const Rect&, const Rect&) = default;
};

// A panel's (or a zone's) size in pixels and how its pixels are packed: what a display is
// configured as, what the renderer draws for and what a link expects its panel to be.
struct PanelGeometry {
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::mono;
  friend bool operator==(const PanelGeometry&, const PanelGeometry&) = default;
};

struct Frame {
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::mono;
  std::vector<std::uint8_t> bytes;

  // An all-dark frame of the given size.
  static Frame blank(int width, int height, PixelFormat format);

  std::size_t stride() const { return row_bytes(format, width); }
  PanelGeometry geometry() const { return PanelGeometry{width, height, format}; }
  Rect bounds() const { return Rect{0, 0, width, height}; }
  // Colour of one pixel; a lit mono pixel is white.
  Rgb pixel(int x, int y) const;
  void set_pixel(int x, int y, Rgb colour);
  // For mono frames: is the pixel lit?
  bool lit(int x, int y) const;
  int lit_count() const;

  friend bool operator==(const Frame&, const Frame&) = default;
};

// Writes the frame as an 8-bit RGB PNG, each pixel scale x scale. Mono lit pixels are drawn in
// `mono_colour` (amber, like most street boards, by default). Throws std::runtime_error naming the
// path when the file cannot be written. The file is replaced atomically, so a viewer polling it
// never reads half a picture.
void write_png(const Frame& frame, const std::filesystem::path& path, int scale = 1,
               Rgb mono_colour = Rgb{255, 176, 0});

// The same PNG as bytes, for a console to send. Throws std::runtime_error when libpng fails.
std::string encode_png(const Frame& frame, int scale = 1, Rgb mono_colour = Rgb{255, 176, 0});

// Reads an 8-bit RGB or RGBA PNG (alpha dropped) into an rgb888 frame, e.g. a golden test image.
// Throws std::runtime_error naming the path when it cannot be read.
Frame read_png(const std::filesystem::path& path);

// The frame as rgb888, mono lit pixels drawn in `mono_colour`.
Frame to_rgb888(const Frame& frame, Rgb mono_colour = Rgb{255, 255, 255});

}  // namespace bangtin
