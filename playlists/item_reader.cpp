#include "item_reader.hpp"

#include <algorithm>
#include <array>

#include "nearest_name.hpp"
#include "schedule_fields.hpp"
#include "unicode_text.hpp"
#include "yaml_fields.hpp"

namespace bangtin::playlists_detail {
namespace {

const std::vector<std::string> item_keys{"id",       "text",     "effect",   "speed",  "passes",
                                         "duration", "colour",   "priority", "weight", "from",
                                         "until",    "schedule", "targets"};

struct Named {
  std::string_view name;
  int value;
};

constexpr std::array<Named, 5> effect_names{{{"scroll", static_cast<int>(TextEffect::scroll)},
                                             {"static", static_cast<int>(TextEffect::still)},
                                             {"page", static_cast<int>(TextEffect::page)},
                                             {"blink", static_cast<int>(TextEffect::blink)},
                                             {"fade", static_cast<int>(TextEffect::fade)}}};
constexpr std::array<Named, 3> priority_names{{{"normal", static_cast<int>(Priority::normal)},
                                               {"high", static_cast<int>(Priority::high)},
                                               {"urgent", static_cast<int>(Priority::urgent)}}};

constexpr int heaviest_weight = 100;
constexpr double fastest_scroll = 1000;  // pixels per second

template <std::size_t count>
std::vector<std::string> names_of(const std::array<Named, count>& names) {
  std::vector<std::string> list;
  for (const auto& named : names) list.emplace_back(named.name);
  return list;
}

// One of a closed set of names: an effect, a priority.
template <std::size_t count>
std::optional<int> read_named(YamlFile& yaml, const YAML::Node& node, const ChoiceWords& words,
                              const std::array<Named, count>& choices) {
  const auto index = read_choice(yaml, node, words, names_of(choices));
  if (!index) return std::nullopt;
  return choices[*index].value;
}

std::string effect_word(TextEffect effect) { return std::string(bangtin::format_word(effect)); }

// How the item plays: its effect and the effect's speed, passes or duration, and its colour.
// A setting its effect does not use is a warning, not an error: the item still plays.
void read_how_it_plays(YamlFile& yaml, const MappingFields& fields, Item& item) {
  if (const auto value = fields.find("effect")) {
    if (const auto effect = read_named(yaml, *value, {"effect", "effect", "effects"}, effect_names))
      item.effect = static_cast<TextEffect>(*effect);
  }
  const std::string effect = effect_word(item.effect);

  if (const auto value = fields.find("speed")) {
    if (const auto speed =
            read_number(yaml, *value, "speed must be a number of pixels per second")) {
      if (*speed <= 0 || *speed > fastest_scroll)
        yaml.error(*value, "speed must be more than 0 and at most 1000 pixels per second");
      else
        item.speed = *speed;
    }
    if (item.effect != TextEffect::scroll && item.effect != TextEffect::page)
      yaml.warning(*value, "speed does not apply to effect " + effect);
  }

  const auto passes_node = fields.find("passes");
  if (passes_node) {
    constexpr std::string_view bad_passes = "passes must be a whole number from 1 to 1000";
    if (const auto passes = read_whole_number(yaml, *passes_node, bad_passes)) {
      // More than a thousand passes is a typo; no board scrolls one text for days on end.
      if (*passes < 1 || *passes > 1000)
        yaml.error(*passes_node, std::string(bad_passes));
      else
        item.passes = *passes;
    }
    if (item.effect == TextEffect::still || item.effect == TextEffect::fade)
      yaml.warning(*passes_node,
                   "passes does not apply to effect " + effect + "; give its duration instead");
  }

  if (const auto value = fields.find("duration")) {
    if (passes_node)
      yaml.error(*value, "give either passes or duration, not both");
    else
      item.duration = read_duration(yaml, *value);
  }

  if (const auto value = fields.find("colour")) item.colour = read_colour(yaml, *value);
}

// The displays and groups the item plays on, each checked against the config's when known.
void read_targets(YamlFile& yaml, const YAML::Node& value,
                  const std::vector<std::string>* known_targets, Item& item) {
  if (const auto targets =
          read_name_list(yaml, value, "targets",
                         "targets must be a list of display names or groups, e.g. [street]")) {
    // Written out but empty is more likely an unfinished edit than a wish for every board.
    if (targets->empty())
      yaml.warning(value, "targets is empty, so the item plays on every display");
    for (const auto& target : *targets) {
      if (known_targets && std::find(known_targets->begin(), known_targets->end(), target.name) ==
                               known_targets->end())
        yaml.error(target.node, "unknown display or group '" + target.name + "'" +
                                    did_you_mean(target.name, *known_targets));
      item.targets.push_back(target.name);
    }
  }
}

}  // namespace

ItemReading read_item(YamlFile& yaml, const YAML::Node& node,
                      const std::vector<std::string>* known_targets,
                      std::chrono::minutes utc_offset) {
  ItemReading reading;
  if (!node.IsMap()) {
    yaml.error(node, "each item must be a mapping with 'id' and 'text'");
    return reading;
  }
  const std::size_t errors_before = yaml.error_count();
  const MappingFields fields(yaml, node, item_keys);
  Item item;
  item.where = yaml.mark_of(node);

  if (const auto value = fields.require("id", "item")) {
    if (const auto id = read_name(yaml, *value, "id")) item.id = *id;
  }

  if (const auto value = fields.require("text", "item")) {
    item.text_where = yaml.mark_of(*value);
    if (const auto text = read_text(yaml, *value, "text")) {
      if (text->empty()) yaml.error(*value, "text is empty");
      item.text = *text;
    }
  }

  read_how_it_plays(yaml, fields, item);

  const auto priority_node = fields.find("priority");
  if (priority_node) {
    if (const auto priority = read_named(yaml, *priority_node,
                                         {"priority", "priority", "priorities"}, priority_names))
      item.priority = static_cast<Priority>(*priority);
  }

  if (const auto value = fields.find("weight")) {
    const std::string bad_weight =
        "weight must be a whole number from 1 to " + std::to_string(heaviest_weight);
    if (const auto weight = read_whole_number(yaml, *value, bad_weight)) {
      if (*weight < 1 || *weight > heaviest_weight)
        yaml.error(*value, bad_weight);
      else
        item.weight = *weight;
    }
  }

  const auto from_node = fields.find("from");
  if (from_node) item.from = read_local_instant(yaml, *from_node, "from", utc_offset, false);
  if (const auto until_node = fields.find("until")) {
    item.until = read_local_instant(yaml, *until_node, "until", utc_offset, true);
    if (item.from && item.until && *item.until <= *item.from)
      yaml.error(*until_node, "until (" + std::string(trim_spaces(until_node->Scalar())) +
                                  ") is not after from (" +
                                  std::string(trim_spaces(from_node->Scalar())) + ")");
  }

  if (const auto value = fields.find("schedule")) {
    if (auto schedule = read_item_schedule(yaml, *value, reading.never_plays_reported))
      item.schedule = std::move(*schedule);
  }

  if (item.priority == Priority::urgent && !item.until && item.schedule.dates.empty())
    yaml.warning(*priority_node,
                 "urgent item without 'until' or 'dates': it cuts into every board it targets "
                 "for as long as it stays in the playlist");

  if (const auto value = fields.find("targets")) read_targets(yaml, *value, known_targets, item);

  if (yaml.error_count() == errors_before) reading.item = std::move(item);
  return reading;
}

}  // namespace bangtin::playlists_detail

namespace bangtin {

std::string_view format_word(TextEffect effect) {
  for (const auto& named : playlists_detail::effect_names)
    if (named.value == static_cast<int>(effect)) return named.name;
  return "scroll";
}

std::string_view format_word(Priority priority) {
  for (const auto& named : playlists_detail::priority_names)
    if (named.value == static_cast<int>(priority)) return named.name;
  return "normal";
}

}  // namespace bangtin
