// bangtin display settings — how a display and its items are asked to look, as the operator's
// format reads them and the renderer and the outputs act on them: the text effects, the roles of
// a display's zones, how glyphs become pixels, where a lobby window opens, and the pictures, QR
// codes, videos and documents items show.
#pragma once

#include <compare>
#include <cstdint>
#include <filesystem>
#include <string>

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

// How glyphs become pixels. automatic: led on mono panels of 16-47 rows, where bangtin's LED
// glyphs fill most of the zone, crisp on other mono panels, smooth on colour ones.
//   crisp:  FreeType's monochrome hinter and 1-bit rasterizer, glyphs made for the pixel grid;
//   smooth: antialiased, unhinted (hinting flattens stacked marks at 12-16 px);
//   led:    the "Bangtin LED" bitmap glyphs (16, 24, 32 rows), Vietnamese marks drawn in pixels.
enum class GlyphStyle : std::uint8_t { automatic, crisp, smooth, led };

// Where the window of a display with `output: window` opens.
struct WindowOptions {
  int monitor = 0;         // the display server's monitor index, 0 = the first monitor
  bool fullscreen = true;  // borderless, covering that monitor at its own resolution
  bool vsync = true;
  int width = 0;  // the window's size when not fullscreen; 0 = the frame's own size
  int height = 0;
  friend bool operator==(const WindowOptions&, const WindowOptions&) = default;
};

// What an item shows besides (or instead of) its text.
enum class MediaKind : std::uint8_t {
  none,      // text only
  image,     // a picture file (PNG, JPEG, WebP)
  qr,        // a QR code of some text, e.g. the public-service portal's address
  video,     // a video file, on window displays
  document,  // the pages of a PDF, on window displays
};

// How a picture takes the space it has.
//   whole:  all of it, as large as fits, the rest of the space dark;
//   fill:   all of the space, the picture's edges cut off where its shape differs;
//   centre: pixel for pixel, centred, cut off where larger than the space.
enum class PictureFit : std::uint8_t { whole, fill, centre };

// Where the picture or QR code stands when the item has text too.
enum class PictureSide : std::uint8_t { left, right };

// A QR code's error correction: how much of it may be damaged or hidden and it still reads
// (L 7 %, M 15 %, Q 25 %, H 30 %). More correction makes a larger code for the same text.
enum class QrLevel : std::uint8_t { low, medium, quartile, high };

// A media file's size and last change, as the loader found it: a file replaced on disk has
// another stamp, so what was drawn from the old one is drawn anew.
struct FileStamp {
  std::uint64_t bytes = 0;
  std::int64_t modified_ns = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

struct Media {
  MediaKind kind = MediaKind::none;
  std::filesystem::path file;  // image, video, document: absolute, checked to exist at load
  FileStamp stamp;
  std::string qr_text;  // qr: what the code holds, exactly as written
  QrLevel qr_level = QrLevel::medium;
  PictureFit fit = PictureFit::whole;
  PictureSide side = PictureSide::left;
  friend bool operator==(const Media&, const Media&) = default;
};

}  // namespace bangtin
