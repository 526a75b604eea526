#include "yaml_fields.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <utility>

#include "nearest_name.hpp"
#include "unicode_text.hpp"

namespace bangtin::playlists_detail {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

struct NamedColour {
  std::string_view name;
  Rgb colour;
};
constexpr std::array<NamedColour, 9> colour_names{{{"white", {255, 255, 255}},
                                                   {"red", {255, 0, 0}},
                                                   {"green", {0, 255, 0}},
                                                   {"blue", {0, 0, 255}},
                                                   {"yellow", {255, 255, 0}},
                                                   {"amber", {255, 176, 0}},
                                                   {"orange", {255, 128, 0}},
                                                   {"cyan", {0, 255, 255}},
                                                   {"magenta", {255, 0, 255}}}};

std::string code_point_text(char32_t code_point) {
  char text[16];
  std::snprintf(text, sizeof text, "U+%04X", static_cast<unsigned>(code_point));
  return text;
}

// The first character of a name that would break the one line it is shown on (in log lines,
// report cells, the status file): a line break or a tab, which an escape ("\n") or a block scalar
// gets into a name, with what to call it.
struct LineBreaker {
  std::size_t offset;
  std::string description;
};
std::optional<LineBreaker> find_line_breaker(std::string_view name) {
  for (const auto& [character, description] :
       {std::pair<std::string_view, std::string_view>{"\n", "a line break (U+000A)"},
        {"\t", "a tab (U+0009)"},
        {"\u2028", "a line separator (U+2028)"},
        {"\u2029", "a paragraph separator (U+2029)"}}) {
    if (const auto offset = name.find(character); offset != std::string_view::npos)
      return LineBreaker{offset, std::string(description)};
  }
  return std::nullopt;
}

// Reports a name that holds a line break or a tab, at that character when it is written as is.
bool is_one_line_name(YamlFile& yaml, const YAML::Node& node, std::string_view key) {
  const auto breaker = find_line_breaker(node.Scalar());
  if (!breaker) return true;
  yaml.error(yaml.mark_within(node, breaker->offset),
             std::string(key) + " contains " + breaker->description + ", which a name cannot have");
  return false;
}

}  // namespace

MappingFields::MappingFields(YamlFile& yaml, const YAML::Node& mapping,
                             const std::vector<std::string>& known_keys)
    : yaml_(&yaml), mapping_(mapping) {
  for (const auto& pair : mapping) {
    const YAML::Node& key_node = pair.first;
    if (!key_node.IsScalar()) {
      yaml.error(key_node, "keys must be plain names, e.g. 'speed'");
      continue;
    }
    const std::string& key = key_node.Scalar();
    if (std::find(known_keys.begin(), known_keys.end(), key) == known_keys.end()) {
      const std::string suggestion = did_you_mean(key, known_keys);
      yaml.error(key_node, "unknown key '" + key + "'" +
                               (suggestion.empty() ? " (known keys: " + joined(known_keys) + ")"
                                                   : suggestion));
      continue;
    }
    const auto earlier = std::find_if(values_.begin(), values_.end(),
                                      [&](const auto& value) { return value.first == key; });
    if (earlier != values_.end()) {
      // yaml-cpp keeps both; which one would win is not something an operator should guess.
      yaml.error(key_node, "duplicate key '" + key + "' (first at line " +
                               std::to_string(yaml.mark_of(earlier->second).line) + ")");
      continue;
    }
    // yaml-cpp places an empty value at whatever comes next, often the following line, so
    // the key is the place to point at.
    if (pair.second.IsNull()) yaml.error(key_node, key + " has no value");
    values_.emplace_back(key, pair.second);
  }
}

std::optional<YAML::Node> MappingFields::find(std::string_view key) const {
  const auto value = std::find_if(values_.begin(), values_.end(),
                                  [&](const auto& candidate) { return candidate.first == key; });
  if (value == values_.end() || value->second.IsNull()) return std::nullopt;
  return value->second;
}

std::optional<YAML::Node> MappingFields::require(std::string_view key,
                                                 std::string_view owner) const {
  const bool present = std::any_of(values_.begin(), values_.end(),
                                   [&](const auto& candidate) { return candidate.first == key; });
  if (!present)
    yaml_->error(mapping_, std::string(owner) + " is missing '" + std::string(key) + "'");
  return find(key);
}

std::optional<std::string> read_scalar(YamlFile& yaml, const YAML::Node& node,
                                       std::string_view wrong_type) {
  if (!node.IsScalar()) {
    yaml.error(node, std::string(wrong_type));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::string> read_text(YamlFile& yaml, const YAML::Node& node, std::string_view key) {
  const std::string key_text(key);
  const auto scalar = read_scalar(yaml, node, key_text + " must be text, not a list or a mapping");
  if (!scalar) return std::nullopt;
  // Escapes such as "\0" or "\a" get control characters past the file's own UTF-8 check.
  if (const auto control = find_control_character(*scalar)) {
    yaml.error(node, key_text + " contains a control character (" + code_point_text(*control) +
                         "), which no board can show");
    return std::nullopt;
  }
  const auto normalized = to_nfc(*scalar);
  if (!normalized) {
    yaml.error(node, key_text + " is not valid Unicode text");
    return std::nullopt;
  }
  return std::string(trim_spaces(*normalized));
}

std::optional<std::string> read_name(YamlFile& yaml, const YAML::Node& node, std::string_view key) {
  auto name = read_text(yaml, node, key);
  if (!name) return std::nullopt;
  if (name->empty()) {
    yaml.error(node, std::string(key) + " is empty");
    return std::nullopt;
  }
  if (!is_one_line_name(yaml, node, key)) return std::nullopt;
  return name;
}

std::optional<double> read_number(YamlFile& yaml, const YAML::Node& node,
                                  std::string_view wrong_type) {
  if (node.IsScalar()) {
    try {
      const double number = node.as<double>();
      if (std::isfinite(number)) return number;
    } catch (const YAML::Exception&) {
      // Reported below, in the format's own words.
    }
  }
  yaml.error(node, std::string(wrong_type));
  return std::nullopt;
}

std::optional<int> read_whole_number(YamlFile& yaml, const YAML::Node& node,
                                     std::string_view wrong_type) {
  if (node.IsScalar()) {
    try {
      return node.as<int>();
    } catch (const YAML::Exception&) {
      // Reported below, in the format's own words.
    }
  }
  yaml.error(node, std::string(wrong_type));
  return std::nullopt;
}

std::optional<bool> read_bool(YamlFile& yaml, const YAML::Node& node, std::string_view wrong_type) {
  if (node.IsScalar()) {
    try {
      return node.as<bool>();
    } catch (const YAML::Exception&) {
      // Reported below, in the format's own words.
    }
  }
  yaml.error(node, std::string(wrong_type));
  return std::nullopt;
}

std::optional<std::size_t> read_choice(YamlFile& yaml, const YAML::Node& node,
                                       const ChoiceWords& words,
                                       const std::vector<std::string>& choices) {
  const auto text =
      read_scalar(yaml, node, std::string(words.key) + " must be one of " + joined(choices));
  if (!text) return std::nullopt;
  const std::string_view written = trim_spaces(*text);
  const auto chosen = std::find(choices.begin(), choices.end(), written);
  if (chosen != choices.end()) return static_cast<std::size_t>(chosen - choices.begin());
  const std::string suggestion = did_you_mean(written, choices);
  yaml.error(node, "unknown " + std::string(words.singular) + " '" + std::string(written) + "'" +
                       (suggestion.empty()
                            ? " (" + std::string(words.plural) + ": " + joined(choices) + ")"
                            : suggestion));
  return std::nullopt;
}

std::optional<Rgb> read_colour(YamlFile& yaml, const YAML::Node& node) {
  std::vector<std::string> names;
  for (const auto& named : colour_names) names.emplace_back(named.name);
  const std::string form = "colour must be #RRGGBB or one of " + joined(names);
  const auto text = read_scalar(yaml, node, form);
  if (!text) return std::nullopt;
  const std::string_view written = trim_spaces(*text);
  for (const auto& named : colour_names)
    if (named.name == written) return named.colour;
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (written.size() == 7 && written.front() == '#' &&
      std::all_of(written.begin() + 1, written.end(), [&](char c) { return hex(c) >= 0; })) {
    const auto channel = [&](std::size_t at) {
      return static_cast<std::uint8_t>(hex(written[at]) * 16 + hex(written[at + 1]));
    };
    return Rgb{channel(1), channel(3), channel(5)};
  }
  const std::string suggestion = did_you_mean(written, names);
  yaml.error(node, suggestion.empty()
                       ? form
                       : "unknown colour '" + std::string(written) + "'" + suggestion);
  return std::nullopt;
}

std::optional<std::vector<YAML::Node>> list_elements(YamlFile& yaml, const YAML::Node& node,
                                                     std::string_view wrong_type) {
  std::vector<YAML::Node> elements;
  if (node.IsScalar()) {
    elements.push_back(node);
  } else if (node.IsSequence()) {
    for (const auto& element : node) elements.push_back(element);
  } else {
    yaml.error(node, std::string(wrong_type));
    return std::nullopt;
  }
  return elements;
}

std::optional<std::vector<NamedNode>> read_name_list(YamlFile& yaml, const YAML::Node& node,
                                                     std::string_view key,
                                                     std::string_view wrong_type) {
  const auto elements = list_elements(yaml, node, wrong_type);
  if (!elements) return std::nullopt;

  std::vector<NamedNode> names;
  bool all_good = true;
  for (const auto& element : *elements) {
    if (!element.IsScalar()) {
      yaml.error(element, std::string(wrong_type));
      all_good = false;
      continue;
    }
    const auto name = read_text(yaml, element, key);
    if (!name) {
      all_good = false;
      continue;
    }
    if (name->empty()) {
      yaml.error(element, std::string(key) + " contains an empty name");
      all_good = false;
      continue;
    }
    if (!is_one_line_name(yaml, element, key)) {
      all_good = false;
      continue;
    }
    names.push_back(NamedNode{*name, element});
  }
  if (!all_good) return std::nullopt;
  return names;
}

}  // namespace bangtin::playlists_detail
