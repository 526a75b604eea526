// Reading one display of the daemon config: its panel or window, its zones, and how its light
// and glyphs look. Every problem is reported at its node.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string_view>

#include "bangtin/playlists.hpp"
#include "yaml_file.hpp"

namespace bangtin::playlists_detail {

// Targets use it to mean every display, so no display or group may be called that.
inline constexpr std::string_view every_display = "all";

// A display as far as it could be read; `good` when it had no errors and can be driven.
struct DisplayReading {
  DisplayConfig display;
  bool good = false;
};

// Font files and other paths are resolved against `config_directory`.
DisplayReading read_display(YamlFile& yaml, const YAML::Node& node,
                            const std::filesystem::path& config_directory);

}  // namespace bangtin::playlists_detail
