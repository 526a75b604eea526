#include <fontconfig/fontconfig.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include "bangtin/renderer.hpp"

namespace bangtin {
namespace {
struct PatternDeleter {
  void operator()(FcPattern* p) const { FcPatternDestroy(p); }
};
using Pattern = std::unique_ptr<FcPattern, PatternDeleter>;
}  // namespace

namespace {

struct FontMatch {
  std::filesystem::path file;
  std::string family;
};

// fontconfig's best face for the family that covers Vietnamese; fontconfig substitutes another
// family when the one asked for is not installed, so callers compare `family`.
FontMatch match_vietnamese_font(std::string_view family) {
  if (!FcInit()) throw std::runtime_error("fontconfig could not start");
  const std::string family_name(family);
  Pattern pattern(FcPatternCreate());
  FcPatternAddString(pattern.get(), FC_FAMILY,
                     reinterpret_cast<const FcChar8*>(family_name.c_str()));
  FcPatternAddString(pattern.get(), FC_LANG, reinterpret_cast<const FcChar8*>("vi"));
  FcPatternAddBool(pattern.get(), FC_SCALABLE, FcTrue);
  FcConfigSubstitute(nullptr, pattern.get(), FcMatchPattern);
  FcDefaultSubstitute(pattern.get());
  FcResult result = FcResultNoMatch;
  Pattern match(FcFontMatch(nullptr, pattern.get(), &result));
  if (!match) throw std::runtime_error("no font installed (fontconfig found none)");

  // FcFontMatch always returns its best guess; insist that it really covers Vietnamese.
  FcLangSet* languages = nullptr;
  FcChar8* file = nullptr;
  FcChar8* matched_family = nullptr;
  if (FcPatternGetLangSet(match.get(), FC_LANG, 0, &languages) != FcResultMatch ||
      FcLangSetHasLang(languages, reinterpret_cast<const FcChar8*>("vi")) != FcLangEqual ||
      FcPatternGetString(match.get(), FC_FILE, 0, &file) != FcResultMatch) {
    throw std::runtime_error("no installed font covers Vietnamese (install fonts-dejavu-core)");
  }
  FcPatternGetString(match.get(), FC_FAMILY, 0, &matched_family);
  return FontMatch{std::filesystem::path(reinterpret_cast<const char*>(file)),
                   matched_family ? reinterpret_cast<const char*>(matched_family) : ""};
}

}  // namespace

std::filesystem::path find_vietnamese_font(std::string_view family) {
  return match_vietnamese_font(family).file;
}

namespace {
std::filesystem::path led_strike_name(int rows) {
  return "bangtin-led-" + std::to_string(rows) + ".bdf";
}
}  // namespace

std::optional<std::filesystem::path> led_font(int rows) {
  std::optional<int> strike;
  for (const int strike_rows : kLedFontRows)
    if (strike_rows <= rows) strike = strike_rows;
  if (!strike) return std::nullopt;
  const std::filesystem::path name = led_strike_name(*strike);
  // Installed beside the program (PREFIX/bin/bangtind -> PREFIX/share/bangtin/fonts), as the
  // console's pages are, so an installed bangtin never reads a build tree's path; a program run
  // from the build tree has none there and takes the glyphs this build generated.
  std::error_code error;
  const std::filesystem::path program = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::filesystem::path installed =
      error ? std::filesystem::path() : program.parent_path().parent_path() / "share/bangtin/fonts";
  for (const std::filesystem::path& dir :
       {installed, std::filesystem::path(BANGTIN_LED_FONT_BUILD_DIR)}) {
    if (!dir.empty() && std::filesystem::is_regular_file(dir / name, error)) return dir / name;
  }
  throw std::runtime_error("bangtin's LED glyphs " + name.string() + " are in neither " +
                           installed.string() + " nor " + BANGTIN_LED_FONT_BUILD_DIR +
                           " (reinstall bangtin)");
}

bool is_led_font(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  return name.starts_with("bangtin-led-") && file.extension() == ".bdf";
}

std::filesystem::path default_font(const PanelGeometry& zone, GlyphStyle glyphs) {
  // The LED glyphs where a strike fills most of the zone (16, 24 and 32 rows); a taller zone
  // gets a scalable face that fills it.
  const int rows = zone.height;
  const bool led_fills = zone.format == PixelFormat::mono && rows >= 16 && rows < 48;
  if (glyphs == GlyphStyle::led || (glyphs == GlyphStyle::automatic && led_fills)) {
    if (const std::optional<std::filesystem::path> led = led_font(rows)) return *led;
  }
  // Under 20 rows an outline font has two rows or fewer for a stacked mark; GNU Unifont's 16-px
  // glyphs were drawn for that grid (every Vietnamese letter distinct at 16 rows).
  if (zone.format == PixelFormat::mono && zone.height < 20) {
    const FontMatch unifont = match_vietnamese_font("Unifont");
    if (unifont.family == "Unifont") return unifont.file;
  }
  return find_vietnamese_font();
}

}  // namespace bangtin
