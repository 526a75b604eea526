#include "bangtin/renderer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "text_raster.hpp"

namespace bangtin {

using namespace text_raster;

namespace {

// Rendered in front of every text so that all items on a board share one size and one baseline:
// the tallest stacked marks and the deepest descenders of Vietnamese set the fit, whatever a
// particular message happens to contain. It is cut off again before the text is used.
const std::string kFitPrefix = "ỄẶẬỖ gjpqyỵ  ";

std::uint8_t ink_threshold(PixelFormat format) {
  // A mono panel lights a pixel at half coverage or more; on colour panels any coverage shows.
  return format == PixelFormat::mono ? 128 : 1;
}

}  // namespace

struct TextRenderer::Fonts {
  TtfLibrary library;
  std::filesystem::path file;
  std::map<int, FontHandle> by_size;

  TTF_Font* at(int size) {
    auto& font = by_size[size];
    if (!font) font = open_font(file, size);
    return font.get();
  }
};

TextRenderer::TextRenderer(PanelGeometry panel, std::filesystem::path font_file)
    : panel_(panel), fonts_(std::make_unique<Fonts>()) {
  if (panel.width <= 0 || panel.height <= 0) throw std::invalid_argument("panel has no pixels");
  fonts_->file = std::move(font_file);
  fonts_->at(panel.height);  // a missing or unreadable font is a startup error, not a later one
}

TextRenderer::~TextRenderer() = default;
TextRenderer::TextRenderer(TextRenderer&&) noexcept = default;
TextRenderer& TextRenderer::operator=(TextRenderer&&) noexcept = default;

namespace {

struct FittedText {
  Coverage coverage;
  int text_left = 0;  // first column of the text proper, after the fit prefix
  RowSpan ink;
};

// The largest size at which the prefixed text's ink fits the panel's height.
template <typename FontAt>
FittedText fit(FontAt&& font_at, const std::string& text, int height, int max_width,
               std::uint8_t threshold) {
  const std::string prefixed = kFitPrefix + text;
  auto measure = [&](int size) {
    TTF_Font* font = font_at(size);
    FittedText fitted{render(font, prefixed), advance_width(font, kFitPrefix), {}};
    fitted.ink = ink_rows(fitted.coverage, threshold);
    return fitted;
  };
  int low = 4;  // smaller than any LED font worth reading; used even if it does not fit
  int high = height * 2;
  FittedText best = measure(low);
  while (low < high) {
    const int mid = (low + high + 1) / 2;
    FittedText candidate = measure(mid);
    const int text_width = candidate.coverage.width - candidate.text_left;
    if (candidate.ink.height() <= height && text_width <= max_width) {
      low = mid;
      best = std::move(candidate);
    } else {
      high = mid - 1;
    }
  }
  return best;
}

}  // namespace

PreparedItem TextRenderer::scroll(std::string_view text, double speed, int passes,
                                  Rgb colour) const {
  PreparedItem item = rasterize(text, colour, std::numeric_limits<int>::max());
  item.speed_ = speed;
  const double pass_pixels = item.strip_width_ + panel_.width;
  const double seconds = passes * pass_pixels / speed;
  item.duration_ = std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(seconds * 1e9)));
  return item;
}

PreparedItem TextRenderer::still(std::string_view text, Rgb colour) const {
  // A column of margin on each side, so text never looks cut at the board's edge.
  return rasterize(text, colour, panel_.width - 2);
}

PreparedItem TextRenderer::rasterize(std::string_view text, Rgb colour, int max_width) const {
  const std::uint8_t threshold = ink_threshold(panel_.format);
  FittedText fitted = fit([this](int size) { return fonts_->at(size); }, std::string(text),
                          panel_.height, max_width, threshold);

  PreparedItem item;
  item.panel_ = panel_;
  item.colour_ = colour;
  item.strip_width_ = std::max(0, fitted.coverage.width - fitted.text_left);
  item.strip_.assign(
      static_cast<std::size_t>(item.strip_width_) * static_cast<std::size_t>(panel_.height), 0);
  // Centre the ink block vertically; rows outside the panel can only be empty ones, since the
  // fit made the ink no taller than the panel.
  const int shift = (panel_.height - fitted.ink.height()) / 2 - fitted.ink.top;
  for (int y = fitted.ink.top; y < fitted.ink.bottom; ++y) {
    const int to_y = y + shift;
    if (to_y < 0 || to_y >= panel_.height) continue;
    for (int x = 0; x < item.strip_width_; ++x) {
      item.strip_[static_cast<std::size_t>(to_y * item.strip_width_ + x)] =
          fitted.coverage.at(fitted.text_left + x, y);
    }
  }
  return item;
}

Frame PreparedItem::frame_at(std::chrono::nanoseconds elapsed) const {
  Frame frame = Frame::blank(panel_.width, panel_.height, panel_.format);
  draw(elapsed, frame);
  return frame;
}

void PreparedItem::draw(std::chrono::nanoseconds elapsed, Frame& out) const {
  int left = (panel_.width - strip_width_) / 2;  // where the strip's first column lands
  if (speed_ > 0) {
    // Whole-pixel steps: the text moves one pixel each time another 1/speed seconds have passed.
    const auto pass_pixels = static_cast<std::int64_t>(strip_width_) + panel_.width;
    const auto moved = static_cast<std::int64_t>(
        std::floor(std::chrono::duration<double>(elapsed).count() * speed_));
    left = panel_.width - static_cast<int>(((moved % pass_pixels) + pass_pixels) % pass_pixels);
  }
  const std::uint8_t threshold = ink_threshold(PixelFormat::mono);
  for (int y = 0; y < panel_.height; ++y) {
    for (int x = 0; x < panel_.width; ++x) {
      const int strip_x = x - left;
      std::uint8_t alpha = 0;
      if (strip_x >= 0 && strip_x < strip_width_) {
        alpha = strip_[static_cast<std::size_t>(y * strip_width_ + strip_x)];
      }
      if (panel_.format == PixelFormat::mono) {
        out.set_pixel(x, y, alpha >= threshold ? Rgb{255, 255, 255} : Rgb{});
        continue;
      }
      const auto scale = [alpha](std::uint8_t c) {
        return static_cast<std::uint8_t>(c * alpha / 255);
      };
      out.set_pixel(x, y, Rgb{scale(colour_.r), scale(colour_.g), scale(colour_.b)});
    }
  }
}

}  // namespace bangtin
