// Reading the values of an operator file: which keys a mapping has, and each value as the type
// the format wants. A value of the wrong type or out of range is reported at its node and read
// as nothing, so the caller carries on and every problem in the file gets reported.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bangtin/frame.hpp"
#include "yaml_file.hpp"

namespace bangtin::playlists_detail {

// The keys of one YAML mapping, checked against the keys its format knows: unknown keys (with a
// suggestion), repeated keys and keys that are not plain names are reported as it is built.
class MappingFields {
 public:
  MappingFields(YamlFile& yaml, const YAML::Node& mapping,
                const std::vector<std::string>& known_keys);

  // The value of an optional key; nothing when absent or written without a value (which was
  // reported as an error).
  std::optional<YAML::Node> find(std::string_view key) const;
  // The same for a required key, also reporting "<owner> is missing '<key>'" when absent.
  std::optional<YAML::Node> require(std::string_view key, std::string_view owner) const;

 private:
  YamlFile* yaml_;
  YAML::Node mapping_;
  std::vector<std::pair<std::string, YAML::Node>> values_;
};

// Text, NFC-normalized and trimmed. A list or mapping, control characters (which no board can
// show) and text that is not Unicode are reported against `key`.
std::optional<std::string> read_text(YamlFile& yaml, const YAML::Node& node, std::string_view key);

// Non-empty text naming something: an id, a display, a group. Names are shown one to a line, so
// a line break or a tab in one is reported too.
std::optional<std::string> read_name(YamlFile& yaml, const YAML::Node& node, std::string_view key);

// A scalar as written, for values that are not text to show: paths, links, sizes.
std::optional<std::string> read_scalar(YamlFile& yaml, const YAML::Node& node,
                                       std::string_view wrong_type);

// A finite number; `wrong_type` is reported for anything else.
std::optional<double> read_number(YamlFile& yaml, const YAML::Node& node,
                                  std::string_view wrong_type);

// A whole number that fits an int; `wrong_type` is reported for anything else.
std::optional<int> read_whole_number(YamlFile& yaml, const YAML::Node& node,
                                     std::string_view wrong_type);

// true or false (yes/no and on/off too, as YAML has them); `wrong_type` is reported otherwise.
std::optional<bool> read_bool(YamlFile& yaml, const YAML::Node& node, std::string_view wrong_type);

// How messages about one closed set of words name it: "effect must be one of ...", "unknown
// effect 'marquee' (effects: ...)".
struct ChoiceWords {
  std::string_view key;       // effect, glyphs
  std::string_view singular;  // effect, glyph style
  std::string_view plural;    // effects, glyph styles
};
// One of `choices`, as its index; an unknown word is reported with the nearest choice.
std::optional<std::size_t> read_choice(YamlFile& yaml, const YAML::Node& node,
                                       const ChoiceWords& words,
                                       const std::vector<std::string>& choices);

// A colour as items and displays write it: "#RRGGBB" or a name (white, red, amber, ...).
std::optional<Rgb> read_colour(YamlFile& yaml, const YAML::Node& node);

// The elements of a list; a scalar is a list of one ("days: sat", "targets: all"), so short
// entries read naturally. Anything else is reported with `wrong_type`.
std::optional<std::vector<YAML::Node>> list_elements(YamlFile& yaml, const YAML::Node& node,
                                                     std::string_view wrong_type);

// A list of names, each checked as read_name checks one; a single name is taken as a list of
// one ("targets: all").
struct NamedNode {
  std::string name;
  YAML::Node node;  // where the name was written, for reporting problems with it
};
std::optional<std::vector<NamedNode>> read_name_list(YamlFile& yaml, const YAML::Node& node,
                                                     std::string_view key,
                                                     std::string_view wrong_type);

}  // namespace bangtin::playlists_detail
