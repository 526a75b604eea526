// bangtin display settings — how a display and its items are asked to look, as the operator's
// format reads them and the renderer and the outputs act on them: the text effects, the roles of
// a display's zones, how glyphs become pixels, and where a lobby window opens.
#pragma once

#include <cstdint>

namespace bangtin {

// How an item's text plays. `still` is the format's `static`: centred, wrapped over as many lines
// as make it biggest.
enum class TextEffect : std::uint8_t { still, scroll, page, blink, fade };

// What a zone of a display shows.
enum class ZoneRole : std::uint8_t {
  content,  // where the playlists' items play
  title,    // fixed text, e.g. "CẢI CÁCH HÀNH CHÍNH"
  clock,    // the Vietnamese time and date, redrawn each minute
};

// How glyphs become pixels. automatic: crisp on mono panels, smooth on colour ones.
//   crisp:  FreeType's monochrome hinter and 1-bit rasterizer, glyphs made for the pixel grid;
//   smooth: antialiased, unhinted (hinting flattens stacked marks at 12-16 px).
enum class GlyphStyle : std::uint8_t { automatic, crisp, smooth };

// Where the window of a display with `output: window` opens.
struct WindowOptions {
  int monitor = 0;         // the display server's monitor index, 0 = the first monitor
  bool fullscreen = true;  // borderless, covering that monitor at its own resolution
  bool vsync = true;
  int width = 0;  // the window's size when not fullscreen; 0 = the frame's own size
  int height = 0;
  friend bool operator==(const WindowOptions&, const WindowOptions&) = default;
};

}  // namespace bangtin
