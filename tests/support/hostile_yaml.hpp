// Operator files made to hurt the loader, shared by the loader's tests and the CLI's.
#pragma once

#include <string>

namespace bangtin::testing {

// The billion laughs in YAML: each anchor is a list of ten aliases of the one before, so the
// final `items: *a9` stands for 10^10 nodes in 600 bytes. With 200 000 nodes allowed, the first
// *a4 in a5 (line 7, column 10) is the alias that expands too far: a0 to a4 are 123 455 nodes
// and it adds 111 111.
inline std::string billion_laughs() {
  std::string yaml = "playlist: p\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int level = 1; level < 10; ++level) {
    const std::string below = "*a" + std::to_string(level - 1);
    yaml += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [" + below;
    for (int copy = 1; copy < 10; ++copy) yaml += ", " + below;
    yaml += "]\n";
  }
  return yaml + "items: *a9\n";
}

}  // namespace bangtin::testing
