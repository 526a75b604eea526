// Reading `fleet:` of the daemon config: the broker, this site and its groups, the credentials,
// TLS and trust files. Every problem is reported at its node.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>

#include "bangtin/playlists.hpp"
#include "yaml_file.hpp"

namespace bangtin::playlists_detail {

// Nothing when anything in it was wrong (every problem reported): a controller half in a fleet,
// under a name or through a broker nobody meant, would be worse than one that stays out.
// Files are resolved against `config_directory`.
std::optional<FleetConfig> read_fleet(YamlFile& yaml, const YAML::Node& node,
                                      const std::filesystem::path& config_directory);

}  // namespace bangtin::playlists_detail
