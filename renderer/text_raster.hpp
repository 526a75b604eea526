// Private to the renderer: SDL2_ttf handles as RAII values, and text -> coverage rasters.
#pragma once

#include <SDL2/SDL_ttf.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
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
  void operator()(TTF_Font* font) const { TTF_CloseFont(font); }
};
using FontHandle = std::unique_ptr<TTF_Font, FontCloser>;

FontHandle open_font(const std::filesystem::path& file, int pixel_size);

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

// Rasterizes UTF-8 text antialiased. Throws std::runtime_error with SDL_ttf's reason.
Coverage render(TTF_Font* font, const std::string& utf8);

// Width in pixels the text advances (where the next text would start).
int advance_width(TTF_Font* font, const std::string& utf8);

// First and one-past-last rows with a pixel at or above `threshold`; {0, 0} when there is no ink.
struct RowSpan {
  int top = 0;
  int bottom = 0;
  int height() const { return bottom - top; }
};
RowSpan ink_rows(const Coverage& coverage, std::uint8_t threshold);

}  // namespace bangtin::text_raster
