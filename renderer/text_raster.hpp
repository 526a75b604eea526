// Private to the renderer: SDL2_ttf handles as RAII values, and text -> coverage rasters.
#pragma once

#include <SDL2/SDL_ttf.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bangtin::text_raster {

// SDL2_ttf's init is reference-counted since 2.0.18: each holder keeps the library alive.
class TtfLibrary {
 public:
  TtfLibrary();
  ~TtfLibrary();
  TtfLibrary(const TtfLibrary&) = delete;
  TtfLibrary& operator=(const TtfLibrary&) = delete;
};

struct FontCloser {
  void operator()(TTF_Font* font) const;
};
using FontHandle = std::unique_ptr<TTF_Font, FontCloser>;

// How glyphs are turned into pixels.
//   smooth: antialiased outlines, no hinting (hinting flattens stacked marks at 12-16 px);
//   crisp:  FreeType's 1-bit rasterizer with its monochrome hinter, which snaps stems and marks
//           to whole pixels and keeps the stacked marks of Ễ, Ẵ apart at 11-16 px.
enum class GlyphMode { smooth, crisp };

// A font file's bytes, read once per process while anyone holds them: every size opened from
// them shares them, where FreeType would otherwise re-read the file in small seeks at each open
// (fitting one text tries a dozen sizes). Throws std::runtime_error naming the file when it
// cannot be read.
using FontBytes = std::shared_ptr<const std::vector<unsigned char>>;
FontBytes font_bytes(const std::filesystem::path& file);

// `bytes` must outlive the font; `file` names it in errors.
FontHandle open_font(const FontBytes& bytes, const std::filesystem::path& file, int pixel_size,
                     GlyphMode mode);

// One font file opened at the pixel sizes asked for lately. Only the few most recently used sizes
// stay open: fitting a text tries many sizes, and each open size keeps its glyph cache (megabytes
// at HD sizes). Bitmap fonts (PCF, the X misc-fixed faces) answer every size with their own strike;
// bangtin's LED glyphs, one BDF file a strike, answer a size with the tallest strike not above it
// (the shortest below that), so the 16- and 32-row files behave as one font.
class FontSizes {
 public:
  static constexpr std::size_t kKeptSizes = 4;

  // Throws std::runtime_error naming the file when it cannot be opened.
  FontSizes(std::filesystem::path file, GlyphMode mode);
  // The font at `size`; the pointer stays valid until kKeptSizes other sizes have been asked for.
  TTF_Font* at(int size);
  std::size_t open_sizes() const { return recent_.size(); }
  const std::filesystem::path& file() const { return file_; }
  GlyphMode mode() const { return mode_; }
  // Whether the font has a glyph for `c`; asked of a font already open, remembered.
  bool provides(char32_t c);

 private:
  struct Strike {
    int rows = 0;  // 0: a font that is not one of the LED strikes
    std::filesystem::path file;
    FontBytes bytes;
  };
  const Strike& strike_for(int size) const;

  TtfLibrary library_;
  std::filesystem::path file_;
  std::vector<Strike> strikes_;  // the LED strikes, shortest first; else just `file_`
  GlyphMode mode_;
  std::vector<std::pair<int, FontHandle>> recent_;  // most recently used first
  std::map<char32_t, bool> provided_;
};

// Coverage (0..255) of rendered text, one byte a pixel, row-major.
struct Coverage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> alpha;
  std::uint8_t at(int x, int y) const {
    return alpha[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                 static_cast<std::size_t>(x)];
  }
};

// Rasterizes UTF-8 text (crisp: 0 or 255 only). Throws std::runtime_error with SDL_ttf's reason.
Coverage render(TTF_Font* font, const std::string& utf8, GlyphMode mode);

// Width in pixels the text advances (where the next text would start).
int advance_width(TTF_Font* font, const std::string& utf8);

// First and one-past-last rows with any ink; {0, 0} when there is none. `from_x`..`to_x` limit
// the columns looked at.
struct RowSpan {
  int top = 0;
  int bottom = 0;
  int height() const { return bottom - top; }
};
RowSpan ink_rows(const Coverage& coverage, int from_x = 0, int to_x = -1);

// Code points (as UTF-32) of NFC-normalized UTF-8; invalid input throws std::invalid_argument.
std::u32string code_points(const std::string& utf8);
// Code points of UTF-8 that is NFC already (as the renderer keeps its texts), without
// normalizing it again.
std::u32string decode(std::string_view nfc_utf8);
std::string nfc(std::string_view utf8);
std::string to_utf8(char32_t code_point);

}  // namespace bangtin::text_raster
