// Diagnostics as the text an operator reads, so tests compare exactly what is printed.
#pragma once

#include <string>
#include <vector>

#include "bangtin/playlists.hpp"

namespace bangtin::testing {

inline std::vector<std::string> texts(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> lines;
  for (const auto& diagnostic : diagnostics) lines.push_back(diagnostic.to_string());
  return lines;
}

// "FILE:LINE:COL: " for building expected diagnostics.
inline std::string at(const std::filesystem::path& file, int line, int column) {
  return file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

}  // namespace bangtin::testing
