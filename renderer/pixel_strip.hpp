// Private to the renderer: a raster already in a panel's pixel format, and the copies that make
// a frame out of it. This is the whole per-frame cost of a board: rows of bytes moved with
// memcpy (rgb565, rgb888) or shifted bit runs (mono), never a font call or a per-pixel branch.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "bangtin/frame.hpp"

namespace bangtin {

// What each coverage level 0..255 of an item's text becomes in the panel's format: the item's
// colour scaled by coverage, through the gamma table and brightness. Mono uses only `lit`.
struct Palette {
  PixelFormat format = PixelFormat::mono;
  std::array<bool, 256> lit{};
  std::array<std::array<std::uint8_t, 3>, 256> bytes{};  // rgb565 uses the first two
};

class PixelStrip {
 public:
  PixelStrip() = default;
  // Converts one byte of coverage a pixel (row-major, width x height) through the palette.
  PixelStrip(const std::vector<std::uint8_t>& coverage, int width, int height,
             const Palette& palette);
  // Pixels already in a panel's format (a picture made ready for a zone).
  explicit PixelStrip(const Frame& pixels);

  int width() const { return width_; }
  int height() const { return height_; }
  std::size_t bytes() const { return bytes_.size(); }

  // Fills `where` (clipped to the frame) with strip pixels: frame pixel (x, y) gets strip pixel
  // (x - where.x + from_x, y - where.y + from_y), and the background (zero) where that falls
  // outside the strip.
  void blit(Frame& out, Rect where, int from_x, int from_y) const;
  // The strip as a Frame of its own size (rows at the frame's stride, without the spare byte).
  Frame to_frame() const;

 private:
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_ = PixelFormat::mono;
  std::size_t stride_ = 0;  // mono rows carry one spare zero byte so shifted reads stay inside
  std::vector<std::uint8_t> bytes_;
};

// Sets every pixel of `where` (clipped to the frame) to the background (zero).
void clear_rect(Frame& out, Rect where);

// Mono bit runs, leftmost pixel in the high bit. `src` must be readable one byte past the last
// bit it supplies.
void copy_bits(const std::uint8_t* src, int src_bit, std::uint8_t* dst, int dst_bit, int count);
void clear_bits(std::uint8_t* dst, int dst_bit, int count);

}  // namespace bangtin
