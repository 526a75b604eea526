// Paths written in the config are relative to the config's directory, so a config and the files
// beside it can be moved together.
#pragma once

#include <filesystem>

namespace bangtin::playlists_detail {

inline std::filesystem::path resolve_against(const std::filesystem::path& directory,
                                             const std::filesystem::path& written) {
  auto resolved = written.is_absolute() ? written : (directory / written).lexically_normal();
  // "playlists/" and "playlists" name the same directory; keep one spelling for messages.
  if (!resolved.has_filename() && resolved.has_relative_path()) resolved = resolved.parent_path();
  return resolved;
}

}  // namespace bangtin::playlists_detail
