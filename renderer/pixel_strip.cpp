#include "pixel_strip.hpp"

#include <algorithm>
#include <cstring>

namespace bangtin {

namespace {

std::size_t bytes_per_pixel(PixelFormat format) {
  return format == PixelFormat::rgb565 ? 2 : format == PixelFormat::rgb888 ? 3 : 0;
}

// Writes `count` (1..8) bits, taken from the high end of `bits`, into dst at bit `dst_bit`
// (which together with count stays inside one byte).
void write_partial_byte(std::uint8_t* dst, int dst_bit, int count, unsigned bits) {
  const unsigned mask = ((0xFF00u >> count) & 0xFFu) >> (dst_bit % 8);
  std::uint8_t& byte = dst[dst_bit / 8];
  byte = static_cast<std::uint8_t>((byte & ~mask) | ((bits >> (dst_bit % 8)) & mask));
}

// The 8 bits of src starting at bit `bit`, in the high end of the result's low byte.
unsigned read_byte_at(const std::uint8_t* src, int bit) {
  const std::uint8_t* p = src + bit / 8;
  const int shift = bit % 8;
  return shift == 0 ? p[0] : ((unsigned{p[0]} << shift) | (unsigned{p[1]} >> (8 - shift))) & 0xFFu;
}

}  // namespace

void copy_bits(const std::uint8_t* src, int src_bit, std::uint8_t* dst, int dst_bit, int count) {
  if (count <= 0) return;
  // Head: up to the next byte boundary of the destination.
  if (dst_bit % 8 != 0) {
    const int n = std::min(count, 8 - dst_bit % 8);
    write_partial_byte(dst, dst_bit, n, read_byte_at(src, src_bit));
    src_bit += n;
    dst_bit += n;
    count -= n;
  }
  // Middle: whole destination bytes, a memcpy when the source is aligned too.
  const int whole = count / 8;
  std::uint8_t* d = dst + dst_bit / 8;
  const std::uint8_t* s = src + src_bit / 8;
  const int shift = src_bit % 8;
  if (shift == 0) {
    std::memcpy(d, s, static_cast<std::size_t>(whole));
  } else {
    for (int i = 0; i < whole; ++i) {
      d[i] = static_cast<std::uint8_t>((s[i] << shift) | (s[i + 1] >> (8 - shift)));
    }
  }
  src_bit += whole * 8;
  dst_bit += whole * 8;
  count -= whole * 8;
  // Tail: what is left of a byte.
  if (count > 0) write_partial_byte(dst, dst_bit, count, read_byte_at(src, src_bit));
}

void clear_bits(std::uint8_t* dst, int dst_bit, int count) {
  while (count > 0 && dst_bit % 8 != 0) {
    const int n = std::min(count, 8 - dst_bit % 8);
    write_partial_byte(dst, dst_bit, n, 0);
    dst_bit += n;
    count -= n;
  }
  const int whole = count / 8;
  std::memset(dst + dst_bit / 8, 0, static_cast<std::size_t>(whole));
  dst_bit += whole * 8;
  count -= whole * 8;
  if (count > 0) write_partial_byte(dst, dst_bit, count, 0);
}

PixelStrip::PixelStrip(const std::vector<std::uint8_t>& coverage, int width, int height,
                       const Palette& palette)
    : width_(width), height_(height), format_(palette.format) {
  stride_ =
      format_ == PixelFormat::mono ? row_bytes(format_, width) + 1 : row_bytes(format_, width);
  bytes_.assign(stride_ * static_cast<std::size_t>(height), 0);
  const std::size_t pixel_bytes = bytes_per_pixel(format_);
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* from = coverage.data() + static_cast<std::size_t>(y) * width;
    std::uint8_t* row = bytes_.data() + static_cast<std::size_t>(y) * stride_;
    for (int x = 0; x < width; ++x) {
      if (format_ == PixelFormat::mono) {
        if (palette.lit[from[x]]) row[x / 8] |= static_cast<std::uint8_t>(0x80u >> (x % 8));
      } else {
        std::memcpy(row + static_cast<std::size_t>(x) * pixel_bytes, palette.bytes[from[x]].data(),
                    pixel_bytes);
      }
    }
  }
}

PixelStrip::PixelStrip(const Frame& pixels)
    : width_(pixels.width), height_(pixels.height), format_(pixels.format) {
  const std::size_t row = row_bytes(format_, width_);
  stride_ = format_ == PixelFormat::mono ? row + 1 : row;
  bytes_.assign(stride_ * static_cast<std::size_t>(height_), 0);
  for (int y = 0; y < height_; ++y) {
    std::memcpy(bytes_.data() + static_cast<std::size_t>(y) * stride_,
                pixels.bytes.data() + static_cast<std::size_t>(y) * pixels.stride(), row);
  }
}

void clear_rect(Frame& out, Rect where) {
  where = where.intersection(out.bounds());
  if (where.empty()) return;
  const std::size_t stride = out.stride();
  for (int y = where.y; y < where.bottom(); ++y) {
    std::uint8_t* row = out.bytes.data() + static_cast<std::size_t>(y) * stride;
    if (out.format == PixelFormat::mono) {
      clear_bits(row, where.x, where.width);
    } else {
      const std::size_t bpp = bytes_per_pixel(out.format);
      std::memset(row + static_cast<std::size_t>(where.x) * bpp, 0,
                  static_cast<std::size_t>(where.width) * bpp);
    }
  }
}

Frame PixelStrip::to_frame() const {
  Frame frame = Frame::blank(width_, height_, format_);
  const std::size_t stride = frame.stride();
  for (int y = 0; y < height_; ++y)
    std::memcpy(frame.bytes.data() + static_cast<std::size_t>(y) * stride,
                bytes_.data() + static_cast<std::size_t>(y) * stride_, stride);
  return frame;
}

void PixelStrip::blit(Frame& out, Rect where, int from_x, int from_y) const {
  const Rect clipped = where.intersection(out.bounds());
  if (clipped.empty()) return;
  from_x += clipped.x - where.x;
  from_y += clipped.y - where.y;
  // Columns [first, last) of the clipped rectangle have strip pixels; the rest is background.
  const int first = clipped.x + std::clamp(-from_x, 0, clipped.width);
  const int last = clipped.x + std::clamp(width_ - from_x, 0, clipped.width);
  const std::size_t out_stride = out.stride();
  const std::size_t bpp = bytes_per_pixel(format_);
  for (int y = clipped.y; y < clipped.bottom(); ++y) {
    const int strip_y = from_y + (y - clipped.y);
    std::uint8_t* row = out.bytes.data() + static_cast<std::size_t>(y) * out_stride;
    if (strip_y < 0 || strip_y >= height_ || first >= last) {
      clear_rect(out, Rect{clipped.x, y, clipped.width, 1});
      continue;
    }
    const std::uint8_t* strip_row = bytes_.data() + static_cast<std::size_t>(strip_y) * stride_;
    const int strip_x = from_x + (first - clipped.x);
    if (format_ == PixelFormat::mono) {
      clear_bits(row, clipped.x, first - clipped.x);
      copy_bits(strip_row, strip_x, row, first, last - first);
      clear_bits(row, last, clipped.right() - last);
    } else {
      std::memset(row + static_cast<std::size_t>(clipped.x) * bpp, 0,
                  static_cast<std::size_t>(first - clipped.x) * bpp);
      std::memcpy(row + static_cast<std::size_t>(first) * bpp,
                  strip_row + static_cast<std::size_t>(strip_x) * bpp,
                  static_cast<std::size_t>(last - first) * bpp);
      std::memset(row + static_cast<std::size_t>(last) * bpp, 0,
                  static_cast<std::size_t>(clipped.right() - last) * bpp);
    }
  }
}

}  // namespace bangtin
