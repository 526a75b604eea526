// Frames per board: bangtin's renderer (strip prepared once, each frame a copy) beside what a
// straightforward program does (render the text with SDL2_ttf every frame, then convert the
// surface pixel by pixel into the panel's format), for the same frames in one run.
#include <SDL2/SDL_ttf.h>
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "bangtin/renderer.hpp"

using namespace bangtin;

namespace {

const std::string kStreetText =
    "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia: nhanh chóng, tiết kiệm, minh bạch";
const std::string kTickerText =
    "Bộ phận Một cửa UBND xã tiếp nhận và trả kết quả hồ sơ cho người dân, doanh nghiệp — Giờ "
    "làm việc: sáng 7:30–11:30, chiều 13:30–17:00, từ thứ Hai đến thứ Sáu";
const std::string kTitle = "CẢI CÁCH HÀNH CHÍNH";
constexpr double kSpeed = 50;                               // px/s
constexpr auto kFrameStep = std::chrono::milliseconds(40);  // 25 fps

struct Case {
  const char* name;
  PanelGeometry panel;
};
const Case kMono{"mono128x32_scroll", {128, 32, PixelFormat::mono}};
const Case kRgb565{"rgb565_192x64_scroll", {192, 64, PixelFormat::rgb565}};
const Case kHd{"rgb888_1920x1080_ticker", {1920, 1080, PixelFormat::rgb888}};

// The lobby screen: a title band, the clock under it, the ticker along the bottom.
const Rect kHdTitle{0, 0, 1920, 200};
const Rect kHdClock{0, 200, 1920, 120};
const Rect kHdTicker{0, 940, 1920, 140};

const Rgb kAmber{255, 176, 0};

// --- the straightforward program ----------------------------------------------------------

struct TtfSession {
  TtfSession() {
    if (TTF_Init() != 0) throw std::runtime_error(TTF_GetError());
  }
  ~TtfSession() { TTF_Quit(); }
};
struct FontCloser {
  void operator()(TTF_Font* f) const { TTF_CloseFont(f); }
};
using Font = std::unique_ptr<TTF_Font, FontCloser>;

Font open(int size) {
  Font font(TTF_OpenFont(find_vietnamese_font().c_str(), size));
  if (!font) throw std::runtime_error(TTF_GetError());
  return font;
}

// Renders `text` this frame and copies it into `where` of the frame, `x_offset` pixels from the
// zone's left, the way most sign programs do: one set_pixel per pixel.
void naive_draw_text(Frame& frame, TTF_Font* font, const std::string& text, Rgb colour, Rect where,
                     int x_offset) {
  const bool mono = frame.format == PixelFormat::mono;
  SDL_Surface* surface =
      mono ? TTF_RenderUTF8_Solid(font, text.c_str(), SDL_Color{255, 255, 255, 255})
           : TTF_RenderUTF8_Blended(font, text.c_str(),
                                    SDL_Color{colour.r, colour.g, colour.b, 255});
  if (!surface) throw std::runtime_error(TTF_GetError());
  const int top = (where.height - surface->h) / 2;
  for (int y = 0; y < where.height; ++y) {
    const int sy = y - top;
    for (int x = 0; x < where.width; ++x) {
      const int sx = x - x_offset;
      Rgb pixel{};
      if (sy >= 0 && sy < surface->h && sx >= 0 && sx < surface->w) {
        const auto* row = static_cast<const std::uint8_t*>(surface->pixels) + sy * surface->pitch;
        if (mono) {
          pixel = row[sx] ? Rgb{255, 255, 255} : Rgb{};
        } else {
          const std::uint32_t argb = reinterpret_cast<const std::uint32_t*>(row)[sx];
          const unsigned alpha = argb >> 24;
          pixel = Rgb{static_cast<std::uint8_t>(colour.r * alpha / 255),
                      static_cast<std::uint8_t>(colour.g * alpha / 255),
                      static_cast<std::uint8_t>(colour.b * alpha / 255)};
        }
      }
      frame.set_pixel(where.x + x, where.y + y, pixel);
    }
  }
  SDL_FreeSurface(surface);
}

int scroll_offset(int zone_width, int text_width, std::chrono::milliseconds t) {
  const int moved = static_cast<int>(t.count() * kSpeed / 1000) % (zone_width + text_width);
  return zone_width - moved;
}

void naive_scroll(benchmark::State& state, const Case& c, int font_size) {
  TtfSession ttf;
  const Font font = open(font_size);
  int text_width = 0;
  TTF_SizeUTF8(font.get(), kStreetText.c_str(), &text_width, nullptr);
  Frame frame = Frame::blank(c.panel.width, c.panel.height, c.panel.format);
  std::chrono::milliseconds t{0};
  for (auto _ : state) {
    naive_draw_text(frame, font.get(), kStreetText, kAmber, frame.bounds(),
                    scroll_offset(c.panel.width, text_width, t));
    benchmark::DoNotOptimize(frame.bytes.data());
    t += kFrameStep;
  }
}

void BM_Frame_Naive_Mono(benchmark::State& state) { naive_scroll(state, kMono, 22); }
void BM_Frame_Naive_Rgb565(benchmark::State& state) { naive_scroll(state, kRgb565, 46); }

void BM_Frame_Naive_Hd(benchmark::State& state) {
  TtfSession ttf;
  const Font title = open(150);
  const Font clock = open(80);
  const Font ticker = open(100);
  int ticker_width = 0;
  TTF_SizeUTF8(ticker.get(), kTickerText.c_str(), &ticker_width, nullptr);
  Frame frame = Frame::blank(kHd.panel.width, kHd.panel.height, kHd.panel.format);
  std::chrono::milliseconds t{0};
  const std::string clock_text = vietnamese_clock_text(std::chrono::system_clock::now(), {});
  for (auto _ : state) {
    std::fill(frame.bytes.begin(), frame.bytes.end(), std::uint8_t{0});
    naive_draw_text(frame, title.get(), kTitle, Rgb{255, 220, 0}, kHdTitle, 400);
    naive_draw_text(frame, clock.get(), clock_text, Rgb{255, 255, 255}, kHdClock, 500);
    naive_draw_text(frame, ticker.get(), kTickerText, Rgb{255, 255, 255}, kHdTicker,
                    scroll_offset(kHdTicker.width, ticker_width, t));
    benchmark::DoNotOptimize(frame.bytes.data());
    t += kFrameStep;
  }
}

// --- bangtin -------------------------------------------------------------------------------

// The board's renderer in DejaVu Sans, or in the LED glyphs (`glyphs: led`, the default on a
// 32-row mono board): a frame must cost the same in both, as both are set into the strip once.
TextRenderer renderer_for(const Case& c, GlyphStyle glyphs = GlyphStyle::automatic) {
  if (glyphs == GlyphStyle::led)
    return TextRenderer(c.panel, default_font(c.panel, glyphs), RenderOptions{Light{}, glyphs});
  return TextRenderer(c.panel, find_vietnamese_font());
}

void ours_scroll(benchmark::State& state, const Case& c,
                 GlyphStyle glyphs = GlyphStyle::automatic) {
  const TextRenderer renderer = renderer_for(c, glyphs);
  const PreparedItem item = renderer.scroll(kStreetText, kSpeed, 1000, kAmber);
  Frame frame = Frame::blank(c.panel.width, c.panel.height, c.panel.format);
  std::chrono::milliseconds t{0};
  for (auto _ : state) {
    item.draw(t, frame);
    benchmark::DoNotOptimize(frame.bytes.data());
    t += kFrameStep;
  }
}

void BM_Frame_Mono(benchmark::State& state) { ours_scroll(state, kMono); }
void BM_Frame_Mono_Led(benchmark::State& state) { ours_scroll(state, kMono, GlyphStyle::led); }

void BM_Frame_Rgb565(benchmark::State& state) { ours_scroll(state, kRgb565); }

void BM_Frame_Hd(benchmark::State& state) {
  Layout layout;
  TextStyle title_style{TextEffect::still};
  title_style.colour = Rgb{255, 220, 0};
  layout.zones = {Zone{kHdTitle, ZoneRole::title, kTitle, title_style, {}},
                  Zone{kHdClock, ZoneRole::clock, {}, TextStyle{TextEffect::still}, {}},
                  Zone{kHdTicker, ZoneRole::content, {}, {}, {}}};
  DisplayRenderer display(kHd.panel, layout, find_vietnamese_font());
  const PreparedItem ticker = display.content().scroll(kTickerText, kSpeed * 4, 1000);
  Frame frame = Frame::blank(kHd.panel.width, kHd.panel.height, kHd.panel.format);
  const auto now = std::chrono::system_clock::now();
  std::chrono::milliseconds t{0};
  for (auto _ : state) {
    display.draw(frame, &ticker, t, now + t);
    benchmark::DoNotOptimize(frame.bytes.data());
    t += kFrameStep;
  }
}

// Preparing an item that plays for a `duration:` (one minute of scrolling street text). Until
// the renderer knew durations the controller prepared such an item twice: once to learn how long
// one pass takes, then again with as many passes as fill the minute.
constexpr auto kPlayFor = std::chrono::minutes(1);

void prepare_twice_for_duration(benchmark::State& state, const Case& c) {
  const TextRenderer renderer(c.panel, find_vietnamese_font());
  for (auto _ : state) {
    TextStyle style;
    style.speed = kSpeed;
    style.colour = kAmber;
    PreparedItem item = renderer.prepare(kStreetText, style);
    const std::chrono::nanoseconds pass = item.duration();
    style.passes = static_cast<int>((kPlayFor + pass - std::chrono::nanoseconds(1)) / pass);
    item = renderer.prepare(kStreetText, style);
    benchmark::DoNotOptimize(item);
  }
}

// What the renderer does now: the duration is part of the style, the text is set once.
void prepare_for_duration(benchmark::State& state, const Case& c,
                          GlyphStyle glyphs = GlyphStyle::automatic) {
  const TextRenderer renderer = renderer_for(c, glyphs);
  TextStyle style;
  style.speed = kSpeed;
  style.colour = kAmber;
  style.duration = kPlayFor;
  for (auto _ : state) {
    PreparedItem item = renderer.prepare(kStreetText, style);
    benchmark::DoNotOptimize(item);
  }
}

void BM_Prepare_Twice_Mono(benchmark::State& state) { prepare_twice_for_duration(state, kMono); }
void BM_Prepare_Twice_Rgb565(benchmark::State& state) {
  prepare_twice_for_duration(state, kRgb565);
}
void BM_Prepare_Mono(benchmark::State& state) { prepare_for_duration(state, kMono); }
void BM_Prepare_Mono_Led(benchmark::State& state) {
  prepare_for_duration(state, kMono, GlyphStyle::led);
}
void BM_Prepare_Rgb565(benchmark::State& state) { prepare_for_duration(state, kRgb565); }

// How long an item plays, for the schedule of a programme of thousands of different texts: drawing
// each item to learn its length (as the daemon did until issue 10), against measuring it.
void play_length_by_preparing(benchmark::State& state, const Case& c) {
  const TextRenderer renderer(c.panel, find_vietnamese_font());
  TextStyle style;
  style.speed = kSpeed;
  int n = 0;
  for (auto _ : state) {
    const PreparedItem item = renderer.prepare(std::to_string(++n) + " " + kStreetText, style);
    benchmark::DoNotOptimize(item.duration());
  }
}

void play_length_by_measuring(benchmark::State& state, const Case& c) {
  const TextRenderer renderer(c.panel, find_vietnamese_font());
  TextStyle style;
  style.speed = kSpeed;
  int n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(renderer.measure(std::to_string(++n) + " " + kStreetText, style));
  }
}

void BM_PlayLength_Prepare_Mono(benchmark::State& state) { play_length_by_preparing(state, kMono); }
void BM_PlayLength_Measure_Mono(benchmark::State& state) { play_length_by_measuring(state, kMono); }
void BM_PlayLength_Prepare_Rgb565(benchmark::State& state) {
  play_length_by_preparing(state, kRgb565);
}
void BM_PlayLength_Measure_Rgb565(benchmark::State& state) {
  play_length_by_measuring(state, kRgb565);
}

}  // namespace

BENCHMARK(BM_PlayLength_Prepare_Mono)
    ->Name("BM_PlayLength_ByPreparing/mono128x32_scroll")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PlayLength_Measure_Mono)
    ->Name("BM_PlayLength_ByMeasuring/mono128x32_scroll")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PlayLength_Prepare_Rgb565)
    ->Name("BM_PlayLength_ByPreparing/rgb565_192x64_scroll")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PlayLength_Measure_Rgb565)
    ->Name("BM_PlayLength_ByMeasuring/rgb565_192x64_scroll")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Frame_Naive_Mono)->Name("BM_Frame_Naive/mono128x32_scroll");
BENCHMARK(BM_Frame_Mono)->Name("BM_Frame/mono128x32_scroll");
BENCHMARK(BM_Frame_Mono_Led)->Name("BM_Frame/mono128x32_scroll_led");
BENCHMARK(BM_Frame_Naive_Rgb565)->Name("BM_Frame_Naive/rgb565_192x64_scroll");
BENCHMARK(BM_Frame_Rgb565)->Name("BM_Frame/rgb565_192x64_scroll");
BENCHMARK(BM_Frame_Naive_Hd)
    ->Name("BM_Frame_Naive/rgb888_1920x1080_ticker")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Frame_Hd)->Name("BM_Frame/rgb888_1920x1080_ticker")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Prepare_Twice_Mono)
    ->Name("BM_PrepareForDuration_Twice/mono128x32_scroll")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Prepare_Twice_Rgb565)
    ->Name("BM_PrepareForDuration_Twice/rgb565_192x64_scroll")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Prepare_Mono)
    ->Name("BM_PrepareForDuration/mono128x32_scroll")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Prepare_Rgb565)
    ->Name("BM_PrepareForDuration/rgb565_192x64_scroll")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Prepare_Mono_Led)
    ->Name("BM_PrepareForDuration/mono128x32_scroll_led")
    ->Unit(benchmark::kMicrosecond);
