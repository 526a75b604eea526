// The strict first pass over an operator file's YAML, before yaml-cpp builds a tree from it.
//
// yaml-cpp 0.7 (Debian 12) cannot be trusted with hostile or mistyped files: LoadAll loops
// forever on a file holding just ",", an unterminated quote at the end of a file is accepted,
// and aliases expand without bound when the tree is read. libyaml's event parser (the one PyYAML
// uses) reads the same bytes first, in one bounded pass: it gives exact syntax errors, and its
// events let the pass count documents, nesting, nodes and what aliases expand to, and see quoted
// texts that ran on past the line they were meant to end on.
#pragma once

#include <cstddef>
#include <vector>

#include "bangtin/playlists.hpp"
#include "source_text.hpp"

namespace bangtin::playlists_detail {

// Real files nest 5 or 6 levels (config, displays, a display, zones, a zone, its rect).
inline constexpr int max_yaml_depth = 64;
// Nodes are keys, values, lists and mappings, with each alias counted as the nodes it stands for.
// A playlist item is about 10 nodes in 150 to 300 bytes, so a realistic 1 MiB file has about
// 50 000; only a flow list of one-letter values ("[a,b,c,...]") gets past 200 000 in 1 MiB.
inline constexpr std::size_t max_yaml_nodes = 200'000;
// The text of every scalar, with aliases expanded: four times what a file can hold written out.
inline constexpr std::size_t max_yaml_expanded_bytes = 4 * max_source_bytes;

// Whether the text is one well-formed YAML document within the limits above, which yaml-cpp may
// then load; otherwise the first problem found is added to `diagnostics`, at its place.
bool check_yaml_structure(const SourceText& source, std::vector<Diagnostic>& diagnostics);

}  // namespace bangtin::playlists_detail
