// The two file formats an operator writes: the daemon config and playlists. Each reader walks
// the whole file, reporting every problem at its node, and keeps whatever parts were good.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <system_error>

#include "bangtin/playlists.hpp"
#include "config_paths.hpp"
#include "display_reader.hpp"
#include "fleet_reader.hpp"
#include "item_reader.hpp"
#include "nearest_name.hpp"
#include "programme_checks.hpp"
#include "schedule_fields.hpp"
#include "unicode_text.hpp"
#include "yaml_fields.hpp"
#include "yaml_file.hpp"

namespace bangtin {

using playlists_detail::did_you_mean;
using playlists_detail::every_display;
using playlists_detail::MappingFields;
using playlists_detail::read_name;
using playlists_detail::read_scalar;
using playlists_detail::read_text;
using playlists_detail::resolve_against;
using playlists_detail::trim_spaces;
using playlists_detail::YamlFile;

namespace {

const std::vector<std::string> config_keys{"timezone", "playlists", "state", "idle",
                                           "holidays", "console",   "fleet", "displays"};
const std::vector<std::string> console_keys{"listen", "tls", "allow-plain-http"};
const std::vector<std::string> tls_keys{"cert", "key"};
const std::vector<std::string> idle_keys{"text"};
const std::vector<std::string> playlist_keys{"playlist", "title", "items"};

void read_displays(YamlFile& yaml, const YAML::Node& node, Config& config) {
  if (!node.IsSequence()) {
    yaml.error(node, "displays must be a list of displays");
    return;
  }
  if (node.size() == 0) {
    yaml.error(node, "displays is empty; list at least one display");
    return;
  }
  const auto config_directory = config.file.parent_path();
  for (const auto& display_node : node) {
    auto [display, good] = playlists_detail::read_display(yaml, display_node, config_directory);
    if (display.name.empty()) continue;  // nothing can name it; its errors are reported
    // Clang 14 cannot capture a structured binding, so the lambda names what it compares.
    const auto same_name = [&name = display.name](const DisplayConfig& other) {
      return other.name == name;
    };
    const DisplayConfig* earlier = nullptr;
    for (const auto* displays : {&config.displays, &config.displays_with_errors}) {
      const auto found = std::find_if(displays->begin(), displays->end(), same_name);
      if (found != displays->end() && (!earlier || found->where.line < earlier->where.line))
        earlier = &*found;
    }
    if (earlier) {
      yaml.error(display_node["name"], "duplicate display name '" + display.name +
                                           "' (first at line " +
                                           std::to_string(earlier->where.line) + ")");
      continue;
    }
    (good ? config.displays : config.displays_with_errors).push_back(std::move(display));
  }
}

// Every name a target may use: "all", the displays and their groups.
std::vector<std::string> target_names(const Config& config) {
  std::vector<std::string> names{std::string(every_display)};
  const auto add = [&](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const auto* displays : {&config.displays, &config.displays_with_errors}) {
    for (const auto& display : *displays) {
      add(display.name);
      for (const auto& group : display.groups) add(group);
    }
  }
  return names;
}

void read_items(YamlFile& yaml, const YAML::Node& node, const Config* config,
                const RenderChecks& checks, std::vector<Diagnostic>& diagnostics,
                Playlist& playlist) {
  if (!node.IsSequence()) {
    yaml.error(node, "items must be a list of items, each with 'id' and 'text'");
    return;
  }
  if (node.size() == 0) yaml.warning(node, "playlist has no items");

  std::optional<std::vector<std::string>> known_targets;
  if (config && !is_from_fleet(playlist.file, *config)) known_targets = target_names(*config);
  std::vector<int> id_lines;  // parallel to playlist.items, for pointing back at the first use
  const std::chrono::minutes utc_offset = config ? config->utc_offset : std::chrono::minutes(0);
  for (const auto& item_node : node) {
    auto [item, never_plays_reported] = playlists_detail::read_item(
        yaml, item_node, known_targets ? &*known_targets : nullptr, utc_offset,
        media_folder(playlist.file, config), playlist.media_files);
    if (!item) continue;
    item->playlist = playlist.name;
    const auto earlier =
        std::find_if(playlist.items.begin(), playlist.items.end(),
                     [&id = item->id](const Item& other) { return other.id == id; });
    if (earlier != playlist.items.end()) {
      const auto first_line = id_lines[static_cast<std::size_t>(earlier - playlist.items.begin())];
      yaml.error(item_node["id"], "duplicate item id '" + item->id + "' (first at line " +
                                      std::to_string(first_line) + ")");
      continue;
    }
    id_lines.push_back(yaml.mark_of(item_node["id"]).line);
    if (config)
      playlists_detail::check_item(*item, never_plays_reported, *config, checks, diagnostics);
    playlist.items.push_back(std::move(*item));
  }
}

// `state:`, where the daemon keeps proof of play and last-good playlists. The daemon creates it;
// here it only must not be something else already.
void read_state(YamlFile& yaml, const std::optional<YAML::Node>& node, Config& config) {
  std::string written = "state";
  if (node) {
    const auto text = read_scalar(yaml, *node, "state must be the path of a directory");
    if (!text) return;
    written = std::string(trim_spaces(*text));
    if (written.empty()) {
      yaml.error(*node, "state is empty; leave it out for state/ beside the config");
      return;
    }
  }
  config.state = resolve_against(config.file.parent_path(), written);
  std::error_code error;
  const auto status = std::filesystem::status(config.state, error);
  if (std::filesystem::exists(status) && !std::filesystem::is_directory(status)) {
    const std::string message = "state path '" + config.state.string() + "' is not a directory";
    if (node)
      yaml.error(*node, message);
    else
      yaml.error(SourceMark{config.file, 0, 0}, "no 'state' key, and the default " + message);
  }
}

// `idle: clock`, or `idle: {text: "..."}`.
void read_idle(YamlFile& yaml, const YAML::Node& node, Config& config) {
  constexpr std::string_view idle_form = "idle must be clock or {text: \"...\"}";
  if (node.IsScalar()) {
    const std::string_view written = trim_spaces(node.Scalar());
    if (written == "clock") return;
    const std::string suggestion = did_you_mean(written, {"clock", "text"});
    yaml.error(node, "unknown idle content '" + std::string(written) + "'" +
                         (suggestion.empty() ? " (" + std::string(idle_form) + ")" : suggestion));
    return;
  }
  if (!node.IsMap()) {
    yaml.error(node, std::string(idle_form));
    return;
  }
  const MappingFields fields(yaml, node, idle_keys);
  if (const auto value = fields.require("text", "idle")) {
    if (const auto text = read_text(yaml, *value, "text")) {
      if (text->empty()) {
        yaml.error(*value, "text is empty; write idle: clock to show the time instead");
        return;
      }
      config.idle = IdleContent{IdleContent::Kind::text, *text, yaml.mark_of(*value)};
    }
  }
}

// "127.0.0.1:8080", "0.0.0.0:8443", "[::1]:8080": an address literal (no host names: what the
// console listens on must not depend on a name server) and a port.
bool read_listen(YamlFile& yaml, const YAML::Node& node, ConsoleConfig& console) {
  constexpr std::string_view form =
      "listen must be ADDRESS:PORT, such as 127.0.0.1:8080, 0.0.0.0:8443 or [::1]:8080";
  const auto text = read_scalar(yaml, node, form);
  if (!text) return false;
  const std::string_view written = trim_spaces(*text);
  const std::size_t colon = written.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == written.size()) {
    yaml.error(node, std::string(form));
    return false;
  }
  std::string host(written.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string_view port_text = written.substr(colon + 1);
  int port = 0;
  for (const char c : port_text) {
    port = c >= '0' && c <= '9' && port <= 65535 ? port * 10 + (c - '0') : 70000;
  }
  // Port 0: one the system picks, said in the log (for tests and for trying things out).
  if (port_text.empty() || port > 65535) {
    yaml.error(node, "console port '" + std::string(port_text) + "' must be 0 to 65535");
    return false;
  }
  if (!is_ip_address(host)) {
    yaml.error(node, "console address '" + host +
                         "' must be an IP address such as 127.0.0.1, 0.0.0.0 or ::1 (not a name)");
    return false;
  }
  console.host = host;
  console.port = port;
  return true;
}

// `console: {listen: ..., tls: {cert: ..., key: ...}, allow-plain-http: true}`.
std::optional<ConsoleConfig> read_console(YamlFile& yaml, const YAML::Node& node,
                                          const std::filesystem::path& config_directory) {
  if (!node.IsMap()) {
    yaml.error(node, "console must be a mapping such as {listen: 127.0.0.1:8080}");
    return std::nullopt;
  }
  ConsoleConfig console;
  console.where = yaml.mark_of(node);
  bool good = true;
  const MappingFields fields(yaml, node, console_keys);
  if (const auto value = fields.find("listen")) good = read_listen(yaml, *value, console) && good;
  if (const auto value = fields.find("allow-plain-http")) {
    const auto allowed =
        playlists_detail::read_bool(yaml, *value, "allow-plain-http must be true or false");
    good = allowed.has_value() && good;
    console.plain_http_beyond_loopback = allowed.value_or(false);
  }
  if (const auto tls = fields.find("tls")) {
    if (!tls->IsMap()) {
      yaml.error(*tls, "tls must be a mapping such as {cert: console.crt, key: console.key}");
      return std::nullopt;
    }
    const MappingFields files(yaml, *tls, tls_keys);
    for (const auto& [key, path] :
         {std::pair{"cert", &console.tls_certificate}, std::pair{"key", &console.tls_key}}) {
      const auto value = files.require(key, "tls");
      const auto text =
          value ? read_scalar(yaml, *value, std::string(key) + " must be the path of a PEM file")
                : std::nullopt;
      if (!text || trim_spaces(*text).empty()) {
        good = false;
        continue;
      }
      *path = resolve_against(config_directory, std::string(trim_spaces(*text)));
      std::error_code error;
      if (!std::filesystem::is_regular_file(*path, error)) {
        yaml.error(*value, std::string(key == std::string_view("cert") ? "certificate" : "key") +
                               " file '" + path->string() + "' does not exist");
        good = false;
      }
    }
  }
  if (good && !console.tls() && !console.plain_http_beyond_loopback &&
      !is_loopback_address(console.host)) {
    yaml.error(node, "console on " + console.host +
                         " without tls: passwords and session cookies would cross the network "
                         "readable; add tls: {cert: ..., key: ...}, or allow-plain-http: true "
                         "on a network you trust");
    good = false;
  }
  if (!good) return std::nullopt;
  return console;
}

}  // namespace

bool is_ip_address(std::string_view text) {
  const std::string host(text);
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

bool is_loopback_address(std::string_view text) {
  const std::string host(text);
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Loaded<FleetConfig> load_fleet_connection(const std::filesystem::path& file) {
  Loaded<FleetConfig> result;
  auto yaml = YamlFile::load(file, result.diagnostics);
  if (!yaml) return result;
  const YAML::Node& root = yaml->root();
  if (!root.IsMap() || !root["fleet"]) {
    yaml->error(root, "a publisher's file must be a mapping with 'fleet', as in a daemon config");
    return result;
  }
  result.value = playlists_detail::read_fleet(*yaml, root["fleet"], file.parent_path());
  if (!result.value && !has_errors(result.diagnostics))
    yaml->error(root["fleet"], "fleet cannot be read");
  return result;
}

Loaded<Config> load_config(const std::filesystem::path& file) {
  Loaded<Config> result;
  auto yaml = YamlFile::load(file, result.diagnostics);
  if (!yaml) return result;
  const YAML::Node& root = yaml->root();
  if (!root.IsMap()) {
    yaml->error(root, "a config must be a mapping with 'timezone', 'playlists' and 'displays'");
    return result;
  }

  Config config;
  config.file = file;
  const auto config_directory = file.parent_path();
  const MappingFields fields(*yaml, root, config_keys);

  if (const auto value = fields.find("timezone")) {
    constexpr std::string_view bad_timezone =
        "timezone must be an offset from UTC such as \"+07:00\", \"Z\" or \"UTC\"";
    if (const auto text = read_scalar(*yaml, *value, bad_timezone)) {
      if (const auto offset = parse_utc_offset(trim_spaces(*text)))
        config.utc_offset = *offset;
      else
        yaml->error(*value, std::string(bad_timezone));
    }
  }

  // Without the key, playlists/ beside the config, as in the examples.
  std::optional<YAML::Node> playlists_node = fields.find("playlists");
  std::string written_playlists = "playlists";
  if (playlists_node) {
    const auto text =
        read_scalar(*yaml, *playlists_node, "playlists must be the path of a directory or a file");
    written_playlists = text ? std::string(trim_spaces(*text)) : "";
    if (text && written_playlists.empty()) yaml->error(*playlists_node, "playlists is empty");
  }
  if (!written_playlists.empty()) {
    config.playlists = resolve_against(config_directory, written_playlists);
    std::error_code error;
    if (!std::filesystem::exists(config.playlists, error)) {
      const std::string message = "playlists path '" + config.playlists.string() +
                                  "' does not exist" + (error ? " (" + error.message() + ")" : "");
      if (playlists_node)
        yaml->error(*playlists_node, message);
      else
        yaml->error(SourceMark{file, 0, 0}, "no 'playlists' key, and the default " + message);
    }
  }

  read_state(*yaml, fields.find("state"), config);
  if (const auto value = fields.find("idle")) read_idle(*yaml, *value, config);
  if (const auto value = fields.find("holidays")) {
    if (auto holidays = playlists_detail::read_holiday_adjustments(*yaml, *value))
      config.holidays = std::move(*holidays);
  }

  if (const auto value = fields.find("console"))
    config.console = read_console(*yaml, *value, config_directory);
  if (const auto value = fields.find("fleet"))
    config.fleet = playlists_detail::read_fleet(*yaml, *value, config_directory);
  if (const auto value = fields.require("displays", "config")) read_displays(*yaml, *value, config);

  result.value = std::move(config);
  return result;
}

std::filesystem::path media_folder(const std::filesystem::path& playlist_file,
                                   const Config* config) {
  if (config && !config->playlists.empty()) {
    std::error_code error;
    if (std::filesystem::is_directory(config->playlists, error)) return config->playlists;
    return config->playlists.parent_path();
  }
  return playlist_file.parent_path();
}

Loaded<Playlist> load_playlist(const std::filesystem::path& file, const Config* config,
                               const RenderChecks& checks) {
  Loaded<Playlist> result;
  auto yaml = YamlFile::load(file, result.diagnostics);
  if (!yaml) return result;
  const YAML::Node& root = yaml->root();
  if (!root.IsMap()) {
    yaml->error(root, "a playlist must be a mapping with 'playlist', 'title' and 'items'");
    return result;
  }

  Playlist playlist;
  playlist.file = file;
  playlist.source_bytes = yaml->bytes();
  const MappingFields fields(*yaml, root, playlist_keys);
  if (const auto value = fields.require("playlist", "playlist file")) {
    if (const auto name = read_name(*yaml, *value, "playlist")) playlist.name = *name;
  }
  if (const auto value = fields.find("title")) {
    if (const auto title = read_text(*yaml, *value, "title")) playlist.title = *title;
  }
  if (const auto value = fields.require("items", "playlist file"))
    read_items(*yaml, *value, config, checks, result.diagnostics, playlist);

  result.value = std::move(playlist);
  return result;
}

}  // namespace bangtin
