// Reading one playlist item: every key of the format, each problem at its node.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bangtin/playlists.hpp"
#include "yaml_file.hpp"

namespace bangtin::playlists_detail {

struct ItemReading {
  std::optional<Item> item;  // nothing when the item had errors
  // A warning already said the item never plays; later checks need not repeat it.
  bool never_plays_reported = false;
};

// `known_targets`: the names targets may use, or nullptr to accept any. `utc_offset`: how
// from/until are read. `media_folder`: what media file names are relative to.
ItemReading read_item(YamlFile& yaml, const YAML::Node& node,
                      const std::vector<std::string>* known_targets,
                      std::chrono::minutes utc_offset, const std::filesystem::path& media_folder,
                      std::vector<std::pair<std::filesystem::path, FileStamp>>& media_files);

}  // namespace bangtin::playlists_detail
