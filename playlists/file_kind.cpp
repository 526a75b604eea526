#include <yaml-cpp/yaml.h>

#include "bangtin/playlists.hpp"

namespace bangtin {

bool looks_like_config(const std::filesystem::path& file) {
  try {
    const YAML::Node root = YAML::LoadFile(file.string());
    return root.IsMap() && root["displays"];
  } catch (const std::exception&) {
    return false;  // unreadable or malformed: the playlist loader reports why, with a position
  }
}

}  // namespace bangtin
