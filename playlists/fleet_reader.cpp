#include "fleet_reader.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "config_paths.hpp"
#include "unicode_text.hpp"
#include "yaml_fields.hpp"

namespace bangtin::playlists_detail {
namespace {

const std::vector<std::string> fleet_keys{"broker", "site",  "groups",    "credentials",
                                          "tls",    "trust", "keepalive", "allow-plain-mqtt"};
const std::vector<std::string> credentials_keys{"username", "password-file"};
const std::vector<std::string> fleet_tls_keys{"ca", "cert", "key"};

// libmosquitto refuses a keep-alive under 5 s; an hour is already a controller nobody hears of.
constexpr int lowest_keepalive = 5;
constexpr int highest_keepalive = 3600;
constexpr std::size_t longest_name = 64;
// Topic levels of their own under bangtin/v1/: a site called so would be given the notices and
// playlists of the whole fleet by the usual ACL, write access to bangtin/v1/<site>/#.
constexpr std::array<std::string_view, 3> reserved_site_names{"all", "sites", "groups"};

constexpr std::string_view broker_form =
    "broker must be mqtts://HOST:PORT, such as mqtts://broker.tinh.example:8883 (or "
    "mqtt://127.0.0.1:1883 on this machine)";

// Why `name` cannot be a site or group name, or nothing when it can. Names are levels of MQTT
// topics and ACL patterns: `+`, `#`, `/` or a space in one would change what they match.
std::optional<std::string> name_problem(std::string_view name) {
  if (name.size() > longest_name)
    return "is longer than " + std::to_string(longest_name) + " characters";
  const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!allowed)
    return "may hold only lowercase letters a-z, digits and hyphens, such as xa-hoa-binh (it is "
           "part of MQTT topics)";
  if (name.front() == '-') return "must begin with a letter or a digit";
  return std::nullopt;
}

std::optional<std::string> read_fleet_name(YamlFile& yaml, const YAML::Node& node,
                                           std::string_view key) {
  auto name = read_name(yaml, node, key);
  if (!name) return std::nullopt;
  if (const auto problem = name_problem(*name)) {
    yaml.error(node, std::string(key) + " '" + *name + "' " + *problem);
    return std::nullopt;
  }
  return name;
}

// A host name as DNS has them: dot-separated labels of letters, digits and hyphens.
bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (start <= host.size()) {
    const std::size_t dot = std::min(host.find('.', start), host.size());
    const std::string_view label = host.substr(start, dot - start);
    const bool good_label = !label.empty() && label.size() <= 63 && label.front() != '-' &&
                            label.back() != '-' &&
                            std::all_of(label.begin(), label.end(), [](char c) {
                              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                     (c >= '0' && c <= '9') || c == '-';
                            });
    if (!good_label) return false;
    start = dot + 1;
  }
  return true;
}

// "mqtts://broker.tinh.example:8883", "mqtt://127.0.0.1", "mqtts://[::1]:8883" into `fleet`;
// the problem, in the operator's words, when it is not one of those.
std::optional<std::string> parse_broker(std::string_view written, FleetConfig& fleet) {
  constexpr std::string_view plain = "mqtt://", secure = "mqtts://";
  std::string_view rest;
  if (written.starts_with(secure)) {
    fleet.tls = true;
    rest = written.substr(secure.size());
  } else if (written.starts_with(plain)) {
    fleet.tls = false;
    rest = written.substr(plain.size());
  } else {
    return std::string(broker_form);
  }
  if (rest.find('@') != std::string_view::npos)
    return "the broker address must not carry a user or password; write them in credentials: "
           "{username: ..., password-file: ...}";
  if (const auto end = rest.find_first_of("/?#"); end != std::string_view::npos) {
    if (rest.substr(end) != "/") return "broker must be only mqtts://HOST:PORT, without a path";
    rest = rest.substr(0, end);
  }
  std::string_view host = rest, port_text;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return std::string(broker_form);
    host = rest.substr(1, close - 1);
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return std::string(broker_form);
    if (!after.empty()) port_text = after.substr(1);
    if (!is_ip_address(host)) return "'" + std::string(host) + "' is not an IPv6 address";
  } else {
    const auto colon = rest.find(':');
    if (colon != std::string_view::npos && rest.find(':', colon + 1) != std::string_view::npos)
      return "write an IPv6 address in brackets, such as mqtts://[2001:db8::1]:8883";
    if (colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port_text = rest.substr(colon + 1);
    }
    if (!is_ip_address(host) && !is_host_name(host))
      return host.empty() ? std::string(broker_form)
                          : "broker host '" + std::string(host) +
                                "' is neither an IP address nor a host name";
  }
  fleet.host = std::string(host);
  fleet.port = fleet.tls ? 8883 : 1883;
  if (rest.ends_with(':')) return "broker port is empty";
  if (!port_text.empty()) {
    int port = 0;
    for (const char c : port_text)
      port = c >= '0' && c <= '9' && port <= 65535 ? port * 10 + (c - '0') : 70000;
    if (port < 1 || port > 65535)
      return "broker port '" + std::string(port_text) + "' must be 1 to 65535";
    fleet.port = port;
  }
  return std::nullopt;
}

// A path written in the config, resolved, that must name a file: nothing after reporting when it
// does not. `what` names it in messages ("password file").
std::optional<std::filesystem::path> read_existing_file(YamlFile& yaml, const YAML::Node& node,
                                                        const std::filesystem::path& directory,
                                                        std::string_view key,
                                                        std::string_view what) {
  const auto text = read_scalar(yaml, node, std::string(key) + " must be the path of a file");
  if (!text) return std::nullopt;
  const std::string_view written = trim_spaces(*text);
  if (written.empty()) {
    yaml.error(node, std::string(key) + " is empty");
    return std::nullopt;
  }
  auto path = resolve_against(directory, std::string(written));
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    yaml.error(node, std::string(what) + " '" + path.string() + "' does not exist" +
                         (std::filesystem::exists(path, error) ? " as a file" : ""));
    return std::nullopt;
  }
  return path;
}

// A secret (a password, a private key) that every user of the machine may read is no longer one:
// refused, as ssh refuses such a key, with the command that mends it. The daemon's group may read
// it (0640).
bool is_private(YamlFile& yaml, const YAML::Node& node, const std::filesystem::path& file,
                std::string_view what) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) return true;  // the daemon says why it cannot read it
  const mode_t others = status.st_mode & S_IRWXO;
  if (others == 0) return true;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
  yaml.error(node, std::string(what) + " '" + file.string() + "' can be " +
                       ((others & S_IROTH) ? "read" : "changed") +
                       " by every user of this machine (mode " + mode +
                       "); make it private: chmod 600 '" + file.string() +
                       "' (or 640 for the daemon's group)");
  return false;
}

void read_credentials(YamlFile& yaml, const YAML::Node& node,
                      const std::filesystem::path& directory, FleetConfig& fleet) {
  if (!node.IsMap()) {
    yaml.error(node,
               "credentials must be a mapping such as {username: xa-hoa-binh, password-file: "
               "fleet.pass}");
    return;
  }
  const MappingFields fields(yaml, node, credentials_keys);
  if (const auto value = fields.require("username", "credentials")) {
    if (const auto username = read_name(yaml, *value, "username")) fleet.username = *username;
  }
  if (const auto value = fields.require("password-file", "credentials")) {
    const auto file = read_existing_file(yaml, *value, directory, "password-file", "password file");
    if (!file || !is_private(yaml, *value, *file, "password file")) return;
    std::error_code error;
    if (std::filesystem::file_size(*file, error) == 0 && !error) {
      yaml.error(*value, "password file '" + file->string() + "' is empty");
      return;
    }
    fleet.password_file = *file;
  }
}

void read_tls(YamlFile& yaml, const YAML::Node& node, const std::filesystem::path& directory,
              FleetConfig& fleet) {
  if (!node.IsMap()) {
    yaml.error(node,
               "tls must be a mapping such as {ca: fleet-ca.crt}, with cert and key for a client "
               "certificate");
    return;
  }
  const MappingFields fields(yaml, node, fleet_tls_keys);
  if (const auto value = fields.find("ca")) {
    if (const auto file = read_existing_file(yaml, *value, directory, "ca", "CA certificate file"))
      fleet.tls_ca = *file;
  }
  const auto cert = fields.find("cert");
  const auto key = fields.find("key");
  if (cert.has_value() != key.has_value()) {
    yaml.error(node, "tls has a " +
                         std::string(cert ? "cert without its key" : "key without its cert") +
                         "; a client certificate needs both");
    return;
  }
  if (cert) {
    if (const auto file = read_existing_file(yaml, *cert, directory, "cert", "certificate file"))
      fleet.tls_certificate = *file;
    const auto file = read_existing_file(yaml, *key, directory, "key", "key file");
    if (file && is_private(yaml, *key, *file, "key file")) fleet.tls_key = *file;
  }
}

}  // namespace

std::optional<FleetConfig> read_fleet(YamlFile& yaml, const YAML::Node& node,
                                      const std::filesystem::path& config_directory) {
  if (!node.IsMap()) {
    yaml.error(node,
               "fleet must be a mapping such as {broker: mqtts://broker.tinh.example:8883, "
               "site: xa-hoa-binh}");
    return std::nullopt;
  }
  const std::size_t errors_before = yaml.error_count();
  FleetConfig fleet;
  fleet.where = yaml.mark_of(node);
  const MappingFields fields(yaml, node, fleet_keys);

  std::optional<YAML::Node> broker_node = fields.require("broker", "fleet");
  bool broker_good = false;
  if (broker_node) {
    if (const auto text = read_scalar(yaml, *broker_node, broker_form)) {
      fleet.broker = std::string(trim_spaces(*text));
      if (const auto problem = parse_broker(fleet.broker, fleet))
        yaml.error(*broker_node, *problem);
      else
        broker_good = true;
    }
  }
  if (const auto value = fields.find("allow-plain-mqtt")) {
    const auto allowed = read_bool(yaml, *value, "allow-plain-mqtt must be true or false");
    fleet.plain_mqtt_beyond_loopback = allowed.value_or(false);
  }
  if (broker_good && !fleet.tls && !fleet.plain_mqtt_beyond_loopback &&
      !is_loopback_address(fleet.host)) {
    yaml.error(*broker_node,
               "broker " + fleet.broker +
                   " without TLS: the password and everything the fleet sends would cross the "
                   "network readable, and could be changed on the way; use mqtts://, or "
                   "allow-plain-mqtt: true on a network you trust (mqtt:// is for a broker on "
                   "this machine, 127.0.0.1)");
  }

  if (const auto value = fields.require("site", "fleet")) {
    if (auto site = read_fleet_name(yaml, *value, "site")) {
      if (std::find(reserved_site_names.begin(), reserved_site_names.end(), *site) !=
          reserved_site_names.end()) {
        yaml.error(*value, "site '" + *site + "' is reserved: bangtin/v1/" + *site +
                               "/ holds what the fleet sends to many sites; choose another name");
      } else {
        fleet.site = std::move(*site);
      }
    }
  }
  if (const auto value = fields.find("groups")) {
    if (const auto elements = list_elements(yaml, *value, "groups must be a list of names")) {
      for (const YAML::Node& element : *elements) {
        const auto group = read_fleet_name(yaml, element, "group");
        if (!group) continue;
        if (std::find(fleet.groups.begin(), fleet.groups.end(), *group) != fleet.groups.end())
          yaml.warning(element, "group '" + *group + "' is listed twice");
        else
          fleet.groups.push_back(*group);
      }
    }
  }
  if (const auto value = fields.find("credentials"))
    read_credentials(yaml, *value, config_directory, fleet);
  if (const auto value = fields.find("tls")) {
    if (broker_good && !fleet.tls)
      yaml.error(*value, "tls is for an mqtts:// broker; this one is " + fleet.broker);
    else
      read_tls(yaml, *value, config_directory, fleet);
  }
  if (const auto value = fields.find("trust")) {
    if (const auto file =
            read_existing_file(yaml, *value, config_directory, "trust", "trust key file"))
      fleet.trust = *file;
  }
  if (const auto value = fields.find("keepalive")) {
    const std::string range = "keepalive must be whole seconds from " +
                              std::to_string(lowest_keepalive) + " to " +
                              std::to_string(highest_keepalive);
    if (const auto seconds = read_whole_number(yaml, *value, range)) {
      if (*seconds < lowest_keepalive || *seconds > highest_keepalive)
        yaml.error(*value, range);
      else
        fleet.keepalive = std::chrono::seconds(*seconds);
    }
  }
  if (yaml.error_count() != errors_before) return std::nullopt;
  return fleet;
}

}  // namespace bangtin::playlists_detail

namespace bangtin {

std::optional<std::string> read_fleet_broker(std::string_view written, FleetConfig& fleet) {
  fleet.broker = std::string(written);
  return playlists_detail::parse_broker(written, fleet);
}

std::optional<std::string> fleet_name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (const auto problem = playlists_detail::name_problem(name)) return problem;
  for (const std::string_view reserved : playlists_detail::reserved_site_names)
    if (name == reserved) return "is a topic level of its own";
  return std::nullopt;
}

}  // namespace bangtin
