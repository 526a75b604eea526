// bangtin renderer — text, effects and zones -> frames in a panel's pixel format.
//
// An item's text is rasterized once, when it is prepared, into a strip already in the panel's
// pixel format (colour, gamma and brightness applied); each frame after that is a copy out of
// the strip (memcpy of row spans, or shifted bit runs on mono boards), so a board costs next to
// nothing per frame. The size is chosen from the ink of the actual glyphs (stacked Vietnamese
// marks and descenders included), never from the font's nominal height, so no lit pixel is
// clipped. Every effect is a pure function of the time since the item started, so the same
// instant gives the same frame at any frame rate.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bangtin/display_settings.hpp"
#include "bangtin/frame.hpp"
#include "bangtin/frame_source.hpp"

namespace bangtin {

// A picture file or a QR code an item cannot show (a file missing, damaged or too large; a code
// that does not fit its space): the message names the file, or the code, and what is wrong.
class MediaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A font file of the given family that covers Vietnamese, found through fontconfig.
// Throws std::runtime_error when none is installed.
std::filesystem::path find_vietnamese_font(std::string_view family = "DejaVu Sans");
// The face bangtin uses when the config names none, for a zone and the display's glyph style:
//   led, or automatic on a 1-bit zone of 16-47 rows: bangtin's LED glyphs (led_font);
//   otherwise GNU Unifont (fonts-unifont) for 1-bit zones under 20 rows when installed, and
//   DejaVu Sans for the rest.
std::filesystem::path default_font(const PanelGeometry& zone,
                                   GlyphStyle glyphs = GlyphStyle::automatic);

// The rows bangtin's LED glyphs are drawn for, each a BDF strike of its own.
inline constexpr int kLedFontRows[] = {16, 24, 32};
// The LED glyphs for a zone `rows` high: the tallest strike that fits, nothing under 16 rows.
// Looked up beside the program first (bin/../share/bangtin/fonts, where `cmake --install` and
// the package put them), then in the build tree; throws std::runtime_error naming both when
// neither has them.
std::optional<std::filesystem::path> led_font(int rows);
// Whether `file` is one of the LED glyph strikes (its sizes then come from its sibling strikes).
bool is_led_font(const std::filesystem::path& file);

// Characters of the (UTF-8) text, after NFC, that the font has no glyph for, each once, in order
// of appearance. A Vietnamese letter counts as missing when the font lacks it precomposed: built
// from base and marks, its stacked marks collide (DejaVu Sans Mono lacks 46 such letters).
// Throws std::runtime_error naming the font when it cannot be opened, std::invalid_argument for
// text that is not UTF-8.
std::vector<char32_t> missing_glyphs(const std::filesystem::path& font_file, std::string_view text);

// How colours reach the LEDs: out = 255 * (in / 255)^gamma * brightness / 100, per channel.
// Mono boards light a pixel only while brightness > 0; dimming them is the panel's own business.
struct Light {
  double gamma = 1.0;    // 1 = as is; LED boards look right around 2.2
  int brightness = 100;  // percent, 0..100
  friend bool operator==(const Light&, const Light&) = default;
};

struct RenderOptions {
  Light light;
  GlyphStyle glyphs = GlyphStyle::automatic;
};

// How an item plays. Fields an effect does not use are ignored.
struct TextStyle {
  TextEffect effect = TextEffect::scroll;
  Rgb colour{255, 255, 255};
  double speed = 32;  // px/s: scroll speed; for page, the speed of the scroll up between pages
  int passes = 1;  // scroll: crossings of the zone; page: rounds through the pages; blink: flashes
  // Instead of `passes`: play this long. Scroll, page and blink run as many passes as it takes to
  // fill it (rounded up), the last one cut where it ends; still and fade hold their text for it.
  std::optional<std::chrono::milliseconds> duration{};
  std::chrono::milliseconds hold{5000};    // still, fade: time shown; page: time each page stands
  std::chrono::milliseconds period{1000};  // blink: one on + off cycle (on for the first half)
  std::chrono::milliseconds fade{500};     // fade: fade-in and fade-out each
  int size = 0;   // pixel size of the font; 0 picks the largest whose ink fits the zone
  int lines = 0;  // page: lines a screen (0: one line on boards under 48 px, else as fits best)
  // A picture or QR code beside the text, which then plays in the rest of the zone; or instead of
  // it, when the text is empty: the picture then stands for `duration` (10 s without one). A
  // document's pages, each for `duration`; a video, for its own length (see video_clip.hpp).
  Media media{};
};

// How long a picture without text stands when its item gives no duration.
inline constexpr std::chrono::seconds kPictureHold{10};

// How long an item plays: PreparedItem::duration() and pass_duration(), known without drawing it.
struct PlayTiming {
  std::chrono::nanoseconds duration{0};
  std::chrono::nanoseconds pass{0};
  friend bool operator==(const PlayTiming&, const PlayTiming&) = default;
};

// One item, rasterized and ready to play: draw() is a pure function of the time since the item
// started, its geometry is that of the zone it was prepared for.
class PreparedItem {
 public:
  PreparedItem();
  ~PreparedItem();
  PreparedItem(const PreparedItem&);
  PreparedItem& operator=(const PreparedItem&);
  PreparedItem(PreparedItem&&) noexcept;
  PreparedItem& operator=(PreparedItem&&) noexcept;

  // How long the item plays: its style's duration when it gives one, else all its passes, pages
  // or flashes, or its hold (a fade's fade-in and fade-out around it).
  std::chrono::nanoseconds duration() const;
  // One pass of an effect that runs in passes (scroll: a crossing; page: a round through the
  // pages; blink: a flash): a play cut short stops where a pass ends. 0 for still and fade text,
  // which may stop at any instant.
  std::chrono::nanoseconds pass_duration() const;
  // The pixel size the text was set in.
  int font_size() const;
  // The memory it holds: its text's coverage (shared with its copies and with the item in other
  // lights, see lit()) and its pixels in the panel's format.
  std::size_t bytes() const;
  // The zone's picture, zone-sized.
  Frame frame_at(std::chrono::nanoseconds elapsed) const;
  // Draws into `out` (whose format must be the zone's) at the zone's place: the whole frame by
  // default, `where` in a display split into zones. Touches no pixel outside `where`.
  void draw(std::chrono::nanoseconds elapsed, Frame& out) const;
  void draw(std::chrono::nanoseconds elapsed, Frame& out, Rect where) const;
  // Re-applies gamma and brightness (e.g. a street board dimming at night); no font work.
  void set_light(const Light& light);
  // The item in another light, its pixels converted anew from the text's coverage, which the
  // two share; this one is left as it is, for whoever else shows it. No font work either.
  PreparedItem lit(const Light& light) const;
  // For a scroll: its strip and the offset at `elapsed`, such that frame_at(elapsed) is the
  // zone-wide window of the strip at that offset. Nothing for the other effects.
  std::optional<ScrollStrip> scroll_strip(std::chrono::nanoseconds elapsed) const;
  // A video draws the frames its decoder has ready and never waits for one (a frame not decoded
  // in time is late: the one before stays). This waits until the frame for `elapsed` is ready,
  // for one-off renders that must show exactly it; true when it is. Other items are always ready.
  bool wait_ready(std::chrono::nanoseconds elapsed, std::chrono::milliseconds timeout) const;
  // A video's own frame rate, which the window should be drawn at while it plays; 0 otherwise.
  double frame_rate() const;
  // A video's frames: decoded, drawn as decoded (shown) and drawn late; zero for other items.
  struct VideoCounts {
    std::uint64_t decoded = 0, shown = 0, late = 0;
  };
  VideoCounts video_counts() const;

  struct State;

 private:
  friend class TextRenderer;
  std::unique_ptr<State> state_;
};

// Thrown by TextRenderer::prepare when the text cannot be set in the zone at any size: even at
// the smallest size its lines need more rows than the zone has. Every line keeps room for the
// tallest stacked Vietnamese marks and the deepest descenders, whatever letters it holds, so this
// is foremost a zone too low for its font.
class TextDoesNotFit : public std::runtime_error {
 public:
  TextDoesNotFit(const std::filesystem::path& font_file, int lines, int rows_needed, int rows);
  int rows_needed() const { return rows_needed_; }
  int rows() const { return rows_; }  // the zone's

 private:
  int rows_needed_;
  int rows_;
};

// Renders items for one zone (a whole panel, or one zone of a display).
class TextRenderer {
 public:
  // Throws std::runtime_error naming the font when it cannot be opened.
  TextRenderer(PanelGeometry zone, std::filesystem::path font_file, RenderOptions options = {});
  ~TextRenderer();
  TextRenderer(TextRenderer&&) noexcept;
  TextRenderer& operator=(TextRenderer&&) noexcept;

  const PanelGeometry& panel() const { return zone_; }
  const std::filesystem::path& font_file() const;
  // A renderer for the same zone, font and options with fonts of its own: a TextRenderer is for
  // one thread at a time, and its twin draws the same pixels on another.
  TextRenderer twin() const;

  // Text (UTF-8, NFC or NFD alike) playing as `style` says. Throws TextDoesNotFit when the zone
  // is too low for it, std::invalid_argument for text that is not UTF-8 and for plays longer
  // than a day.
  PreparedItem prepare(std::string_view text, const TextStyle& style) const;
  // What prepare(text, style) would give for duration() and pass_duration(), and the same
  // errors, without rasterizing the text: sizes, line widths and page counts only. A schedule
  // of thousands of items needs every length; only what goes on air needs its pixels.
  PlayTiming measure(std::string_view text, const TextStyle& style) const;
  // The fewest rows one line of `text` needs in this zone's font and glyph style, at the
  // smallest size text is set in; with no text, what every line needs (the Vietnamese marks and
  // descenders). A zone with fewer rows cannot draw the text: prepare() throws TextDoesNotFit.
  int rows_needed(std::string_view text = {}) const;
  // Text moving right to left at `speed` pixels per second, entering at the right edge and
  // leaving at the left, `passes` times.
  PreparedItem scroll(std::string_view text, double speed, int passes,
                      Rgb colour = {255, 255, 255}) const;
  // Text standing still, centred, wrapped to be as big as the zone allows; plays for `hold`.
  PreparedItem still(std::string_view text, Rgb colour = {255, 255, 255}) const;

  std::vector<char32_t> missing_glyphs(std::string_view text) const;

 private:
  struct Fonts;
  PanelGeometry zone_;
  RenderOptions options_;
  std::unique_ptr<Fonts> fonts_;
};

// The nearest speed (px/s, at least one pixel a frame) that is a whole number of pixels per
// frame at `fps`: scrolling then steps evenly, with no frame moving further than the others.
double even_scroll_speed(double speed, double fps);

// --- Displays split into zones -------------------------------------------------------------

struct Zone {
  Rect rect;
  ZoneRole role = ZoneRole::content;
  std::string text;                    // title: its text
  TextStyle style{TextEffect::still};  // title, clock: colour (and effect) of their text
  std::filesystem::path font;          // empty: the display's font
};

// A plain display is one content zone covering the panel.
struct Layout {
  std::vector<Zone> zones;
  static Layout single(const PanelGeometry& panel);
};

// "09:41 Thứ Năm, 26/11/2026": a clock zone's text at the given instant and offset from UTC.
std::string vietnamese_clock_text(std::chrono::system_clock::time_point when,
                                  std::chrono::minutes utc_offset);
// Every character vietnamese_clock_text ever writes: a zone that can draw one line of these
// draws the clock at every minute of the week.
std::string vietnamese_clock_characters();

// A title or clock zone the display cannot draw: it stays dark, and the rest of the display
// plays on.
struct ZoneProblem {
  std::size_t zone = 0;  // its place in the layout
  std::string message;
  int rows_needed = 0;  // when the zone is too low for its text (TextDoesNotFit); else 0
};

// A whole display: its zones, each drawn from a strip prepared once (the clock once a minute).
class DisplayRenderer {
 public:
  // Throws std::invalid_argument for zones outside the panel, overlapping zones or a layout
  // without exactly one content zone; std::runtime_error when the content zone's font cannot be
  // opened. A title or clock zone that cannot be drawn (too low for its text, its font cannot be
  // opened) stays dark and is one of problems().
  DisplayRenderer(PanelGeometry panel, Layout layout, std::filesystem::path font_file,
                  RenderOptions options = {}, std::chrono::minutes utc_offset = {});
  ~DisplayRenderer();
  DisplayRenderer(DisplayRenderer&&) noexcept;
  DisplayRenderer& operator=(DisplayRenderer&&) noexcept;

  const PanelGeometry& panel() const { return panel_; }
  // Prepares items for the content zone.
  const TextRenderer& content() const;
  const std::vector<ZoneProblem>& problems() const;
  // The display at `now` with `item` (prepared by content(); none: the zone stays dark) at
  // `elapsed` into its play. Reuses `out` when it already has the panel's size and format.
  void draw(Frame& out, const PreparedItem* item, std::chrono::nanoseconds elapsed,
            std::chrono::system_clock::time_point now);
  Frame frame(const PreparedItem* item, std::chrono::nanoseconds elapsed,
              std::chrono::system_clock::time_point now);
  // New gamma/brightness for the fixed zones; items keep theirs (PreparedItem::set_light).
  void set_light(const Light& light);

 private:
  struct Impl;
  PanelGeometry panel_;
  std::unique_ptr<Impl> impl_;
};

// --- Previews ------------------------------------------------------------------------------

// The frame as an operator sees the board in the street: each pixel a round LED of `scale` x
// `scale` preview pixels on a black face, unlit LEDs faintly visible. Mono LEDs glow in
// `mono_colour`. An rgb888 frame of (width * scale) x (height * scale); write it with write_png.
Frame led_dot_preview(const Frame& frame, int scale, Rgb mono_colour = Rgb{255, 176, 0});

}  // namespace bangtin
