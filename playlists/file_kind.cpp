#include <yaml-cpp/yaml.h>

#include "bangtin/playlists.hpp"
#include "source_text.hpp"

namespace bangtin {

bool looks_like_config(const std::filesystem::path& file) {
  // The same checked reading as the loaders: a huge or binary file is not even parsed.
  std::vector<Diagnostic> ignored;  // the loader reports them, with a position
  const auto source = playlists_detail::read_source_file(file, ignored);
  if (!source) return false;
  try {
    const YAML::Node root = YAML::Load(source->bytes());
    return root.IsMap() && root["displays"];
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace bangtin
