#include "item_reader.hpp"

#include <algorithm>
#include <array>

#include "nearest_name.hpp"
#include "schedule_fields.hpp"
#include "unicode_text.hpp"
#include "yaml_fields.hpp"

namespace bangtin::playlists_detail {
namespace {

const std::vector<std::string> item_keys{"id",       "text",   "image",    "qr",       "video",
                                         "document", "fit",    "side",     "qr-level", "effect",
                                         "speed",    "passes", "duration", "colour",   "priority",
                                         "weight",   "from",   "until",    "schedule", "targets"};

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

constexpr std::array<Named, 3> fit_names{{{"whole", static_cast<int>(PictureFit::whole)},
                                          {"fill", static_cast<int>(PictureFit::fill)},
                                          {"centre", static_cast<int>(PictureFit::centre)}}};
constexpr std::array<Named, 2> side_names{{{"left", static_cast<int>(PictureSide::left)},
                                           {"right", static_cast<int>(PictureSide::right)}}};
constexpr std::array<Named, 4> qr_level_names{{{"L", static_cast<int>(QrLevel::low)},
                                               {"M", static_cast<int>(QrLevel::medium)},
                                               {"Q", static_cast<int>(QrLevel::quartile)},
                                               {"H", static_cast<int>(QrLevel::high)}}};

// The media keys, each with the kind it makes and the file name endings it takes (none: any).
struct MediaKey {
  std::string_view key;
  MediaKind kind;
  std::vector<std::string_view> endings;
  std::string_view what;  // for messages
};
const std::vector<MediaKey>& media_keys() {
  static const std::vector<MediaKey> keys{
      {"image",
       MediaKind::image,
       {".png", ".jpg", ".jpeg", ".webp"},
       "a PNG, JPEG or WebP picture"},
      {"qr", MediaKind::qr, {}, ""},
      {"video", MediaKind::video, {}, "a video"},
      {"document", MediaKind::document, {".pdf"}, "a PDF document"}};
  return keys;
}

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

std::string lower_case(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

// A media file named relative to the playlists folder, which it may not leave: the console saves
// playlists, and a playlist must not make the daemon read whatever file it names.
std::optional<std::filesystem::path> read_media_file(
    YamlFile& yaml, const YAML::Node& node, const MediaKey& key,
    const std::filesystem::path& folder, FileStamp& stamp,
    std::vector<std::pair<std::filesystem::path, FileStamp>>& media_files) {
  const std::string example = key.kind == MediaKind::document ? "media/thong-bao.pdf"
                              : key.kind == MediaKind::video  ? "media/gioi-thieu.mp4"
                                                              : "media/poster.png";
  const auto name =
      read_scalar(yaml, node, std::string(key.key) + " must be a file name, e.g. " + example);
  if (!name) return std::nullopt;
  const std::string written(trim_spaces(*name));
  if (written.empty()) {
    yaml.error(node, std::string(key.key) + " is empty; name a file, e.g. " + example);
    return std::nullopt;
  }
  if (written.find('\0') != std::string::npos || written.find('\\') != std::string::npos) {
    yaml.error(node,
               std::string(key.key) + " must be a file name with forward slashes, e.g. " + example);
    return std::nullopt;
  }
  const std::filesystem::path relative(written);
  if (relative.is_absolute() || std::any_of(relative.begin(), relative.end(),
                                            [](const auto& part) { return part == ".."; })) {
    yaml.error(node, "name the file from the playlists folder, inside it, e.g. " + example +
                         " (the folder is " + folder.string() + ")");
    return std::nullopt;
  }
  if (!key.endings.empty()) {
    const std::string ending = lower_case(relative.extension().string());
    if (std::find(key.endings.begin(), key.endings.end(), ending) == key.endings.end()) {
      yaml.error(
          node, std::string(key.key) + " must be " + std::string(key.what) + " (" +
                    [&] {
                      std::string list;
                      for (const auto e : key.endings)
                        list += (list.empty() ? "" : ", ") + std::string(e);
                      return list;
                    }() +
                    "), not '" + relative.filename().string() + "'");
      return std::nullopt;
    }
  }
  const std::filesystem::path file = folder / relative;
  stamp = file_stamp(file);
  media_files.emplace_back(file, stamp);
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (!std::filesystem::exists(status)) {
    yaml.error(node, "no file " + written + " in " + folder.string());
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(status)) {
    yaml.error(node, written + " is not a file");
    return std::nullopt;
  }
  return file;
}

// What the item shows besides its text: at most one of image, qr, video and document, and how
// it is placed. Returns whether the item may go without text.
bool read_media(YamlFile& yaml, const MappingFields& fields, const std::filesystem::path& folder,
                Item& item, std::vector<std::pair<std::filesystem::path, FileStamp>>& media_files) {
  const MediaKey* chosen = nullptr;
  YAML::Node chosen_node;
  for (const MediaKey& key : media_keys()) {
    const auto value = fields.find(key.key);
    if (!value) continue;
    if (chosen) {
      yaml.error(*value, "an item shows one of image, qr, video and document; this one has " +
                             std::string(chosen->key) + " already");
      continue;
    }
    chosen = &key;
    chosen_node = *value;
  }
  const auto fit = fields.find("fit");
  const auto side = fields.find("side");
  const auto level = fields.find("qr-level");
  if (!chosen) {
    for (const auto& [node, key] : {std::pair{fit, "fit"}, {side, "side"}, {level, "qr-level"}})
      if (node) yaml.warning(*node, std::string(key) + " applies to items with an image or qr");
    return false;
  }
  item.media.kind = chosen->kind;
  item.media_where = yaml.mark_of(chosen_node);
  if (chosen->kind == MediaKind::qr) {
    if (const auto text =
            read_scalar(yaml, chosen_node,
                        "qr must be the text the code holds, e.g. https://dichvucong.gov.vn")) {
      if (text->empty())
        yaml.error(chosen_node, "qr is empty; give the text the code holds");
      else if (text->find('\0') != std::string::npos)
        yaml.error(chosen_node, "qr holds a NUL character, which would cut the code short there");
      else if (text->size() > 2953)
        yaml.error(chosen_node,
                   "qr holds at most 2953 bytes; this is " + std::to_string(text->size()));
      item.media.qr_text = *text;
    }
  } else if (const auto file = read_media_file(yaml, chosen_node, *chosen, folder, item.media.stamp,
                                               media_files)) {
    item.media.file = *file;
  }
  if (fit) {
    if (chosen->kind != MediaKind::image)
      yaml.warning(*fit, "fit applies to image items");
    else if (const auto value = read_named(yaml, *fit, {"fit", "fit", "fits"}, fit_names))
      item.media.fit = static_cast<PictureFit>(*value);
  }
  if (level) {
    if (chosen->kind != MediaKind::qr)
      yaml.warning(*level, "qr-level applies to qr items");
    else if (const auto value =
                 read_named(yaml, *level, {"qr-level", "QR level", "QR levels"}, qr_level_names))
      item.media.qr_level = static_cast<QrLevel>(*value);
  }
  if (side) {
    if (const auto value = read_named(yaml, *side, {"side", "side", "sides"}, side_names))
      item.media.side = static_cast<PictureSide>(*value);
  }
  return true;
}

}  // namespace

ItemReading read_item(YamlFile& yaml, const YAML::Node& node,
                      const std::vector<std::string>* known_targets,
                      std::chrono::minutes utc_offset, const std::filesystem::path& media_folder,
                      std::vector<std::pair<std::filesystem::path, FileStamp>>& media_files) {
  ItemReading reading;
  if (!node.IsMap()) {
    yaml.error(
        node,
        "each item must be a mapping with 'id' and 'text' (or an image, qr, video or document)");
    return reading;
  }
  const std::size_t errors_before = yaml.error_count();
  const MappingFields fields(yaml, node, item_keys);
  Item item;
  item.where = yaml.mark_of(node);

  if (const auto value = fields.require("id", "item")) {
    if (const auto id = read_name(yaml, *value, "id")) item.id = *id;
  }

  const bool has_media = read_media(yaml, fields, media_folder, item, media_files);
  const bool plays_alone =
      item.media.kind == MediaKind::video || item.media.kind == MediaKind::document;
  const auto text_node = has_media ? fields.find("text") : fields.require("text", "item");
  if (text_node) {
    item.text_where = yaml.mark_of(*text_node);
    if (plays_alone) {
      yaml.error(*text_node, std::string("a ") +
                                 (item.media.kind == MediaKind::video ? "video" : "document") +
                                 " plays alone; give its text an item of its own");
    } else if (const auto text = read_text(yaml, *text_node, "text")) {
      if (text->empty()) yaml.error(*text_node, "text is empty");
      item.text = *text;
    }
  }
  if (const auto side = fields.find("side"); side && has_media && item.text.empty())
    yaml.warning(*side, "side places a picture beside the item's text, and this one has none");

  read_how_it_plays(yaml, fields, item);
  if (has_media && item.text.empty()) {
    for (const char* key : {"effect", "speed", "passes", "colour"})
      if (const auto value = fields.find(key))
        yaml.warning(*value,
                     std::string(key) + " applies to an item's text, and this one has none");
  }
  if (item.media.kind == MediaKind::video) {
    if (const auto value = fields.find("duration"))
      yaml.error(*value, "a video plays for its own length; leave duration out");
  }

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

std::string shown_text(const Item& item) {
  const Media& media = item.media;
  std::string named;
  switch (media.kind) {
    case MediaKind::none:
      return item.text;
    case MediaKind::image:
      named = "[Ảnh: " + media.file.filename().string() + "]";
      break;
    case MediaKind::qr:
      named = "[Mã QR: " + media.qr_text + "]";
      break;
    case MediaKind::video:
      named = "[Video: " + media.file.filename().string() + "]";
      break;
    case MediaKind::document:
      named = "[Tài liệu: " + media.file.filename().string() + "]";
      break;
  }
  return item.text.empty() ? named : named + " " + item.text;
}

FileStamp file_stamp(const std::filesystem::path& file) {
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (!std::filesystem::is_regular_file(status)) return {};
  FileStamp stamp;
  stamp.bytes = std::filesystem::file_size(file, error);
  if (error) return {};
  const auto modified = std::filesystem::last_write_time(file, error);
  if (error) return {};
  stamp.modified_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(modified.time_since_epoch()).count();
  return stamp;
}

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
