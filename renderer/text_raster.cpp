#include "text_raster.hpp"

#include <SDL2/SDL.h>

#include <stdexcept>

namespace bangtin::text_raster {

TtfLibrary::TtfLibrary() {
  if (TTF_Init() != 0) throw std::runtime_error(std::string("SDL_ttf: ") + TTF_GetError());
}
TtfLibrary::~TtfLibrary() { TTF_Quit(); }

FontHandle open_font(const std::filesystem::path& file, int pixel_size) {
  FontHandle font(TTF_OpenFont(file.c_str(), pixel_size));
  if (!font) {
    throw std::runtime_error("cannot open font " + file.string() + ": " + TTF_GetError());
  }
  // Without hinting, stacked Vietnamese marks keep their shape at LED sizes; hinting collapses
  // them into a bar on capitals at 12-16 px.
  TTF_SetFontHinting(font.get(), TTF_HINTING_NONE);
  return font;
}

namespace {
struct SurfaceFreer {
  void operator()(SDL_Surface* s) const { SDL_FreeSurface(s); }
};
}  // namespace

Coverage render(TTF_Font* font, const std::string& utf8) {
  std::unique_ptr<SDL_Surface, SurfaceFreer> surface(
      TTF_RenderUTF8_Blended(font, utf8.c_str(), SDL_Color{255, 255, 255, 255}));
  if (!surface) throw std::runtime_error(std::string("cannot render text: ") + TTF_GetError());
  if (surface->format->BytesPerPixel != 4) throw std::runtime_error("unexpected surface format");

  Coverage coverage{surface->w, surface->h, {}};
  coverage.alpha.resize(static_cast<std::size_t>(surface->w) *
                        static_cast<std::size_t>(surface->h));
  SDL_LockSurface(surface.get());
  for (int y = 0; y < surface->h; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(
        static_cast<const std::uint8_t*>(surface->pixels) + y * surface->pitch);
    for (int x = 0; x < surface->w; ++x) {
      coverage.alpha[static_cast<std::size_t>(y * surface->w + x)] =
          static_cast<std::uint8_t>((row[x] & surface->format->Amask) >> surface->format->Ashift);
    }
  }
  SDL_UnlockSurface(surface.get());
  return coverage;
}

int advance_width(TTF_Font* font, const std::string& utf8) {
  int width = 0;
  int height = 0;
  if (TTF_SizeUTF8(font, utf8.c_str(), &width, &height) != 0) {
    throw std::runtime_error(std::string("cannot measure text: ") + TTF_GetError());
  }
  return width;
}

RowSpan ink_rows(const Coverage& coverage, std::uint8_t threshold) {
  RowSpan span{coverage.height, 0};
  for (int y = 0; y < coverage.height; ++y) {
    for (int x = 0; x < coverage.width; ++x) {
      if (coverage.at(x, y) >= threshold) {
        span.top = std::min(span.top, y);
        span.bottom = y + 1;
        break;
      }
    }
  }
  return span.bottom == 0 ? RowSpan{} : span;
}

}  // namespace bangtin::text_raster
