#include "bangtin/renderer.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <stdexcept>

#include "pixel_strip.hpp"
#include "text_layout.hpp"
#include "text_raster.hpp"

namespace bangtin {

using text_raster::Coverage;
using text_raster::GlyphMode;

namespace {

using Milliseconds = std::int64_t;

// Effects run on whole milliseconds, rounded to the nearest: a frame tick that arrives a few
// microseconds early (timers truncate 1/30 s and 1/60 s) still lands on the same pixel step as
// one that is exact, so 25, 30 and 60 fps agree wherever their frames meet.
Milliseconds whole_ms(std::chrono::nanoseconds elapsed) {
  return std::max<std::int64_t>(0, (elapsed.count() + 500'000) / 1'000'000);
}

std::chrono::nanoseconds from_ms(Milliseconds ms) { return std::chrono::milliseconds(ms); }

// Whole pixels travelled at `speed` px/s after `ms`.
std::int64_t pixels_moved(Milliseconds ms, double speed) {
  return static_cast<std::int64_t>(std::floor(static_cast<double>(ms) * speed / 1000.0 + 1e-9));
}

std::uint8_t light_channel(std::uint8_t colour, std::uint8_t coverage, const Light& light,
                           double fade) {
  const double linear = (colour / 255.0) * (coverage / 255.0);
  const double lit = std::pow(linear, light.gamma) * std::clamp(light.brightness, 0, 100) / 100.0;
  return static_cast<std::uint8_t>(std::lround(std::clamp(lit * fade, 0.0, 1.0) * 255.0));
}

Palette make_palette(PixelFormat format, Rgb colour, const Light& light, double fade = 1.0) {
  Palette palette;
  palette.format = format;
  for (int a = 0; a < 256; ++a) {
    const auto coverage = static_cast<std::uint8_t>(a);
    // A mono LED is on or off: lit from half coverage (crisp glyphs are all or nothing anyway).
    palette.lit[a] = a >= 128 && light.brightness > 0 && fade > 0;
    const Rgb c{light_channel(colour.r, coverage, light, fade),
                light_channel(colour.g, coverage, light, fade),
                light_channel(colour.b, coverage, light, fade)};
    if (format == PixelFormat::rgb565) {
      const unsigned v = ((c.r >> 3u) << 11) | ((c.g >> 2u) << 5) | (c.b >> 3u);
      palette.bytes[a] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v & 0xFF),
                          0};
    } else {
      palette.bytes[a] = {c.r, c.g, c.b};
    }
  }
  return palette;
}

GlyphMode glyph_mode(GlyphStyle style, PixelFormat format) {
  if (style == GlyphStyle::crisp) return GlyphMode::crisp;
  if (style == GlyphStyle::smooth) return GlyphMode::smooth;
  return format == PixelFormat::mono ? GlyphMode::crisp : GlyphMode::smooth;
}

int side_margin(int width) { return std::max(1, width / 64); }

// No item plays longer than a day: more is a mistake in the playlist, and passes times a round
// that long would overflow the nanosecond count. `ms` is computed in double so it cannot wrap.
constexpr double kLongestPlayMs = 24.0 * 60 * 60 * 1000;

void check_play_length(double ms, std::string_view effect, int passes) {
  if (ms <= kLongestPlayMs) return;
  throw std::invalid_argument(std::string(effect) + " with " + std::to_string(passes) +
                              " passes would play for " +
                              std::to_string(static_cast<long long>(ms / 3'600'000)) +
                              " hours; an item may play for at most 24 hours");
}

}  // namespace

// --- PreparedItem ----------------------------------------------------------------------------

struct PreparedItem::State {
  PanelGeometry zone;
  TextStyle style;
  Light light;
  Coverage block;  // scroll: one line; page: the screens stacked; otherwise one screen
  PixelStrip strip;
  std::shared_ptr<const Frame> scroll_strip;  // scroll: `strip` as a Frame, for scroll_strip()
  int size = 0;                               // pixel size the text was set in
  int pages = 1;
  Milliseconds transition_ms = 0;  // page: the scroll up from one page to the next
  std::chrono::nanoseconds duration{0};

  Milliseconds page_round_ms() const {
    return pages * style.hold.count() + (pages - 1) * transition_ms;
  }
  void convert() {
    strip = PixelStrip(block.alpha, block.width, block.height,
                       make_palette(zone.format, style.colour, light));
    if (style.effect == TextEffect::scroll)
      scroll_strip = std::make_shared<const Frame>(strip.to_frame());
  }
  // Scroll: the strip column at the zone's left edge; the strip enters at the right edge.
  int scroll_offset(Milliseconds ms) const {
    const std::int64_t pass_pixels = strip.width() + std::int64_t{zone.width};
    const std::int64_t moved = pixels_moved(ms, style.speed) % pass_pixels;
    return static_cast<int>(moved - zone.width);
  }
};

PreparedItem::PreparedItem() = default;
PreparedItem::~PreparedItem() = default;
PreparedItem::PreparedItem(const PreparedItem& other)
    : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}
PreparedItem& PreparedItem::operator=(const PreparedItem& other) {
  if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
  return *this;
}
PreparedItem::PreparedItem(PreparedItem&&) noexcept = default;
PreparedItem& PreparedItem::operator=(PreparedItem&&) noexcept = default;

std::chrono::nanoseconds PreparedItem::duration() const {
  return state_ ? state_->duration : std::chrono::nanoseconds{0};
}

int PreparedItem::font_size() const { return state_ ? state_->size : 0; }

Frame PreparedItem::frame_at(std::chrono::nanoseconds elapsed) const {
  if (!state_) return Frame{};
  Frame frame = Frame::blank(state_->zone.width, state_->zone.height, state_->zone.format);
  draw(elapsed, frame);
  return frame;
}

void PreparedItem::draw(std::chrono::nanoseconds elapsed, Frame& out) const {
  draw(elapsed, out, out.bounds());
}

void PreparedItem::set_light(const Light& light) {
  if (!state_ || state_->light == light) return;
  state_->light = light;
  state_->convert();
}

std::optional<ScrollStrip> PreparedItem::scroll_strip(std::chrono::nanoseconds elapsed) const {
  if (!state_ || state_->style.effect != TextEffect::scroll) return std::nullopt;
  return ScrollStrip{state_->scroll_strip, state_->scroll_offset(whole_ms(elapsed)),
                     std::max(state_->duration - elapsed, std::chrono::nanoseconds{0})};
}

void PreparedItem::draw(std::chrono::nanoseconds elapsed, Frame& out, Rect where) const {
  if (!state_) return;
  const State& s = *state_;
  if (out.format != s.zone.format) {
    throw std::invalid_argument("frame is " + std::string(to_string(out.format)) +
                                ", the item was prepared for " +
                                std::string(to_string(s.zone.format)));
  }
  const Milliseconds ms = whole_ms(elapsed);
  switch (s.style.effect) {
    case TextEffect::scroll:
      s.strip.blit(out, where, s.scroll_offset(ms), 0);
      return;
    case TextEffect::page: {
      const Milliseconds step = s.style.hold.count() + s.transition_ms;
      const Milliseconds in_round = ms % std::max<Milliseconds>(1, s.page_round_ms());
      const auto page = static_cast<int>(std::min<Milliseconds>(in_round / step, s.pages - 1));
      const Milliseconds in_page = in_round - page * step;
      int offset = page * s.zone.height;
      if (in_page > s.style.hold.count() && page + 1 < s.pages) {
        offset += static_cast<int>(std::min<std::int64_t>(
            pixels_moved(in_page - s.style.hold.count(), s.style.speed), s.zone.height));
      }
      s.strip.blit(out, where, 0, offset);
      return;
    }
    case TextEffect::blink: {
      const Milliseconds period = std::max<Milliseconds>(2, s.style.period.count());
      if (ms % period < period / 2) {
        s.strip.blit(out, where, 0, 0);
      } else {
        clear_rect(out, where);
      }
      return;
    }
    case TextEffect::fade: {
      const Milliseconds fade = s.style.fade.count();
      const Milliseconds total = 2 * fade + s.style.hold.count();
      double level = 1.0;
      if (fade > 0 && ms < fade) level = static_cast<double>(ms) / fade;
      if (fade > 0 && ms > total - fade) level = std::max<double>(0, total - ms) / fade;
      if (level >= 1.0 || s.zone.format == PixelFormat::mono) {
        s.strip.blit(out, where, 0, 0);  // an LED board has no levels between on and off: cut
      } else {
        PixelStrip(s.block.alpha, s.block.width, s.block.height,
                   make_palette(s.zone.format, s.style.colour, s.light, level))
            .blit(out, where, 0, 0);
      }
      return;
    }
    case TextEffect::still:
      s.strip.blit(out, where, 0, 0);
      return;
  }
}

// --- TextRenderer ----------------------------------------------------------------------------

TextDoesNotFit::TextDoesNotFit(const std::filesystem::path& font_file, int lines, int rows_needed,
                               int rows)
    : std::runtime_error("font " + font_file.string() + " needs at least " +
                         std::to_string(rows_needed) + " rows for " +
                         (lines == 1 ? std::string("a line") : std::to_string(lines) + " lines") +
                         " with its Vietnamese marks whole; the zone has " + std::to_string(rows)),
      rows_needed_(rows_needed),
      rows_(rows) {}

struct TextRenderer::Fonts {
  explicit Fonts(std::filesystem::path file, GlyphMode mode) : sizes(std::move(file), mode) {}
  text_raster::FontSizes sizes;
};

TextRenderer::TextRenderer(PanelGeometry zone, std::filesystem::path font_file,
                           RenderOptions options)
    : zone_(zone), options_(options) {
  if (zone.width <= 0 || zone.height <= 0) throw std::invalid_argument("zone has no pixels");
  fonts_ = std::make_unique<Fonts>(std::move(font_file), glyph_mode(options.glyphs, zone.format));
}

TextRenderer::~TextRenderer() = default;
TextRenderer::TextRenderer(TextRenderer&&) noexcept = default;
TextRenderer& TextRenderer::operator=(TextRenderer&&) noexcept = default;

const std::filesystem::path& TextRenderer::font_file() const { return fonts_->sizes.file(); }

PreparedItem TextRenderer::prepare(std::string_view text, const TextStyle& style) const {
  auto state = std::make_unique<PreparedItem::State>();
  state->zone = zone_;
  state->style = style;
  state->light = options_.light;
  text_layout::Typesetter setter(fonts_->sizes, text_raster::nfc(text));
  const int width = zone_.width;
  const int height = zone_.height;
  const int text_width = width - 2 * side_margin(width);
  const auto no_fit = [&](int lines, int size = text_layout::Typesetter::kSmallestSize) {
    return TextDoesNotFit(fonts_->sizes.file(), lines, setter.rows_for(lines, size), height);
  };
  // The size for `lines` lines: the one asked for, or the largest whose ink fits the zone.
  const auto size_for = [&](int lines) -> int {
    if (style.size <= 0) {
      const auto largest = setter.largest_size(lines, height);
      if (!largest) throw no_fit(lines);
      return *largest;
    }
    if (setter.rows_for(lines, style.size) > height) throw no_fit(lines, style.size);
    return style.size;
  };

  switch (style.effect) {
    case TextEffect::scroll: {
      if (style.speed <= 0) throw std::invalid_argument("scroll speed must be above zero");
      state->size = size_for(1);
      state->block = setter.single_line(state->size, height);
      const double pass_pixels = state->block.width + width;
      const double seconds = std::max(1, style.passes) * pass_pixels / style.speed;
      check_play_length(seconds * 1000, "scroll", style.passes);
      state->duration =
          std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(seconds * 1e9)));
      break;
    }
    case TextEffect::page: {
      if (style.speed <= 0) throw std::invalid_argument("page speed must be above zero");
      const int lines = style.lines > 0 ? style.lines
                        : height < 48   ? 1
                                        : std::clamp(height / 100, 1, 8);
      const int size = size_for(lines);
      state->size = size;
      const std::vector<std::string> wrapped = setter.wrap(size, text_width);
      const auto per_page = static_cast<std::size_t>(lines);
      state->pages = std::max(1, static_cast<int>((wrapped.size() + per_page - 1) / per_page));
      state->block = Coverage{width, height * state->pages, {}};
      for (std::size_t page = 0; page < static_cast<std::size_t>(state->pages); ++page) {
        const auto first = wrapped.begin() +
                           static_cast<std::ptrdiff_t>(std::min(wrapped.size(), page * per_page));
        const auto last = wrapped.begin() + static_cast<std::ptrdiff_t>(
                                                std::min(wrapped.size(), (page + 1) * per_page));
        const Coverage screen = setter.screen(size, {first, last}, width, height);
        state->block.alpha.insert(state->block.alpha.end(), screen.alpha.begin(),
                                  screen.alpha.end());
      }
      state->transition_ms = static_cast<Milliseconds>(std::ceil(height * 1000.0 / style.speed));
      check_play_length(
          std::max(1, style.passes) * (static_cast<double>(state->pages) * style.hold.count() +
                                       (state->pages - 1.0) * state->transition_ms),
          "page", style.passes);
      state->duration = from_ms(std::max(1, style.passes) * state->page_round_ms());
      break;
    }
    case TextEffect::still:
    case TextEffect::blink:
    case TextEffect::fade: {
      int best_size = 0;
      std::vector<std::string> best_lines;
      if (style.size > 0) {
        best_lines = setter.wrap(style.size, text_width);
        size_for(static_cast<int>(best_lines.size()));  // throws when the lines do not fit
        best_size = style.size;
      }
      // Otherwise as many lines as make the text biggest; fewer lines win a tie. For each count,
      // the largest size that wraps into that many lines first (advance widths only, cheap at
      // any size), then whether those lines fit the height (rendered, costly at HD sizes).
      for (int lines = 1; style.size <= 0 && lines <= 12; ++lines) {
        const auto wrapped = setter.largest_wrapping_size(
            lines, text_width, best_size, text_layout::Typesetter::largest_candidate(height));
        if (!wrapped) continue;  // too long for this many lines, at any size left to try
        const auto largest = setter.largest_size(lines, height, *wrapped);
        if (!largest || *largest <= best_size) break;
        best_size = *largest;
        setter.wraps_within(best_size, lines, text_width, &best_lines);
      }
      if (best_size == 0) {
        // Too long for one screen even at the smallest size: as many lines as fit are shown
        // (validation warns about such items; page or scroll suits them).
        if (!setter.largest_size(1, height)) throw no_fit(1);
        best_size = text_layout::Typesetter::kSmallestSize;
        best_lines = setter.wrap(best_size, text_width);
        const auto m = setter.metrics(best_size);
        const int gap = text_layout::Typesetter::gap(m);
        const auto fit = static_cast<std::size_t>(std::max(1, (height + gap) / (m.pitch() + gap)));
        if (best_lines.size() > fit) best_lines.resize(fit);
      }
      state->size = best_size;
      state->block = setter.screen(best_size, best_lines, width, height);
      if (style.effect == TextEffect::blink) {
        check_play_length(std::max(1, style.passes) * static_cast<double>(style.period.count()),
                          "blink", style.passes);
        state->duration = from_ms(std::max(1, style.passes) * style.period.count());
      } else if (style.effect == TextEffect::fade) {
        state->duration = from_ms(2 * style.fade.count() + style.hold.count());
      } else {
        state->duration = style.hold;
      }
      break;
    }
  }
  state->convert();
  PreparedItem item;
  item.state_ = std::move(state);
  return item;
}

int TextRenderer::rows_needed(std::string_view text) const {
  text_layout::Typesetter setter(fonts_->sizes, text_raster::nfc(text));
  return setter.rows_for(1, text_layout::Typesetter::kSmallestSize);
}

PreparedItem TextRenderer::scroll(std::string_view text, double speed, int passes,
                                  Rgb colour) const {
  TextStyle style;
  style.effect = TextEffect::scroll;
  style.speed = speed;
  style.passes = passes;
  style.colour = colour;
  return prepare(text, style);
}

PreparedItem TextRenderer::still(std::string_view text, Rgb colour) const {
  TextStyle style;
  style.effect = TextEffect::still;
  style.colour = colour;
  return prepare(text, style);
}

std::vector<char32_t> TextRenderer::missing_glyphs(std::string_view text) const {
  return bangtin::missing_glyphs(fonts_->sizes.file(), text);
}

std::vector<char32_t> missing_glyphs(const std::filesystem::path& font_file,
                                     std::string_view text) {
  text_raster::TtfLibrary library;
  const text_raster::FontHandle font = text_raster::open_font(font_file, 16, GlyphMode::smooth);
  const auto provided = [&](char32_t c) { return TTF_GlyphIsProvided32(font.get(), c) != 0; };
  std::vector<char32_t> missing;
  for (char32_t c : text_raster::code_points(std::string(text))) {
    if (c < 0x20 || provided(c) || std::find(missing.begin(), missing.end(), c) != missing.end()) {
      continue;
    }
    missing.push_back(c);
  }
  return missing;
}

double even_scroll_speed(double speed, double fps) {
  if (fps <= 0) return speed;
  return std::max(1.0, std::round(speed / fps)) * fps;
}

}  // namespace bangtin
