#include "picture_pixels.hpp"

extern "C" {
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace bangtin::picture_pixels {
namespace {

struct SwsContextFree {
  void operator()(SwsContext* context) const { sws_freeContext(context); }
};

Frame cut(const Frame& picture, int from_x, int from_y, int width, int height) {
  Frame out = Frame::blank(width, height, PixelFormat::rgb888);
  for (int y = 0; y < height; ++y) {
    std::memcpy(out.bytes.data() + static_cast<std::size_t>(y) * out.stride(),
                picture.bytes.data() + static_cast<std::size_t>(from_y + y) * picture.stride() +
                    static_cast<std::size_t>(from_x) * 3,
                static_cast<std::size_t>(width) * 3);
  }
  return out;
}

// `picture` placed with its top left at (x, y) of a dark frame of width x height, cut where it
// overhangs.
Frame placed(const Frame& picture, int width, int height, int x, int y) {
  Frame out = Frame::blank(width, height, PixelFormat::rgb888);
  const Rect inside = Rect{x, y, picture.width, picture.height}.intersection(out.bounds());
  for (int row = inside.y; row < inside.bottom(); ++row) {
    std::memcpy(out.bytes.data() + static_cast<std::size_t>(row) * out.stride() +
                    static_cast<std::size_t>(inside.x) * 3,
                picture.bytes.data() + static_cast<std::size_t>(row - y) * picture.stride() +
                    static_cast<std::size_t>(inside.x - x) * 3,
                static_cast<std::size_t>(inside.width) * 3);
  }
  return out;
}

int rounded(double value) { return std::max(1, static_cast<int>(std::lround(value))); }

}  // namespace

Frame scaled(const Frame& picture, int width, int height) {
  if (picture.format != PixelFormat::rgb888) throw std::invalid_argument("pictures are rgb888");
  if (width == picture.width && height == picture.height) return picture;
  const std::unique_ptr<SwsContext, SwsContextFree> context(sws_getContext(
      picture.width, picture.height, AV_PIX_FMT_RGB24, width, height, AV_PIX_FMT_RGB24,
      SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP, nullptr, nullptr,
      nullptr));
  if (!context) throw std::runtime_error("libswscale cannot scale this picture");
  Frame out = Frame::blank(width, height, PixelFormat::rgb888);
  const std::uint8_t* source[1] = {picture.bytes.data()};
  const int source_stride[1] = {static_cast<int>(picture.stride())};
  std::uint8_t* target[1] = {out.bytes.data()};
  const int target_stride[1] = {static_cast<int>(out.stride())};
  sws_scale(context.get(), source, source_stride, 0, picture.height, target, target_stride);
  return out;
}

Size fitted_size(int width, int height, int space_width, int space_height, PictureFit fit) {
  if (fit != PictureFit::whole || width <= 0 || height <= 0) return Size{space_width, space_height};
  const double scale = std::min(static_cast<double>(space_width) / width,
                                static_cast<double>(space_height) / height);
  return Size{std::min(space_width, rounded(width * scale)),
              std::min(space_height, rounded(height * scale))};
}

Frame fitted(const Frame& picture, int width, int height, PictureFit fit) {
  switch (fit) {
    case PictureFit::whole: {
      const Size size = fitted_size(picture.width, picture.height, width, height, fit);
      return placed(scaled(picture, size.width, size.height), width, height,
                    (width - size.width) / 2, (height - size.height) / 2);
    }
    case PictureFit::fill: {
      const double scale = std::max(static_cast<double>(width) / picture.width,
                                    static_cast<double>(height) / picture.height);
      const int scaled_width = std::max(width, rounded(picture.width * scale));
      const int scaled_height = std::max(height, rounded(picture.height * scale));
      return cut(scaled(picture, scaled_width, scaled_height), (scaled_width - width) / 2,
                 (scaled_height - height) / 2, width, height);
    }
    case PictureFit::centre:
      return placed(picture, width, height, (width - picture.width) / 2,
                    (height - picture.height) / 2);
  }
  return Frame::blank(width, height, PixelFormat::rgb888);
}

Frame in_panel_format(const Frame& picture, PixelFormat format, const Light& light) {
  const int brightness = std::clamp(light.brightness, 0, 100);
  if (format == PixelFormat::rgb888 && light.gamma == 1.0 && brightness == 100) return picture;
  std::array<double, 256> level{};  // channel value -> light, 0..1
  for (int v = 0; v < 256; ++v) level[v] = std::pow(v / 255.0, light.gamma);
  Frame out = Frame::blank(picture.width, picture.height, format);
  if (format == PixelFormat::mono) {
    if (brightness == 0) return out;
    // Atkinson: 1/8 of the error to each of six neighbours, two rows kept.
    const auto w = static_cast<std::size_t>(picture.width);
    std::vector<double> error((w + 4) * 3, 0.0);
    for (int y = 0; y < picture.height; ++y) {
      double* here = error.data() + static_cast<std::size_t>(y % 3) * (w + 4) + 2;
      double* below = error.data() + static_cast<std::size_t>((y + 1) % 3) * (w + 4) + 2;
      double* after = error.data() + static_cast<std::size_t>((y + 2) % 3) * (w + 4) + 2;
      std::fill(after - 2, after + w + 2, 0.0);
      const std::uint8_t* row =
          picture.bytes.data() + static_cast<std::size_t>(y) * picture.stride();
      for (std::size_t x = 0; x < w; ++x) {
        const std::uint8_t* rgb = row + x * 3;
        const double luminance =
            0.2126 * level[rgb[0]] + 0.7152 * level[rgb[1]] + 0.0722 * level[rgb[2]];
        const double wanted = luminance + here[x];
        const bool lit = wanted >= 0.5;
        if (lit)
          out.bytes[static_cast<std::size_t>(y) * out.stride() + x / 8] |=
              static_cast<std::uint8_t>(0x80u >> (x % 8));
        const double spread = (wanted - (lit ? 1.0 : 0.0)) / 8;
        here[x + 1] += spread;
        here[x + 2] += spread;
        (below - 1)[x] += spread;  // the row's padding takes it at x = 0
        below[x] += spread;
        below[x + 1] += spread;
        after[x] += spread;
      }
    }
    return out;
  }
  std::array<std::uint8_t, 256> channel{};
  for (int v = 0; v < 256; ++v)
    channel[v] = static_cast<std::uint8_t>(std::lround(level[v] * brightness / 100.0 * 255.0));
  for (int y = 0; y < picture.height; ++y) {
    const std::uint8_t* from =
        picture.bytes.data() + static_cast<std::size_t>(y) * picture.stride();
    std::uint8_t* to = out.bytes.data() + static_cast<std::size_t>(y) * out.stride();
    for (int x = 0; x < picture.width; ++x, from += 3) {
      const std::uint8_t r = channel[from[0]], g = channel[from[1]], b = channel[from[2]];
      if (format == PixelFormat::rgb565) {
        const unsigned v = ((r >> 3u) << 11) | ((g >> 2u) << 5) | (b >> 3u);
        *to++ = static_cast<std::uint8_t>(v >> 8);
        *to++ = static_cast<std::uint8_t>(v & 0xFF);
      } else {
        *to++ = r;
        *to++ = g;
        *to++ = b;
      }
    }
  }
  return out;
}

}  // namespace bangtin::picture_pixels
