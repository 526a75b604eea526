#include "text_raster.hpp"

#include "bangtin/renderer.hpp"

#include <SDL2/SDL.h>
#include <utf8proc.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>

namespace bangtin::text_raster {

// SDL_ttf keeps one FreeType library for the process. FreeType lets threads use faces of their
// own at once, but opening and closing faces (and SDL_ttf's init count) must not overlap: fonts are
// opened on the loop thread, the disk thread that plans a reload and the one that draws ahead.
namespace {
std::mutex& library_mutex() {
  static std::mutex mutex;
  return mutex;
}
}  // namespace

TtfLibrary::TtfLibrary() {
  const std::lock_guard lock(library_mutex());
  if (TTF_Init() != 0) throw std::runtime_error(std::string("SDL_ttf: ") + TTF_GetError());
}
TtfLibrary::~TtfLibrary() {
  const std::lock_guard lock(library_mutex());
  TTF_Quit();
}

void FontCloser::operator()(TTF_Font* font) const {
  const std::lock_guard lock(library_mutex());
  TTF_CloseFont(font);
}

FontBytes font_bytes(const std::filesystem::path& file) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::weak_ptr<const std::vector<unsigned char>>> read;
  const std::lock_guard lock(mutex);
  if (FontBytes held = read[file].lock()) return held;
  std::ifstream in(file, std::ios::binary);
  std::vector<unsigned char> bytes;
  if (in) bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) {
    throw std::runtime_error("cannot open font " + file.string() + ": " + std::strerror(errno));
  }
  auto shared = std::make_shared<const std::vector<unsigned char>>(std::move(bytes));
  read[file] = shared;
  return shared;
}

FontHandle open_font(const FontBytes& bytes, const std::filesystem::path& file, int pixel_size,
                     GlyphMode mode) {
  SDL_RWops* source = SDL_RWFromConstMem(bytes->data(), static_cast<int>(bytes->size()));
  FontHandle font;
  {
    const std::lock_guard lock(library_mutex());
    font.reset(source ? TTF_OpenFontRW(source, 1, pixel_size) : nullptr);
  }
  if (!font) {
    throw std::runtime_error("cannot open font " + file.string() + ": " + TTF_GetError());
  }
  TTF_SetFontHinting(font.get(), mode == GlyphMode::crisp ? TTF_HINTING_MONO : TTF_HINTING_NONE);
  return font;
}

FontSizes::FontSizes(std::filesystem::path file, GlyphMode mode)
    : file_(std::move(file)), mode_(mode) {
  if (is_led_font(file_)) {
    for (const int rows : kLedFontRows) {
      const std::filesystem::path sibling =
          file_.parent_path() / ("bangtin-led-" + std::to_string(rows) + ".bdf");
      if (sibling == file_ || std::filesystem::exists(sibling))
        strikes_.push_back(Strike{rows, sibling, font_bytes(sibling)});
    }
  }
  if (strikes_.empty()) strikes_.push_back(Strike{0, file_, font_bytes(file_)});
  at(16);  // a missing or unreadable font is a startup error, not a later one
}

const FontSizes::Strike& FontSizes::strike_for(int size) const {
  const Strike* chosen = &strikes_.front();
  for (const Strike& strike : strikes_)
    if (strike.rows <= size) chosen = &strike;
  return *chosen;
}

TTF_Font* FontSizes::at(int size) {
  const auto found = std::find_if(recent_.begin(), recent_.end(),
                                  [size](const auto& entry) { return entry.first == size; });
  if (found != recent_.end()) {
    std::rotate(recent_.begin(), found, found + 1);
  } else {
    const Strike& strike = strike_for(size);
    FontHandle font = open_font(strike.bytes, strike.file, size, mode_);
    if (recent_.size() >= kKeptSizes) recent_.pop_back();
    recent_.insert(recent_.begin(), {size, std::move(font)});
  }
  return recent_.front().second.get();
}

bool FontSizes::provides(char32_t c) {
  const auto [known, added] = provided_.emplace(c, false);
  if (added) known->second = TTF_GlyphIsProvided32(at(16), c) != 0;
  return known->second;
}

namespace {
struct SurfaceFreer {
  void operator()(SDL_Surface* s) const { SDL_FreeSurface(s); }
};
using Surface = std::unique_ptr<SDL_Surface, SurfaceFreer>;
}  // namespace

Coverage render(TTF_Font* font, const std::string& utf8, GlyphMode mode) {
  // SDL_ttf refuses empty text; a lone space has the font's height and no ink, as wanted.
  const std::string text = utf8.empty() ? std::string(" ") : utf8;
  Surface surface(mode == GlyphMode::crisp
                      ? TTF_RenderUTF8_Solid(font, text.c_str(), SDL_Color{255, 255, 255, 255})
                      : TTF_RenderUTF8_Blended(font, text.c_str(), SDL_Color{255, 255, 255, 255}));
  if (!surface) throw std::runtime_error(std::string("cannot render text: ") + TTF_GetError());

  Coverage coverage{surface->w, surface->h, {}};
  coverage.alpha.resize(static_cast<std::size_t>(surface->w) *
                        static_cast<std::size_t>(surface->h));
  SDL_LockSurface(surface.get());
  for (int y = 0; y < surface->h; ++y) {
    const auto* row = static_cast<const std::uint8_t*>(surface->pixels) + y * surface->pitch;
    std::uint8_t* out = coverage.alpha.data() + static_cast<std::size_t>(y) * surface->w;
    if (mode == GlyphMode::crisp) {
      // Solid text is an 8-bit palette surface: index 0 is the background, 1 the glyphs.
      for (int x = 0; x < surface->w; ++x) out[x] = row[x] != 0 ? 255 : 0;
    } else {
      const auto* pixels = reinterpret_cast<const std::uint32_t*>(row);
      const auto& format = *surface->format;
      for (int x = 0; x < surface->w; ++x) {
        out[x] = static_cast<std::uint8_t>((pixels[x] & format.Amask) >> format.Ashift);
      }
    }
  }
  SDL_UnlockSurface(surface.get());
  return coverage;
}

int advance_width(TTF_Font* font, const std::string& utf8) {
  if (utf8.empty()) return 0;
  int width = 0;
  int height = 0;
  if (TTF_SizeUTF8(font, utf8.c_str(), &width, &height) != 0) {
    throw std::runtime_error(std::string("cannot measure text: ") + TTF_GetError());
  }
  return width;
}

RowSpan ink_rows(const Coverage& coverage, int from_x, int to_x) {
  if (to_x < 0 || to_x > coverage.width) to_x = coverage.width;
  RowSpan span{coverage.height, 0};
  for (int y = 0; y < coverage.height; ++y) {
    const std::uint8_t* row = coverage.alpha.data() + static_cast<std::size_t>(y) * coverage.width;
    if (std::any_of(row + from_x, row + to_x, [](std::uint8_t a) { return a != 0; })) {
      span.top = std::min(span.top, y);
      span.bottom = y + 1;
    }
  }
  return span.bottom == 0 ? RowSpan{} : span;
}

std::string nfc(std::string_view utf8) {
  utf8proc_uint8_t* out = nullptr;
  const auto length =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                   static_cast<utf8proc_ssize_t>(utf8.size()), &out,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (length < 0) {
    throw std::invalid_argument(std::string("text is not valid UTF-8: ") + utf8proc_errmsg(length));
  }
  std::string result(reinterpret_cast<const char*>(out), static_cast<std::size_t>(length));
  std::free(out);
  return result;
}

std::u32string code_points(const std::string& utf8) { return decode(nfc(utf8)); }

std::u32string decode(std::string_view nfc_utf8) {
  std::u32string result;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(nfc_utf8.data());
  auto left = static_cast<utf8proc_ssize_t>(nfc_utf8.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) throw std::invalid_argument("text is not valid UTF-8");
    result.push_back(static_cast<char32_t>(cp));
    p += n;
    left -= n;
  }
  return result;
}

std::string to_utf8(char32_t code_point) {
  utf8proc_uint8_t buffer[4];
  const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(code_point), buffer);
  return std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

}  // namespace bangtin::text_raster
