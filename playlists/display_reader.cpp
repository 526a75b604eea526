#include "display_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "config_paths.hpp"
#include "nearest_name.hpp"
#include "time_text.hpp"
#include "unicode_text.hpp"
#include "yaml_fields.hpp"

namespace bangtin::playlists_detail {
namespace {

using namespace std::chrono;

const std::vector<std::string> display_keys{"name",   "size",   "pixel",      "output", "link",
                                            "window", "groups", "fps",        "font",   "zones",
                                            "colour", "gamma",  "brightness", "glyphs", "memory"};
const std::vector<std::string> zone_keys{"name", "rect", "role", "text", "colour", "font"};
const std::vector<std::string> window_keys{"monitor", "fullscreen", "vsync", "size"};
const std::vector<std::string> brightness_step_keys{"from", "percent"};
const std::vector<std::string> pixel_format_names{"mono", "rgb565", "rgb888"};
// In the order of the enums they stand for.
const std::vector<std::string> output_names{"panel", "window"};
const std::vector<std::string> zone_role_names{"content", "title", "clock"};
const std::vector<std::string> glyph_names{"auto", "crisp", "smooth", "led"};

// Panels are chained modules of 32 or 64 pixels; a side longer than this is a typo that would
// otherwise allocate frames of gigabytes.
constexpr int largest_panel_side = 4096;
// Room for an 8K screen.
constexpr int largest_window_side = 8192;

constexpr double lowest_fps = 1;
constexpr double highest_fps = 120;

// "32MB", "1GB" (binary units, as `free -m` counts): the memory a display keeps drawn items in.
std::optional<std::size_t> read_memory(YamlFile& yaml, const YAML::Node& node) {
  const std::string problem = "memory must be a size from 1MB to 4096MB, e.g. 32MB (or 1GB to 4GB)";
  const auto text = read_text(yaml, node, "memory");
  if (!text) return std::nullopt;
  std::size_t digits = 0;
  while (digits < text->size() && std::isdigit(static_cast<unsigned char>((*text)[digits])))
    ++digits;
  const std::string unit = text->substr(digits);
  const std::size_t shift = unit == "MB" ? 20 : unit == "GB" ? 30 : 0;
  if (digits == 0 || digits > 4 || shift == 0) {
    yaml.error(node, problem);
    return std::nullopt;
  }
  const std::size_t bytes = std::stoul(text->substr(0, digits)) << shift;
  if (bytes < (std::size_t{1} << 20) || bytes > (std::size_t{4096} << 20)) {
    yaml.error(node, problem);
    return std::nullopt;
  }
  return bytes;
}

constexpr double lowest_gamma = 0.5;
constexpr double highest_gamma = 4;

constexpr std::string_view bad_percent = "percent must be a whole number from 0 to 100";
constexpr std::string_view brightness_form =
    "brightness must be a percentage from 0 to 100, or a list of steps such as "
    "[{from: \"06:00\", percent: 100}, {from: \"18:30\", percent: 40}]";
constexpr std::string_view rect_form =
    "rect must be X,Y,WIDTH,HEIGHT in pixels from the display's top left, e.g. \"0,0,128,12\"";

// Sides written as digits only; each saturates just past `largest` so that too large is told
// apart from malformed without overflowing.
class DigitReader {
 public:
  explicit DigitReader(std::string_view text) : text_(text) {}

  std::optional<int> take_number(int largest) {
    int value = 0;
    std::size_t digits = 0;
    while (digits < text_.size() && text_[digits] >= '0' && text_[digits] <= '9') {
      value = std::min(value * 10 + (text_[digits] - '0'), largest + 1);
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    text_.remove_prefix(digits);
    return value;
  }
  bool take(char c) {
    if (text_.empty() || text_.front() != c) return false;
    text_.remove_prefix(1);
    return true;
  }
  void skip_spaces() {
    while (!text_.empty() && text_.front() == ' ') text_.remove_prefix(1);
  }
  bool at_end() const { return text_.empty(); }

 private:
  std::string_view text_;
};

// "128x32" -> {128, 32}; digits only, so "128 x 32", "+128x32" and "128x32px" are all refused.
std::optional<std::pair<int, int>> parse_size(std::string_view text, int largest) {
  DigitReader reader(text);
  const auto width = reader.take_number(largest);
  if (!width || !(reader.take('x') || reader.take('X'))) return std::nullopt;
  const auto height = reader.take_number(largest);
  if (!height || !reader.at_end()) return std::nullopt;
  return std::pair{*width, *height};
}

// `size:` of a display or a window.
std::optional<std::pair<int, int>> read_size(YamlFile& yaml, const YAML::Node& node,
                                             std::string_view example, int largest) {
  const std::string bad_size = "size must be WIDTHxHEIGHT, e.g. " + std::string(example);
  const auto text = read_scalar(yaml, node, bad_size);
  if (!text) return std::nullopt;
  const auto size = parse_size(*text, largest);
  if (!size || size->first < 1 || size->second < 1) {
    yaml.error(node, bad_size);
    return std::nullopt;
  }
  if (size->first > largest || size->second > largest) {
    yaml.error(node, "size " + *text + " is too large; a side can be at most " +
                         std::to_string(largest) + " pixels");
    return std::nullopt;
  }
  return size;
}

// "0,12,128,20": x, y, width, height. Spaces may follow the commas.
std::optional<Rect> parse_rect(std::string_view text) {
  DigitReader reader(trim_spaces(text));
  std::array<int, 4> numbers{};
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (i > 0) {
      reader.skip_spaces();
      if (!reader.take(',')) return std::nullopt;
      reader.skip_spaces();
    }
    const auto number = reader.take_number(largest_panel_side);
    if (!number) return std::nullopt;
    numbers[i] = *number;
  }
  if (!reader.at_end()) return std::nullopt;
  return Rect{numbers[0], numbers[1], numbers[2], numbers[3]};
}

std::string rect_text(const Rect& rect) {
  return std::to_string(rect.x) + "," + std::to_string(rect.y) + "," + std::to_string(rect.width) +
         "," + std::to_string(rect.height);
}

std::string size_text(const DisplayConfig& display) {
  return std::to_string(display.width) + "x" + std::to_string(display.height);
}

// Whether a zone's rect lies inside the display, reporting at `node` why not.
bool rect_fits_display(YamlFile& yaml, const YAML::Node& node, const Rect& rect,
                       const DisplayConfig& display) {
  if (rect.empty()) {
    yaml.error(node,
               "rect " + rect_text(rect) + " is empty; its width and height must be at least 1");
    return false;
  }
  // Without a good size there is nothing to check against; the size's error says why.
  if (display.width <= 0 || display.height <= 0) return false;
  // Numbers past the largest side were cut short when read; show them as written.
  if (std::max({rect.x, rect.y, rect.width, rect.height}) > largest_panel_side) {
    yaml.error(node, "rect " + std::string(trim_spaces(node.Scalar())) + " is not inside the " +
                         size_text(display) + " display");
    return false;
  }
  std::vector<std::string> overflows;
  if (rect.right() > display.width)
    overflows.push_back("columns " + std::to_string(rect.x) + " to " +
                        std::to_string(rect.right() - 1) + " (the display has 0 to " +
                        std::to_string(display.width - 1) + ")");
  if (rect.bottom() > display.height)
    overflows.push_back("rows " + std::to_string(rect.y) + " to " +
                        std::to_string(rect.bottom() - 1) + " (the display has 0 to " +
                        std::to_string(display.height - 1) + ")");
  if (overflows.empty()) return true;
  yaml.error(node, "rect " + rect_text(rect) + " is not inside the " + size_text(display) +
                       " display: it covers " + overflows.front() +
                       (overflows.size() > 1 ? " and " + overflows.back() : ""));
  return false;
}

// `font:` of a display or a zone: resolved against the config's directory. A file that is not
// there is only a warning: a config is often checked on a machine other than the board's.
std::optional<std::string> read_font(YamlFile& yaml, const YAML::Node& node,
                                     const std::filesystem::path& config_directory) {
  const auto text = read_scalar(yaml, node, "font must be the path of a font file");
  if (!text) return std::nullopt;
  const std::string_view written = trim_spaces(*text);
  if (written.empty()) return std::string();
  const auto font = resolve_against(config_directory, std::filesystem::path(written));
  std::error_code error;
  if (!std::filesystem::exists(font, error))
    yaml.warning(node, "font file '" + font.string() + "' does not exist");
  return font.string();
}

std::optional<int> read_percent(YamlFile& yaml, const YAML::Node& node,
                                std::string_view wrong_type) {
  const auto percent = read_whole_number(yaml, node, wrong_type);
  if (percent && (*percent < 0 || *percent > 100)) {
    yaml.error(node, std::string(wrong_type));
    return std::nullopt;
  }
  return percent;
}

// One `{from: "18:30", percent: 40}`, with where its `from` is for later messages. (Marks, not
// nodes: assigning to a yaml-cpp node that refers to one already rewrites the document.)
struct ReadStep {
  BrightnessStep step;
  SourceMark from_where;
};

std::optional<ReadStep> read_brightness_step(YamlFile& yaml, const YAML::Node& node) {
  if (!node.IsMap()) {
    yaml.error(node,
               "each brightness step must be a mapping such as {from: \"18:30\", percent: 40}");
    return std::nullopt;
  }
  const std::size_t errors_before = yaml.error_count();
  const MappingFields fields(yaml, node, brightness_step_keys);
  ReadStep read;
  if (const auto value = fields.require("from", "brightness step")) {
    read.from_where = yaml.mark_of(*value);
    if (const auto text =
            read_scalar(yaml, *value, "from must be a time of day such as \"18:30\"")) {
      const auto time = parse_time_of_day(*text);
      if (time.value)
        read.step.from = *time.value;
      else
        yaml.error(yaml.mark_within(*value, time.offset), time.problem);
    }
  }
  if (const auto value = fields.require("percent", "brightness step")) {
    if (const auto percent = read_percent(yaml, *value, bad_percent)) read.step.percent = *percent;
  }
  if (yaml.error_count() != errors_before) return std::nullopt;
  return read;
}

// `brightness: 60`, or steps through the day.
std::optional<std::vector<BrightnessStep>> read_brightness(YamlFile& yaml, const YAML::Node& node) {
  std::vector<BrightnessStep> steps;
  if (node.IsScalar()) {
    const auto percent =
        read_percent(yaml, node, "brightness must be a whole number from 0 to 100 (percent)");
    if (!percent) return std::nullopt;
    if (*percent == 0) yaml.warning(node, "brightness 0 leaves the board dark all day");
    return std::vector<BrightnessStep>{BrightnessStep{minutes(0), *percent}};
  }
  if (!node.IsSequence()) {
    yaml.error(node, std::string(brightness_form));
    return std::nullopt;
  }
  if (node.size() == 0) {
    yaml.error(node, "brightness is empty; leave it out for 100 % all day");
    return std::nullopt;
  }
  std::vector<ReadStep> read_steps;
  bool all_good = true;
  for (const auto& element : node) {
    auto read = read_brightness_step(yaml, element);
    if (!read) {
      all_good = false;
      continue;
    }
    const auto same_time = std::find_if(read_steps.begin(), read_steps.end(), [&](const auto& o) {
      return o.step.from == read->step.from;
    });
    if (same_time != read_steps.end()) {
      yaml.error(read->from_where, "brightness already changes at " +
                                       time_of_day_text(read->step.from) + " (line " +
                                       std::to_string(same_time->from_where.line) + ")");
      all_good = false;
      continue;
    }
    read_steps.push_back(std::move(*read));
  }
  if (!all_good) return std::nullopt;
  for (const auto& read : read_steps) steps.push_back(read.step);
  std::sort(steps.begin(), steps.end(),
            [](const BrightnessStep& a, const BrightnessStep& b) { return a.from < b.from; });
  if (std::all_of(steps.begin(), steps.end(), [](const auto& step) { return step.percent == 0; }))
    yaml.warning(node, "every brightness step is 0: the board is dark all day");
  return steps;
}

// `window: {monitor: 0, fullscreen: true, vsync: true, size: 1920x1080}`.
std::optional<WindowOptions> read_window(YamlFile& yaml, const YAML::Node& node) {
  if (!node.IsMap()) {
    yaml.error(node,
               "window must be a mapping such as {monitor: 0, fullscreen: true, vsync: true}");
    return std::nullopt;
  }
  const std::size_t errors_before = yaml.error_count();
  const MappingFields fields(yaml, node, window_keys);
  WindowOptions window;
  if (const auto value = fields.find("monitor")) {
    constexpr std::string_view bad_monitor =
        "monitor must be a whole number, 0 for the first monitor";
    if (const auto monitor = read_whole_number(yaml, *value, bad_monitor)) {
      if (*monitor < 0)
        yaml.error(*value, std::string(bad_monitor));
      else
        window.monitor = *monitor;
    }
  }
  if (const auto value = fields.find("fullscreen")) {
    if (const auto fullscreen = read_bool(yaml, *value, "fullscreen must be true or false"))
      window.fullscreen = *fullscreen;
  }
  if (const auto value = fields.find("vsync")) {
    if (const auto vsync = read_bool(yaml, *value, "vsync must be true or false"))
      window.vsync = *vsync;
  }
  if (const auto value = fields.find("size")) {
    if (const auto size = read_size(yaml, *value, "1920x1080", largest_window_side)) {
      std::tie(window.width, window.height) = *size;
      if (window.fullscreen)
        yaml.warning(*value,
                     "size is used only with fullscreen: false; a fullscreen window takes the "
                     "monitor's own resolution");
    }
  }
  if (yaml.error_count() != errors_before) return std::nullopt;
  return window;
}

// "zone 'title'", or "the title zone" for a zone without a name.
std::string zone_label(const ZoneConfig& zone) {
  if (!zone.name.empty()) return "zone '" + zone.name + "'";
  return "the " + zone_role_names[static_cast<std::size_t>(zone.role)] + " zone";
}

// A zone read, with where later checks point.
struct ReadZone {
  ZoneConfig zone;
  SourceMark role_where;   // its `role:`, or the zone itself when it is content by default
  bool rect_fits = false;  // its rect was read and lies inside the display
};

std::optional<ReadZone> read_zone(YamlFile& yaml, const YAML::Node& node,
                                  const DisplayConfig& display,
                                  const std::filesystem::path& config_directory) {
  if (!node.IsMap()) {
    yaml.error(node, "each zone must be a mapping with 'rect' and 'role'");
    return std::nullopt;
  }
  const std::size_t errors_before = yaml.error_count();
  const MappingFields fields(yaml, node, zone_keys);
  ReadZone read;
  ZoneConfig& zone = read.zone;
  zone.where = yaml.mark_of(node);
  read.role_where = zone.where;

  if (const auto value = fields.find("name")) {
    if (const auto name = read_name(yaml, *value, "name")) zone.name = *name;
  }

  if (const auto value = fields.require("rect", "zone")) {
    const auto text = read_scalar(yaml, *value, rect_form);
    const auto rect = text ? parse_rect(*text) : std::nullopt;
    if (text && !rect) yaml.error(*value, std::string(rect_form));
    if (rect) {
      zone.rect = *rect;
      read.rect_fits = rect_fits_display(yaml, *value, *rect, display);
    }
  }

  bool role_known = true;
  if (const auto value = fields.find("role")) {
    read.role_where = yaml.mark_of(*value);
    const auto role =
        read_choice(yaml, *value, {"role", "zone role", "zone roles"}, zone_role_names);
    if (role)
      zone.role = static_cast<ZoneRole>(*role);
    else
      role_known = false;
  }

  // Only a title shows text of its own; the others' text comes from the playlists or the clock.
  if (role_known && zone.role == ZoneRole::title) {
    if (const auto value = fields.require("text", "title zone")) {
      if (const auto text = read_text(yaml, *value, "text")) {
        if (text->empty()) yaml.error(*value, "text is empty; a title zone shows its text");
        zone.text = *text;
      }
    }
  } else if (const auto value = fields.find("text"); value && role_known) {
    yaml.error(*value, zone.role == ZoneRole::clock
                           ? "a clock zone shows the time and date and takes no text; for fixed "
                             "text use role: title"
                           : "a content zone shows the playlists' items and takes no text; for "
                             "fixed text use role: title");
  }

  if (const auto value = fields.find("colour")) zone.colour = read_colour(yaml, *value);
  if (const auto value = fields.find("font")) {
    if (auto font = read_font(yaml, *value, config_directory)) zone.font = std::move(*font);
  }

  if (yaml.error_count() != errors_before) return std::nullopt;
  return read;
}

// `zones:`: a list of zones that tile part or all of the display, one of them the content zone.
std::optional<std::vector<ZoneConfig>> read_zones(YamlFile& yaml, const YAML::Node& node,
                                                  const DisplayConfig& display,
                                                  const std::filesystem::path& config_directory) {
  if (!node.IsSequence()) {
    yaml.error(node, "zones must be a list of zones, each with 'rect' and 'role'");
    return std::nullopt;
  }
  if (node.size() == 0) {
    yaml.error(node, "zones is empty; leave it out for one content zone covering the display");
    return std::nullopt;
  }
  const std::size_t errors_before = yaml.error_count();
  std::vector<ReadZone> zones;
  const ReadZone* content = nullptr;
  for (const auto& zone_node : node) {
    auto read = read_zone(yaml, zone_node, display, config_directory);
    if (!read) continue;
    const ZoneConfig& zone = read->zone;
    if (!zone.name.empty()) {
      const auto same_name = std::find_if(zones.begin(), zones.end(), [&](const ReadZone& other) {
        return other.zone.name == zone.name;
      });
      if (same_name != zones.end()) {
        yaml.error(zone_node["name"], "duplicate zone name '" + zone.name + "' (first at line " +
                                          std::to_string(same_name->zone.where.line) + ")");
        continue;
      }
    }
    if (read->rect_fits) {
      const auto overlapping = std::find_if(zones.begin(), zones.end(), [&](const ReadZone& other) {
        return other.rect_fits && !zone.rect.intersection(other.zone.rect).empty();
      });
      if (overlapping != zones.end()) {
        const ZoneConfig& other = overlapping->zone;
        yaml.error(zone_node["rect"],
                   "rect " + rect_text(zone.rect) + " overlaps " + zone_label(other) + " at line " +
                       std::to_string(other.where.line) + " (" + rect_text(other.rect) + ")");
        continue;
      }
    }
    zones.push_back(std::move(*read));
  }
  for (const ReadZone& read : zones) {
    if (read.zone.role != ZoneRole::content) continue;
    if (content) {
      yaml.error(read.role_where, "a second content zone (the first is at line " +
                                      std::to_string(content->zone.where.line) +
                                      "); a display has exactly one");
    } else {
      content = &read;
    }
  }
  // When zones had errors, the content zone may be among them; saying it is missing would be
  // a second message about the same mistake.
  if (!content && yaml.error_count() == errors_before)
    yaml.error(node,
               "zones has no content zone; give the zone where the playlists play role: content");
  if (yaml.error_count() != errors_before) return std::nullopt;
  std::vector<ZoneConfig> result;
  for (auto& read : zones) result.push_back(std::move(read.zone));
  return result;
}

// Where the display's frames go: `output`, then the `link` a panel needs or the `window` a
// lobby screen opens, each refused where the other output wants it.
void read_destination(YamlFile& yaml, const MappingFields& fields, DisplayConfig& display) {
  bool output_known = true;
  if (const auto value = fields.find("output")) {
    const auto output = read_choice(yaml, *value, {"output", "output", "outputs"}, output_names);
    if (output)
      display.output = static_cast<DisplayOutput>(*output);
    else
      output_known = false;  // whether it needs a link or a window cannot be told
  }

  if (output_known && display.output == DisplayOutput::window) {
    if (const auto value = fields.find("link"))
      yaml.error(*value,
                 "a display with output: window has no link; remove 'link', or set "
                 "output: panel for an LED panel");
    if (const auto value = fields.find("window")) {
      if (const auto window = read_window(yaml, *value)) display.window = *window;
    }
  } else {
    const auto link = output_known ? fields.require("link", "display") : fields.find("link");
    if (link) {
      if (const auto text = read_scalar(yaml, *link, "link must be a panel address")) {
        display.link = trim_spaces(*text);
        if (display.link.empty())
          yaml.error(*link,
                     "link is empty; give the panel's address, e.g. "
                     "modbus-tcp://127.0.0.1:1502?unit=1");
      }
    }
    if (const auto value = fields.find("window"); value && output_known)
      yaml.error(*value,
                 "window is for displays with output: window; this one drives an LED panel "
                 "through its link");
  }
}

// How the display's text looks: font, colour, gamma, brightness steps and glyph style.
void read_look(YamlFile& yaml, const MappingFields& fields,
               const std::filesystem::path& config_directory, DisplayConfig& display) {
  if (const auto value = fields.find("font")) {
    if (auto font = read_font(yaml, *value, config_directory)) display.font = std::move(*font);
  }

  if (const auto value = fields.find("colour")) display.colour = read_colour(yaml, *value);

  if (const auto value = fields.find("gamma")) {
    constexpr std::string_view bad_gamma = "gamma must be a number from 0.5 to 4";
    if (const auto gamma = read_number(yaml, *value, bad_gamma)) {
      if (*gamma < lowest_gamma || *gamma > highest_gamma)
        yaml.error(*value, std::string(bad_gamma));
      else
        display.gamma = *gamma;
    }
  }

  if (const auto value = fields.find("brightness")) {
    if (auto steps = read_brightness(yaml, *value)) display.brightness = std::move(*steps);
  }

  if (const auto value = fields.find("glyphs")) {
    if (const auto glyphs =
            read_choice(yaml, *value, {"glyphs", "glyph style", "glyph styles"}, glyph_names))
      display.glyphs = static_cast<GlyphStyle>(*glyphs);
  }
}

}  // namespace

DisplayReading read_display(YamlFile& yaml, const YAML::Node& node,
                            const std::filesystem::path& config_directory) {
  if (!node.IsMap()) {
    yaml.error(node, "each display must be a mapping with 'name', 'size' and 'link'");
    return {};
  }
  const std::size_t errors_before = yaml.error_count();
  const MappingFields fields(yaml, node, display_keys);
  DisplayConfig display;
  display.where = yaml.mark_of(node);

  if (const auto value = fields.require("name", "display")) {
    if (const auto name = read_name(yaml, *value, "name")) {
      if (*name == every_display)
        yaml.error(*value, "'all' means every display in targets; give the display another name");
      display.name = *name;
    }
  }

  if (const auto value = fields.require("size", "display")) {
    if (const auto size = read_size(yaml, *value, "128x32", largest_panel_side))
      std::tie(display.width, display.height) = *size;
  }

  if (const auto value = fields.find("pixel")) {
    if (const auto text = read_scalar(yaml, *value, "pixel must be mono, rgb565 or rgb888")) {
      if (const auto format = parse_pixel_format(*text)) {
        display.pixel = *format;
      } else {
        const std::string suggestion = did_you_mean(*text, pixel_format_names);
        yaml.error(*value,
                   "unknown pixel format '" + *text + "'" +
                       (suggestion.empty() ? " (expected mono, rgb565 or rgb888)" : suggestion));
      }
    }
  }

  read_destination(yaml, fields, display);

  if (const auto value = fields.find("groups")) {
    if (const auto groups = read_name_list(yaml, *value, "groups",
                                           "groups must be a list of group names, e.g. [street]")) {
      for (const auto& group : *groups) {
        if (group.name == every_display)
          yaml.error(group.node, "'all' means every display in targets; it cannot be a group");
        display.groups.push_back(group.name);
      }
    }
  }

  if (const auto value = fields.find("fps")) {
    if (const auto fps = read_number(yaml, *value, "fps must be a number of frames per second")) {
      if (*fps < lowest_fps || *fps > highest_fps)
        yaml.error(*value, "fps must be from 1 to 120");
      else
        display.fps = *fps;
    }
  }

  if (const auto value = fields.find("memory")) {
    if (const auto bytes = read_memory(yaml, *value)) display.memory_bytes = *bytes;
  }

  read_look(yaml, fields, config_directory, display);

  if (const auto value = fields.find("zones")) {
    if (auto zones = read_zones(yaml, *value, display, config_directory))
      display.zones = std::move(*zones);
  } else if (display.width > 0 && display.height > 0) {
    ZoneConfig whole;
    whole.rect = Rect{0, 0, display.width, display.height};
    whole.where = display.where;
    display.zones.push_back(std::move(whole));
  }

  return DisplayReading{std::move(display), yaml.error_count() == errors_before};
}

}  // namespace bangtin::playlists_detail
