#include "bangtin/renderer.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "bangtin/document_pages.hpp"
#include "bangtin/video_clip.hpp"
#include "checked_by_stamp.hpp"
#include "image_file.hpp"
#include "picture_pixels.hpp"
#include "pixel_strip.hpp"
#include "qr_code.hpp"
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
  // The LED glyphs are bitmaps: drawn as they are, every pixel on or off.
  if (style == GlyphStyle::crisp || style == GlyphStyle::led) return GlyphMode::crisp;
  if (style == GlyphStyle::smooth) return GlyphMode::smooth;
  return format == PixelFormat::mono ? GlyphMode::crisp : GlyphMode::smooth;
}

int side_margin(int width) { return std::max(1, width / 64); }

// How long an item plays: worked out once, when it is prepared (see "How long an item plays").
struct Timing {
  std::chrono::nanoseconds whole{0};  // the play: its duration, or all its passes, or its hold
  std::chrono::nanoseconds pass{0};   // one pass; 0 when the play may stop at any instant
  // Where its last pass ends: `whole`, or later when a duration cuts the last pass short.
  std::chrono::nanoseconds passes_end{0};
};

}  // namespace

// --- PreparedItem ----------------------------------------------------------------------------

// A picture or QR code an item shows, made ready for its place in the zone.
struct PicturePart {
  Rect box;  // within the item's zone
  // rgb888, box-sized; a page each for a document. Never changed once set: shared by copies of
  // the item and by the item in other lights.
  std::shared_ptr<const std::vector<Frame>> pages;
  std::vector<PixelStrip> pixels;  // the pages in the zone's format and light
  std::chrono::milliseconds page_time{0};

  void convert(PixelFormat format, const Light& light) {
    if (!pages) pages = sources();
    pixels.clear();
    for (const Frame& page : *pages)
      pixels.emplace_back(picture_pixels::in_panel_format(page, format, light));
    // A lobby screen in full light shows the pictures as they are: kept once, as its pixels (a
    // document of 30 pages at full HD is 180 MB a copy).
    if (format == PixelFormat::rgb888 && light.gamma == 1.0 && light.brightness >= 100)
      pages.reset();
  }
  // The pictures before light: kept, or (in full light on rgb888) the pixels themselves.
  std::shared_ptr<const std::vector<Frame>> sources() const {
    if (pages) return pages;
    std::vector<Frame> frames;
    for (const PixelStrip& page : pixels) frames.push_back(page.to_frame());
    return std::make_shared<const std::vector<Frame>>(std::move(frames));
  }
  std::size_t bytes() const {
    std::size_t total = 0;
    if (pages)
      for (const Frame& page : *pages) total += page.bytes.size();
    for (const PixelStrip& page : pixels) total += page.bytes();
    return total;
  }
  const PixelStrip& page_at(Milliseconds ms) const {
    if (pixels.size() == 1 || page_time.count() <= 0) return pixels.front();
    return pixels[std::min<std::size_t>(static_cast<std::size_t>(ms / page_time.count()),
                                        pixels.size() - 1)];
  }
};

struct PreparedItem::State {
  PanelGeometry zone;  // the text's part of the item's zone (all of it without a picture)
  TextStyle style;
  Light light;
  // Scroll: one line; page: the screens stacked; otherwise one screen. Never changed once set:
  // copies of the item, and the item in other lights (lit), share it.
  std::shared_ptr<const Coverage> block;
  PixelStrip strip;
  std::shared_ptr<const Frame> scroll_strip;  // scroll: `strip` as a Frame, for scroll_strip()
  int size = 0;                               // pixel size the text was set in
  int pages = 1;
  Timing timing;
  PanelGeometry area;  // the item's whole zone
  bool has_text = true;
  Rect text_box;  // within `area`
  Rect gap;       // between picture and text, dark
  std::optional<PicturePart> picture;
  // A video item: its clip, decoding ahead on a thread of its own. Shared by copies of the item
  // (and by the item in other lights: a video plays in its own light).
  std::shared_ptr<VideoClip> video;

  void convert() {
    if (picture) picture->convert(area.format, light);
    if (!has_text) return;
    strip = PixelStrip(block->alpha, block->width, block->height,
                       make_palette(zone.format, style.colour, light));
    if (style.effect == TextEffect::scroll && !picture)
      scroll_strip = std::make_shared<const Frame>(strip.to_frame());
  }

  // Scroll: the strip column at the zone's left edge; the strip enters at the right edge.
  int scroll_offset(Milliseconds ms) const {
    const std::int64_t pass_pixels = strip.width() + std::int64_t{zone.width};
    const std::int64_t moved = pixels_moved(ms, style.speed) % pass_pixels;
    return static_cast<int>(moved - zone.width);
  }

  // Page: each page stands for `hold`, then scrolls up at `speed` until the next one stands.
  Milliseconds page_transition_ms() const {
    return static_cast<Milliseconds>(std::ceil(zone.height * 1000.0 / style.speed));
  }
  Milliseconds page_round_ms() const {
    return pages * style.hold.count() + (pages - 1) * page_transition_ms();
  }
  // The strip row at the zone's top.
  int page_offset(Milliseconds ms) const {
    const Milliseconds hold = style.hold.count();
    const Milliseconds step = hold + page_transition_ms();
    const Milliseconds in_round = ms % std::max<Milliseconds>(1, page_round_ms());
    const auto page = static_cast<int>(std::min<Milliseconds>(in_round / step, pages - 1));
    const Milliseconds in_page = in_round - page * step;
    int offset = page * zone.height;
    if (in_page > hold && page + 1 < pages) {
      offset += static_cast<int>(
          std::min<std::int64_t>(pixels_moved(in_page - hold, style.speed), zone.height));
    }
    return offset;
  }

  // Still and fade: how long the text stands, the duration when the style gives one.
  Milliseconds hold_ms() const { return style.duration.value_or(style.hold).count(); }
  // Fade: the text's level, 0 to 1, fading in for `fade`, then out for `fade` after its hold.
  double fade_level(Milliseconds ms) const {
    const Milliseconds fade = style.fade.count();
    const Milliseconds total = 2 * fade + hold_ms();
    double level = 1.0;
    if (fade > 0 && ms < fade) level = static_cast<double>(ms) / fade;
    if (fade > 0 && ms > total - fade) level = std::max<double>(0, total - ms) / fade;
    return level;
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
  return state_ ? state_->timing.whole : std::chrono::nanoseconds{0};
}

std::chrono::nanoseconds PreparedItem::pass_duration() const {
  return state_ ? state_->timing.pass : std::chrono::nanoseconds{0};
}

int PreparedItem::font_size() const { return state_ ? state_->size : 0; }

std::size_t PreparedItem::bytes() const {
  if (!state_) return 0;
  const State& s = *state_;
  // A clip holds a few decoded frames in the zone's format and the decoder's own pictures.
  const std::size_t video =
      s.video ? 8 * static_cast<std::size_t>(s.area.width) * s.area.height * 3 : 0;
  return (s.block ? s.block->alpha.size() : 0) + s.strip.bytes() +
         (s.scroll_strip ? s.scroll_strip->bytes.size() : 0) +
         (s.picture ? s.picture->bytes() : 0) + video;
}

bool PreparedItem::wait_ready(std::chrono::nanoseconds elapsed,
                              std::chrono::milliseconds timeout) const {
  if (!state_ || !state_->video) return true;
  return state_->video->wait_ready(elapsed, timeout);
}

double PreparedItem::frame_rate() const {
  return state_ && state_->video ? state_->video->info().fps : 0.0;
}

PreparedItem::VideoCounts PreparedItem::video_counts() const {
  if (!state_ || !state_->video) return {};
  const VideoClip::Counts counts = state_->video->counts();
  return VideoCounts{counts.decoded, counts.shown, counts.late};
}

Frame PreparedItem::frame_at(std::chrono::nanoseconds elapsed) const {
  if (!state_) return Frame{};
  Frame frame = Frame::blank(state_->area.width, state_->area.height, state_->area.format);
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

PreparedItem PreparedItem::lit(const Light& light) const {
  if (!state_ || state_->light == light) return *this;
  const State& s = *state_;
  PreparedItem item;
  // Field by field rather than a copy of the whole state: its pixels are converted anew anyway.
  item.state_ = std::make_unique<State>();
  State& copy = *item.state_;
  copy.zone = s.zone;
  copy.style = s.style;
  copy.light = light;
  copy.block = s.block;
  copy.size = s.size;
  copy.pages = s.pages;
  copy.timing = s.timing;
  copy.area = s.area;
  copy.has_text = s.has_text;
  copy.text_box = s.text_box;
  copy.gap = s.gap;
  if (s.picture)
    copy.picture = PicturePart{s.picture->box, s.picture->sources(), {}, s.picture->page_time};
  copy.video = s.video;
  copy.convert();
  return item;
}

std::optional<ScrollStrip> PreparedItem::scroll_strip(std::chrono::nanoseconds elapsed) const {
  if (!state_ || state_->style.effect != TextEffect::scroll || !state_->scroll_strip)
    return std::nullopt;
  return ScrollStrip{state_->scroll_strip, state_->scroll_offset(whole_ms(elapsed)),
                     std::max(state_->timing.passes_end - elapsed, std::chrono::nanoseconds{0})};
}

void PreparedItem::draw(std::chrono::nanoseconds elapsed, Frame& out, Rect where) const {
  if (!state_) return;
  const State& s = *state_;
  if (out.format != s.zone.format) {
    throw std::invalid_argument("frame is " + std::string(to_string(out.format)) +
                                ", the item was prepared for " +
                                std::string(to_string(s.zone.format)));
  }
  if (s.video) {
    s.video->draw(elapsed, out, where);
    return;
  }
  const Milliseconds ms = whole_ms(elapsed);
  if (s.picture) {
    const Rect box = s.picture->box;
    s.picture->page_at(ms).blit(out, Rect{where.x + box.x, where.y + box.y, box.width, box.height},
                                0, 0);
    if (!s.has_text) return;
    clear_rect(out, Rect{where.x + s.gap.x, where.y + s.gap.y, s.gap.width, s.gap.height});
    where =
        Rect{where.x + s.text_box.x, where.y + s.text_box.y, s.text_box.width, s.text_box.height};
  }
  switch (s.style.effect) {
    case TextEffect::scroll:
      s.strip.blit(out, where, s.scroll_offset(ms), 0);
      return;
    case TextEffect::page:
      s.strip.blit(out, where, 0, s.page_offset(ms));
      return;
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
      const double level = s.fade_level(ms);
      if (level >= 1.0 || s.zone.format == PixelFormat::mono) {
        s.strip.blit(out, where, 0, 0);  // an LED board has no levels between on and off: cut
      } else {
        PixelStrip(s.block->alpha, s.block->width, s.block->height,
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

// --- How long an item plays ------------------------------------------------------------------
// Decided here alone, from the effect's own pace and the item's wishes (passes, or a duration
// instead). The strip does not depend on it: the text is set once, whatever the timing.

namespace {

using State = PreparedItem::State;

// No item plays longer than a day: more is a mistake in the playlist, and passes times a round
// that long would overflow the nanosecond count. `ms` is computed in double so it cannot wrap.
constexpr double kLongestPlayMs = 24.0 * 60 * 60 * 1000;

void check_play_length(double ms, std::string_view effect, std::int64_t passes) {
  if (ms <= kLongestPlayMs) return;
  throw std::invalid_argument(std::string(effect) + " with " + std::to_string(passes) +
                              " passes would play for " +
                              std::to_string(static_cast<long long>(ms / 3'600'000)) +
                              " hours; an item may play for at most 24 hours");
}

// Scroll, page and blink run in passes; `passes_length(n)` is how long n of them take (and
// refuses more than a day). A duration plays as many passes as it takes to fill it, rounded up,
// and the play ends at the duration itself, cutting the last pass short.
template <typename PassesLength>
Timing timing_in_passes(const TextStyle& style, const PassesLength& passes_length) {
  using std::chrono::nanoseconds;
  const int asked = std::max(1, style.passes);
  const nanoseconds asked_length = passes_length(asked);
  Timing timing{asked_length, asked_length / asked, asked_length};
  if (!style.duration) return timing;
  timing.whole = *style.duration;
  if (timing.pass > nanoseconds(0)) {
    const std::int64_t passes =
        std::max<std::int64_t>(1, (timing.whole + timing.pass - nanoseconds(1)) / timing.pass);
    timing.passes_end = passes_length(passes);
  }
  return timing;
}

// Scroll: a pass is the text crossing the zone, from entering at the right edge to gone at the
// left, at `speed`.
Timing scroll_timing(const State& s) {
  const double pass_pixels = s.block->width + s.zone.width;
  return timing_in_passes(s.style, [&](std::int64_t passes) {
    const double seconds = static_cast<double>(passes) * pass_pixels / s.style.speed;
    check_play_length(seconds * 1000, "scroll", passes);
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(seconds * 1e9)));
  });
}

// Page: a pass is a round through the pages, each standing for `hold` and scrolling up into the
// next (see State::page_round_ms).
Timing page_timing(const State& s) {
  return timing_in_passes(s.style, [&](std::int64_t passes) {
    check_play_length(static_cast<double>(passes) * static_cast<double>(s.page_round_ms()), "page",
                      passes);
    return from_ms(passes * s.page_round_ms());
  });
}

// Blink: a pass is one flash, on then off, of `period`.
Timing blink_timing(const State& s) {
  return timing_in_passes(s.style, [&](std::int64_t passes) {
    check_play_length(static_cast<double>(passes) * static_cast<double>(s.style.period.count()),
                      "blink", passes);
    return from_ms(passes * s.style.period.count());
  });
}

// Still and fade: the text stands for its hold, or for the duration when the style gives one, and
// any instant may end it. A fade fades in before and out after its hold; given a duration it
// plays exactly that long, so it ends before it would fade out.
Timing held_timing(const State& s) {
  std::chrono::nanoseconds whole = from_ms(s.hold_ms());
  if (s.style.effect == TextEffect::fade && !s.style.duration) whole += 2 * s.style.fade;
  return Timing{whole, std::chrono::nanoseconds(0), whole};
}

Timing timing_of(const State& s) {
  switch (s.style.effect) {
    case TextEffect::scroll:
      return scroll_timing(s);
    case TextEffect::page:
      return page_timing(s);
    case TextEffect::blink:
      return blink_timing(s);
    case TextEffect::still:
    case TextEffect::fade:
      return held_timing(s);
  }
  throw std::invalid_argument("unknown effect");
}

// --- Setting the text ------------------------------------------------------------------------

// One item's text set in one zone: the sizes it may take, and why it cannot be set.
struct TextSetting {
  text_layout::Typesetter setter;
  const std::filesystem::path& font_file;
  int width = 0;  // the zone's
  int height = 0;
  int text_width = 0;  // the zone's less its side margins
  int asked_size = 0;  // the style's; 0 picks the largest that fits
  // false: only what the timing needs is worked out (sizes, widths, page counts), and each
  // block is left without its pixels.
  bool raster = true;

  TextDoesNotFit no_fit(int lines, int size = text_layout::Typesetter::kSmallestSize) {
    return TextDoesNotFit(font_file, lines, setter.rows_for(lines, size), height);
  }
  // The size for `lines` lines: the one asked for, or the largest whose ink fits the zone.
  int size_for(int lines) {
    if (asked_size <= 0) {
      const auto largest = setter.largest_size(lines, height);
      if (!largest) throw no_fit(lines);
      return *largest;
    }
    if (setter.rows_for(lines, asked_size) > height) throw no_fit(lines, asked_size);
    return asked_size;
  }
};

// Scroll: the whole text on one line.
void set_line(State& s, TextSetting& setting) {
  if (s.style.speed <= 0) throw std::invalid_argument("scroll speed must be above zero");
  s.size = setting.size_for(1);
  s.block = std::make_shared<const Coverage>(
      setting.raster ? setting.setter.single_line(s.size, setting.height)
                     : Coverage{setting.setter.single_line_width(s.size), setting.height, {}});
}

// Page: the text wrapped, `lines` lines a screen, the screens stacked top to bottom.
void set_pages(State& s, TextSetting& setting) {
  if (s.style.speed <= 0) throw std::invalid_argument("page speed must be above zero");
  const int height = setting.height;
  const int lines = s.style.lines > 0 ? s.style.lines
                    : height < 48     ? 1
                                      : std::clamp(height / 100, 1, 8);
  s.size = setting.size_for(lines);
  const std::vector<std::string> wrapped = setting.setter.wrap(s.size, setting.text_width);
  const auto per_page = static_cast<std::size_t>(lines);
  s.pages = std::max(1, static_cast<int>((wrapped.size() + per_page - 1) / per_page));
  Coverage pages{setting.width, height * s.pages, {}};
  for (std::size_t page = 0; setting.raster && page < static_cast<std::size_t>(s.pages); ++page) {
    const auto first =
        wrapped.begin() + static_cast<std::ptrdiff_t>(std::min(wrapped.size(), page * per_page));
    const auto last = wrapped.begin() +
                      static_cast<std::ptrdiff_t>(std::min(wrapped.size(), (page + 1) * per_page));
    const Coverage screen = setting.setter.screen(s.size, {first, last}, setting.width, height);
    pages.alpha.insert(pages.alpha.end(), screen.alpha.begin(), screen.alpha.end());
  }
  s.block = std::make_shared<const Coverage>(std::move(pages));
}

struct ScreenText {
  int size = 0;  // 0: none fits
  std::vector<std::string> lines;
};

// As many lines as make the text biggest on one screen; fewer lines win a tie. For each count,
// the largest size that wraps into that many lines first (advance widths only, cheap at any
// size), then whether those lines fit the height (rendered, costly at HD sizes).
ScreenText biggest_screen(TextSetting& setting) {
  ScreenText best;
  for (int lines = 1; lines <= 12; ++lines) {
    const auto wrapped = setting.setter.largest_wrapping_size(
        lines, setting.text_width, best.size,
        text_layout::Typesetter::largest_candidate(setting.height));
    if (!wrapped) continue;  // too long for this many lines, at any size left to try
    const auto largest = setting.setter.largest_size(lines, setting.height, *wrapped);
    if (!largest || *largest <= best.size) break;
    best.size = *largest;
    setting.setter.wraps_within(best.size, lines, setting.text_width, &best.lines);
  }
  return best;
}

// Too long for one screen even at the smallest size: as many lines as fit are shown (validation
// warns about such items; page or scroll suits them).
ScreenText first_lines_at_smallest_size(TextSetting& setting) {
  if (!setting.setter.largest_size(1, setting.height)) throw setting.no_fit(1);
  ScreenText first{text_layout::Typesetter::kSmallestSize, {}};
  first.lines = setting.setter.wrap(first.size, setting.text_width);
  const auto m = setting.setter.metrics(first.size);
  const int gap = text_layout::Typesetter::gap(m);
  const auto fit =
      static_cast<std::size_t>(std::max(1, (setting.height + gap) / (m.pitch() + gap)));
  if (first.lines.size() > fit) first.lines.resize(fit);
  return first;
}

// Still, blink and fade: one screen, centred, at the size asked for or as big as it goes.
void set_screen(State& s, TextSetting& setting) {
  if (!setting.raster) {
    // How long a screen stands does not depend on its lines: only whether they can be set.
    if (setting.asked_size > 0) {
      const auto lines = setting.setter.wrap(setting.asked_size, setting.text_width);
      setting.size_for(static_cast<int>(lines.size()));
    } else if (!setting.setter.largest_size(1, setting.height)) {
      throw setting.no_fit(1);
    }
    s.block = std::make_shared<const Coverage>(Coverage{setting.width, setting.height, {}});
    return;
  }
  ScreenText text;
  if (setting.asked_size > 0) {
    text.lines = setting.setter.wrap(setting.asked_size, setting.text_width);
    setting.size_for(static_cast<int>(text.lines.size()));  // throws when the lines do not fit
    text.size = setting.asked_size;
  } else {
    text = biggest_screen(setting);
  }
  if (text.size == 0) text = first_lines_at_smallest_size(setting);
  s.size = text.size;
  s.block = std::make_shared<const Coverage>(
      setting.setter.screen(text.size, text.lines, setting.width, setting.height));
}

}  // namespace

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
  text_layout::LetterInk ink;
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

TextRenderer TextRenderer::twin() const { return TextRenderer(zone_, font_file(), options_); }

namespace {
std::unique_ptr<PreparedItem::State> set_text(text_raster::FontSizes& fonts,
                                              text_layout::LetterInk& ink,
                                              const PanelGeometry& zone, const Light& light,
                                              std::string_view text, const TextStyle& style,
                                              bool raster) {
  auto state = std::make_unique<PreparedItem::State>();
  state->zone = zone;
  state->style = style;
  state->light = light;
  TextSetting setting{text_layout::Typesetter(fonts, ink, text_raster::nfc(text)),
                      fonts.file(),
                      zone.width,
                      zone.height,
                      zone.width - 2 * side_margin(zone.width),
                      style.size,
                      raster};
  switch (style.effect) {
    case TextEffect::scroll:
      set_line(*state, setting);
      break;
    case TextEffect::page:
      set_pages(*state, setting);
      break;
    case TextEffect::still:
    case TextEffect::blink:
    case TextEffect::fade:
      set_screen(*state, setting);
      break;
  }
  state->timing = timing_of(*state);
  state->area = zone;
  state->text_box = Rect{0, 0, zone.width, zone.height};
  return state;
}

// --- Pictures and QR codes beside or instead of the text ---------------------------------------

// Where the picture and the text go in the zone. Without text the picture takes the whole zone;
// with text it stands at one side, as wide as its shape asks at the zone's height but never more
// than half the zone, and the text plays in the rest, a margin away.
struct PictureLayout {
  Rect picture;
  Rect gap;
  Rect text;
};

PictureLayout lay_out(const PanelGeometry& zone, bool has_text, const Media& media,
                      image_file::Size natural) {
  if (!has_text) return PictureLayout{Rect{0, 0, zone.width, zone.height}, {}, {}};
  int width = zone.height;  // a QR code's square
  if (media.kind == MediaKind::image) {
    width = media.fit == PictureFit::centre
                ? natural.width
                : static_cast<int>(std::lround(static_cast<double>(zone.height) * natural.width /
                                               std::max(1, natural.height)));
  }
  const int margin = side_margin(zone.width);
  width = std::clamp(width, 1, std::max(1, zone.width / 2));
  const int text_width = zone.width - width - margin;
  if (text_width < 1)
    throw MediaError("the zone is too narrow for a picture and text side by side");
  PictureLayout layout;
  if (media.side == PictureSide::left) {
    layout.picture = Rect{0, 0, width, zone.height};
    layout.gap = Rect{width, 0, margin, zone.height};
    layout.text = Rect{width + margin, 0, text_width, zone.height};
  } else {
    layout.text = Rect{0, 0, text_width, zone.height};
    layout.gap = Rect{text_width, 0, margin, zone.height};
    layout.picture = Rect{text_width + margin, 0, width, zone.height};
  }
  return layout;
}

// A QR code at the most pixels a module that fit `box`, or why none fits.
Frame qr_for(const Media& media, const Rect& box, bool raster) {
  const qr_code::Modules modules = qr_code::encode(media.qr_text, media.qr_level);
  const int space = std::min(box.width, box.height);
  const int module = space / modules.side();
  if (module < 1) {
    const qr_code::Capacity fits = qr_code::capacity(space, media.qr_level);
    std::string message = "the QR code of '" + media.qr_text + "' is version " +
                          std::to_string(modules.version) + ", " + std::to_string(modules.side()) +
                          " pixels a side with its quiet zone; the space for it is " +
                          std::to_string(box.width) + "x" + std::to_string(box.height);
    message += fits.version == 0
                   ? ": no QR code fits there"
                   : "; at one pixel a module a code of at most " + std::to_string(fits.bytes) +
                         " characters fits (more in capitals and digits, e.g. an address "
                         "written in capitals), or a lower qr-level";
    throw MediaError(message);
  }
  if (!raster) return Frame{};
  return picture_pixels::fitted(qr_code::draw(modules, module), box.width, box.height,
                                PictureFit::centre);
}

// A document shows at most this many pages: each is held drawn while the item is kept, and a
// lobby's visitor does not stand through more.
constexpr int kMostDocumentPages = 30;

// The page count of a document as stamped, checked only the first time a stamp is seen (validate,
// reload and every board ask).
int document_page_count(const Media& media) {
  static CheckedByStamp<int> checked(1024);
  return checked.get(media.file, media.stamp, [&] {
    const int pages = probe_document(media.file).pages;
    if (pages > kMostDocumentPages) {
      throw MediaError(media.file.filename().string() + " has " + std::to_string(pages) +
                       " pages; a screen shows at most " + std::to_string(kMostDocumentPages) +
                       " pages of a document: split it, or put up the pages that matter");
    }
    return pages;
  });
}

// What a document's pages may take drawn, all of them together: they are held while the item
// plays (and a while after), beside everything else a small controller keeps.
constexpr std::size_t kMostDocumentBytes = std::size_t{192} << 20;

// Each page drawn as large as fits the zone, centred on the dark.
std::vector<Frame> document_pages(const Media& media, const Rect& box) {
  DocumentPages document(media.file);
  std::vector<Frame> pages;
  for (int page = 0; page < std::min(document.pages(), kMostDocumentPages); ++page) {
    pages.push_back(picture_pixels::fitted(document.render(page, box.width, box.height), box.width,
                                           box.height, PictureFit::centre));
  }
  return pages;
}

// A video's length as stamped, probed only the first time a stamp is seen.
std::chrono::nanoseconds video_length(const Media& media) {
  static CheckedByStamp<std::chrono::nanoseconds> checked(1024);
  return checked.get(media.file, media.stamp, [&] { return probe_video(media.file).length; });
}

// A video plays once, for its own length, filling the zone (aspect kept, bars dark).
std::unique_ptr<PreparedItem::State> set_video(const PanelGeometry& zone, const Light& light,
                                               const TextStyle& style, bool raster) {
  auto state = std::make_unique<PreparedItem::State>();
  state->zone = zone;
  state->area = zone;
  state->style = style;
  state->light = light;
  state->has_text = false;
  const std::chrono::nanoseconds length = video_length(style.media);
  if (length.count() <= 0)
    throw MediaError(style.media.file.filename().string() + " has no frames");
  state->timing = Timing{length, std::chrono::nanoseconds(0), length};
  if (raster) {
    try {
      state->video = std::make_shared<VideoClip>(style.media.file, zone);
    } catch (const VideoError& error) {
      throw MediaError(error.what());
    }
  }
  return state;
}

std::unique_ptr<PreparedItem::State> set_item(text_raster::FontSizes& fonts,
                                              text_layout::LetterInk& ink,
                                              const PanelGeometry& zone, const Light& light,
                                              std::string_view text, const TextStyle& style,
                                              bool raster) {
  const Media& media = style.media;
  if (media.kind == MediaKind::none) return set_text(fonts, ink, zone, light, text, style, raster);
  if (media.kind == MediaKind::video) return set_video(zone, light, style, raster);

  image_file::Size natural;
  if (media.kind == MediaKind::image) natural = image_file::checked_size(media.file, media.stamp);
  const int pages = media.kind == MediaKind::document ? document_page_count(media) : 1;
  const std::size_t page_bytes = static_cast<std::size_t>(zone.width) * zone.height * 3;
  if (media.kind == MediaKind::document && pages * page_bytes > kMostDocumentBytes) {
    throw MediaError(media.file.filename().string() + " has " + std::to_string(pages) +
                     " pages; drawn for a zone of " + std::to_string(zone.width) + "x" +
                     std::to_string(zone.height) + " at most " +
                     std::to_string(kMostDocumentBytes / page_bytes) +
                     " fit in the memory a document may take: split it");
  }
  const bool has_text = !text.empty() && media.kind != MediaKind::document;
  const PictureLayout layout = lay_out(zone, has_text, media, natural);

  std::unique_ptr<PreparedItem::State> state;
  if (has_text) {
    state = set_text(fonts, ink, PanelGeometry{layout.text.width, layout.text.height, zone.format},
                     light, text, style, raster);
  } else {
    state = std::make_unique<PreparedItem::State>();
    state->zone = zone;
    state->style = style;
    state->light = light;
    const auto stands = std::chrono::duration_cast<std::chrono::nanoseconds>(
        style.duration.value_or(std::chrono::milliseconds(kPictureHold)));
    if (static_cast<double>(stands.count()) * pages > kLongestPlayMs * 1e6)
      throw std::invalid_argument(pages > 1 ? "its pages would stand for more than 24 hours"
                                            : "a picture may stand for at most 24 hours");
    state->timing =
        Timing{stands * pages, pages > 1 ? stands : std::chrono::nanoseconds(0), stands * pages};
  }
  state->area = zone;
  state->has_text = has_text;
  state->text_box = layout.text;
  state->gap = layout.gap;

  PicturePart picture{layout.picture, nullptr, {}, {}};
  std::vector<Frame> drawn;
  if (media.kind == MediaKind::qr) {
    drawn.push_back(qr_for(media, layout.picture, raster));
  } else if (raster && media.kind == MediaKind::document) {
    drawn = document_pages(media, layout.picture);
    picture.page_time = std::chrono::duration_cast<std::chrono::milliseconds>(
        state->timing.whole / static_cast<int>(std::max<std::size_t>(1, drawn.size())));
  } else if (raster) {
    drawn.push_back(picture_pixels::fitted(image_file::decode(media.file), layout.picture.width,
                                           layout.picture.height, media.fit));
  }
  if (raster) {
    picture.pages = std::make_shared<const std::vector<Frame>>(std::move(drawn));
    state->picture = std::move(picture);
  }
  return state;
}
}  // namespace

PreparedItem TextRenderer::prepare(std::string_view text, const TextStyle& style) const {
  auto state = set_item(fonts_->sizes, fonts_->ink, zone_, options_.light, text, style, true);
  state->convert();
  PreparedItem item;
  item.state_ = std::move(state);
  return item;
}

PlayTiming TextRenderer::measure(std::string_view text, const TextStyle& style) const {
  const auto state =
      set_item(fonts_->sizes, fonts_->ink, zone_, options_.light, text, style, false);
  return PlayTiming{state->timing.whole, state->timing.pass};
}

int TextRenderer::rows_needed(std::string_view text) const {
  text_layout::Typesetter setter(fonts_->sizes, fonts_->ink, text_raster::nfc(text));
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

namespace {
std::vector<char32_t> missing_in(text_raster::FontSizes& font, std::string_view text) {
  std::vector<char32_t> missing;
  for (char32_t c : text_raster::code_points(std::string(text))) {
    if (c < 0x20 || font.provides(c) ||
        std::find(missing.begin(), missing.end(), c) != missing.end()) {
      continue;
    }
    missing.push_back(c);
  }
  return missing;
}
}  // namespace

std::vector<char32_t> TextRenderer::missing_glyphs(std::string_view text) const {
  return missing_in(fonts_->sizes, text);
}

std::vector<char32_t> missing_glyphs(const std::filesystem::path& font_file,
                                     std::string_view text) {
  text_raster::FontSizes font(font_file, GlyphMode::smooth);
  return missing_in(font, text);
}

double even_scroll_speed(double speed, double fps) {
  if (fps <= 0) return speed;
  return std::max(1.0, std::round(speed / fps)) * fps;
}

}  // namespace bangtin
