#include "bangtin/frame.hpp"

#include <png.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

namespace bangtin {

std::string_view to_string(PixelFormat format) {
  switch (format) {
    case PixelFormat::mono:
      return "mono";
    case PixelFormat::rgb565:
      return "rgb565";
    case PixelFormat::rgb888:
      return "rgb888";
  }
  return "unknown";
}

std::optional<PixelFormat> parse_pixel_format(std::string_view name) {
  if (name == "mono") return PixelFormat::mono;
  if (name == "rgb565") return PixelFormat::rgb565;
  if (name == "rgb888") return PixelFormat::rgb888;
  return std::nullopt;
}

std::size_t row_bytes(PixelFormat format, int width) {
  const auto w = static_cast<std::size_t>(width);
  switch (format) {
    case PixelFormat::mono:
      return (w + 7) / 8;
    case PixelFormat::rgb565:
      return w * 2;
    case PixelFormat::rgb888:
      return w * 3;
  }
  return 0;
}

Rect Rect::intersection(const Rect& other) const {
  const int left = std::max(x, other.x);
  const int top = std::max(y, other.y);
  const int r = std::min(right(), other.right());
  const int b = std::min(bottom(), other.bottom());
  if (r <= left || b <= top) return Rect{left, top, 0, 0};
  return Rect{left, top, r - left, b - top};
}

Frame Frame::blank(int width, int height, PixelFormat format) {
  Frame frame{width, height, format, {}};
  frame.bytes.assign(row_bytes(format, width) * static_cast<std::size_t>(height), 0);
  return frame;
}

bool Frame::lit(int x, int y) const {
  const auto& byte =
      bytes[static_cast<std::size_t>(y) * stride() + static_cast<std::size_t>(x / 8)];
  return (byte >> (7 - x % 8)) & 1;
}

int Frame::lit_count() const {
  int count = 0;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const Rgb c = pixel(x, y);
      count += (c.r | c.g | c.b) != 0;
    }
  return count;
}

Rgb Frame::pixel(int x, int y) const {
  const std::uint8_t* row = bytes.data() + static_cast<std::size_t>(y) * stride();
  switch (format) {
    case PixelFormat::mono:
      return lit(x, y) ? Rgb{255, 255, 255} : Rgb{};
    case PixelFormat::rgb565: {
      const unsigned v = (unsigned{row[x * 2]} << 8) | row[x * 2 + 1];
      const auto expand = [](unsigned value, int bits) {
        return static_cast<std::uint8_t>(value * 255 / ((1u << bits) - 1));
      };
      return Rgb{expand(v >> 11, 5), expand((v >> 5) & 0x3f, 6), expand(v & 0x1f, 5)};
    }
    case PixelFormat::rgb888:
      return Rgb{row[x * 3], row[x * 3 + 1], row[x * 3 + 2]};
  }
  return {};
}

void Frame::set_pixel(int x, int y, Rgb colour) {
  std::uint8_t* row = bytes.data() + static_cast<std::size_t>(y) * stride();
  switch (format) {
    case PixelFormat::mono: {
      // A mono panel lights a pixel when the colour is brighter than half.
      const bool on = (colour.r + colour.g + colour.b) >= 3 * 128;
      const auto bit = static_cast<std::uint8_t>(0x80u >> (x % 8));
      row[x / 8] = on ? (row[x / 8] | bit) : (row[x / 8] & ~bit);
      return;
    }
    case PixelFormat::rgb565: {
      const unsigned v = ((colour.r >> 3u) << 11) | ((colour.g >> 2u) << 5) | (colour.b >> 3u);
      row[x * 2] = static_cast<std::uint8_t>(v >> 8);
      row[x * 2 + 1] = static_cast<std::uint8_t>(v & 0xff);
      return;
    }
    case PixelFormat::rgb888:
      row[x * 3] = colour.r;
      row[x * 3 + 1] = colour.g;
      row[x * 3 + 2] = colour.b;
      return;
  }
}

namespace {
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
}  // namespace

namespace {
void append_png_bytes(png_structp png, png_bytep data, png_size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))
      ->append(reinterpret_cast<const char*>(data), length);
}
void flush_nothing(png_structp) {}
}  // namespace

std::string encode_png(const Frame& frame, int scale, Rgb mono_colour) {
  if (scale < 1) scale = 1;
  std::string bytes;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    throw std::runtime_error("libpng could not start");
  }
  const int out_width = frame.width * scale;
  const int out_height = frame.height * scale;
  std::vector<png_byte> row(static_cast<std::size_t>(out_width) * 3);
  // libpng reports errors by longjmp: nothing with a destructor may be created below this point.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw std::runtime_error("libpng error");
  }
  png_set_write_fn(png, &bytes, append_png_bytes, flush_nothing);
  png_set_IHDR(png, info, static_cast<png_uint_32>(out_width), static_cast<png_uint_32>(out_height),
               8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < frame.height; ++y) {
    for (int x = 0; x < frame.width; ++x) {
      Rgb c = frame.pixel(x, y);
      if (frame.format == PixelFormat::mono) c = frame.lit(x, y) ? mono_colour : Rgb{};
      for (int s = 0; s < scale; ++s) {
        png_byte* p = &row[static_cast<std::size_t>(x * scale + s) * 3];
        p[0] = c.r;
        p[1] = c.g;
        p[2] = c.b;
      }
    }
    for (int s = 0; s < scale; ++s) png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return bytes;
}

void write_png(const Frame& frame, const std::filesystem::path& path, int scale, Rgb mono_colour) {
  const auto fail = [&](const std::string& why) {
    throw std::runtime_error("cannot write " + path.string() + ": " + why);
  };
  std::string bytes;
  try {
    bytes = encode_png(frame, scale, mono_colour);
  } catch (const std::runtime_error& error) {
    fail(error.what());
  }
  const std::filesystem::path partial = path.string() + ".partial";
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(partial.c_str(), "wb"));
  if (!file) fail("cannot open for writing");
  if (std::fwrite(bytes.data(), 1, bytes.size(), file.get()) != bytes.size() ||
      std::fflush(file.get()) != 0)
    fail("write failed");
  file.reset();
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) fail(ec.message());
}

Frame read_png(const std::filesystem::path& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) {
    throw std::runtime_error("cannot read " + path.string() + ": " + image.message);
  }
  image.format = PNG_FORMAT_RGB;
  Frame frame = Frame::blank(static_cast<int>(image.width), static_cast<int>(image.height),
                             PixelFormat::rgb888);
  if (!png_image_finish_read(&image, nullptr, frame.bytes.data(), 0, nullptr)) {
    const std::string why = image.message;
    png_image_free(&image);
    throw std::runtime_error("cannot read " + path.string() + ": " + why);
  }
  return frame;
}

Frame to_rgb888(const Frame& frame, Rgb mono_colour) {
  Frame out = Frame::blank(frame.width, frame.height, PixelFormat::rgb888);
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x) {
      Rgb c = frame.pixel(x, y);
      if (frame.format == PixelFormat::mono && frame.lit(x, y)) c = mono_colour;
      out.set_pixel(x, y, c);
    }
  return out;
}

}  // namespace bangtin
