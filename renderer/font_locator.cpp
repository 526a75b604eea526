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

std::filesystem::path find_vietnamese_font(std::string_view family) {
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
  if (FcPatternGetLangSet(match.get(), FC_LANG, 0, &languages) != FcResultMatch ||
      FcLangSetHasLang(languages, reinterpret_cast<const FcChar8*>("vi")) != FcLangEqual ||
      FcPatternGetString(match.get(), FC_FILE, 0, &file) != FcResultMatch) {
    throw std::runtime_error("no installed font covers Vietnamese (install fonts-dejavu-core)");
  }
  return std::filesystem::path(reinterpret_cast<const char*>(file));
}

}  // namespace bangtin
