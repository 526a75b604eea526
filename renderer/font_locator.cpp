#include <fontconfig/fontconfig.h>

#include <memory>
#include <stdexcept>
#include <string>

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

std::filesystem::path default_font(const PanelGeometry& zone) {
  // Under 20 rows an outline font has two rows or fewer for a stacked mark; GNU Unifont's 16-px
  // glyphs were drawn for that grid (every Vietnamese letter distinct at 16 rows).
  if (zone.format == PixelFormat::mono && zone.height < 20) {
    const FontMatch unifont = match_vietnamese_font("Unifont");
    if (unifont.family == "Unifont") return unifont.file;
  }
  return find_vietnamese_font();
}

}  // namespace bangtin
