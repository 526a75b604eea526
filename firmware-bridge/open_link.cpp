// open_link(): turns a display's `link:` URI into an unconnected PanelLink.
//
// The scheme picks the link type from kLinkTypes; a new type is its own file, plus here a make_
// function that reads its options and one table entry. Network links are
// SCHEME://HOST[:PORT][?KEY=VALUE&...] with an IPv6 host in brackets, serial links
// SCHEME:///DEVICE/PATH[?KEY=VALUE&...]; each type takes its port default and the options it
// knows, and anything left over is an error, so a typo like "?unti=2" never passes silently.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bangtin/panel_link.hpp"
#include "bangtin/pixel_packets.hpp"
#include "bangtin/text_display.hpp"
#include "ddp_link.hpp"
#include "e131_link.hpp"
#include "modbus_rtu_link.hpp"
#include "modbus_tcp_link.hpp"
#include "modbus_text_link.hpp"

namespace bangtin {

namespace {

[[noreturn]] void reject_uri(std::string_view uri, const std::string& problem) {
  throw std::invalid_argument("link \"" + std::string(uri) + "\": " + problem);
}

std::string_view scheme_of(std::string_view uri) {
  const std::size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0)
    reject_uri(uri, "expected SCHEME://ADDRESS, such as modbus-tcp://192.0.2.10:502");
  return uri.substr(0, scheme_end);
}

// Where the link goes (a host and port, or a device path) and its options.
class LinkUri {
 public:
  enum class Kind { host_port, device_path };

  LinkUri(std::string_view text, Kind kind) : text_(text) {
    std::string_view rest = text.substr(scheme_of(text).size() + 3);

    const std::size_t query_start = rest.find('?');
    if (query_start != std::string_view::npos) {
      parse_options(rest.substr(query_start + 1));
      rest = rest.substr(0, query_start);
    }
    if (kind == Kind::device_path) {
      if (!rest.starts_with('/') || rest.size() < 2)
        reject("expected a device path after the scheme, as modbus-rtu:///dev/ttyUSB0");
      device_ = rest;
      return;
    }
    if (rest.find('/') != std::string_view::npos) reject("unexpected path after the host");

    std::string_view port_text;
    bool has_port = false;
    if (rest.starts_with('[')) {
      const std::size_t close = rest.find(']');
      if (close == std::string_view::npos) reject("missing ']' after the IPv6 address");
      host_ = rest.substr(1, close - 1);
      const std::string_view after = rest.substr(close + 1);
      if (!after.empty() && !after.starts_with(':')) reject("unexpected text after ']'");
      has_port = !after.empty();
      if (has_port) port_text = after.substr(1);
    } else {
      const std::size_t colon = rest.find(':');
      host_ = rest.substr(0, colon);
      has_port = colon != std::string_view::npos;
      if (has_port) port_text = rest.substr(colon + 1);
      if (has_port && port_text.find(':') != std::string_view::npos)
        reject("an IPv6 address must be written in brackets, as [::1]");
    }
    if (host_.empty()) reject("missing host");
    if (has_port) port_ = parse_int(port_text, 1, 65535, "port must be 1-65535");
  }

  const std::string& host() const { return host_; }
  const std::string& device() const { return device_; }
  int port_or(int default_port) const { return port_.value_or(default_port); }

  // Removes the option so that finish() can report the ones no link type asked for.
  int take_int_option(const std::string& key, int low, int high, int default_value,
                      const std::string& range_text) {
    const auto found = options_.find(key);
    if (found == options_.end()) return default_value;
    const std::string value = found->second;
    options_.erase(found);
    return parse_int(value, low, high, key + " must be " + range_text);
  }

  // One of `allowed` (each a single character, matched without regard to case).
  char take_char_option(const std::string& key, std::string_view allowed, char default_value) {
    const auto found = options_.find(key);
    if (found == options_.end()) return default_value;
    const std::string value = found->second;
    options_.erase(found);
    const char upper = value.size() == 1 ? static_cast<char>(std::toupper(value[0])) : '\0';
    if (upper == '\0' || allowed.find(upper) == std::string_view::npos) {
      std::string choices;
      for (char c : allowed) choices += (choices.empty() ? "" : ", ") + std::string(1, c);
      reject(key + " must be one of " + choices);
    }
    return upper;
  }

  // The raw text of an option, removed like the others.
  std::optional<std::string> take_option(const std::string& key) {
    const auto found = options_.find(key);
    if (found == options_.end()) return std::nullopt;
    std::string value = found->second;
    options_.erase(found);
    return value;
  }

  // A comma-separated list of integers in [low, high].
  std::vector<int> take_int_list_option(const std::string& key, int low, int high,
                                        const std::string& range_text) {
    const std::optional<std::string> value = take_option(key);
    if (!value) return {};
    std::vector<int> values;
    std::string_view rest = *value;
    for (;;) {
      const std::size_t comma = rest.find(',');
      values.push_back(parse_int(rest.substr(0, comma), low, high, key + " must be " + range_text));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    return values;
  }

  void finish() const {
    if (!options_.empty()) reject("unknown option \"" + options_.begin()->first + "\"");
  }

  [[noreturn]] void reject(const std::string& problem) const { reject_uri(text_, problem); }

 private:
  void parse_options(std::string_view query) {
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
      const std::size_t equals = pair.find('=');
      if (equals == std::string_view::npos || equals == 0)
        reject("option \"" + std::string(pair) + "\" must be written KEY=VALUE");
      options_[std::string(pair.substr(0, equals))] = pair.substr(equals + 1);
    }
  }

  int parse_int(std::string_view text, int low, int high, const std::string& problem) const {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < low ||
        value > high)
      reject(problem);
    return value;
  }

  std::string text_;
  std::string host_;
  std::string device_;
  std::optional<int> port_;
  std::map<std::string, std::string> options_;
};

constexpr int kModbusTcpPort = 502;

TcpEndpoint take_tcp_endpoint(LinkUri& uri) {
  // libmodbus accepts unit ids 0-247 and 255 (the "no particular unit" id of Modbus TCP).
  const int unit = uri.take_int_option("unit", 0, 255, 1, "0-247 or 255");
  if (unit > 247 && unit < 255) uri.reject("unit must be 0-247 or 255");
  const int timeout = uri.take_int_option("timeout", 10, 60000, 1000, "10-60000 milliseconds");
  return TcpEndpoint{uri.host(), uri.port_or(kModbusTcpPort), unit,
                     std::chrono::milliseconds(timeout)};
}

std::unique_ptr<PanelLink> make_modbus_tcp_link(std::string_view text) {
  LinkUri uri(text, LinkUri::Kind::host_port);
  const TcpEndpoint endpoint = take_tcp_endpoint(uri);
  uri.finish();
  return std::make_unique<ModbusTcpLink>(endpoint);
}

SerialSettings take_serial_settings(LinkUri& uri) {
  SerialSettings serial;
  serial.device = uri.device();
  serial.baud = uri.take_int_option("baud", 1, 4000000, 115200, "a baud rate such as 9600");
  constexpr int kStandardRates[] = {1200,  2400,   4800,   9600,   19200, 38400,
                                    57600, 115200, 230400, 460800, 921600};
  if (std::find(std::begin(kStandardRates), std::end(kStandardRates), serial.baud) ==
      std::end(kStandardRates))
    uri.reject(
        "baud must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, "
        "230400, 460800, 921600");
  serial.parity = uri.take_char_option("parity", "NEO", 'N');
  serial.stop_bits = uri.take_int_option("stop", 1, 2, 1, "1 or 2");
  // Unit 0 is the broadcast address: a panel never answers it, so it cannot be read back.
  serial.unit = uri.take_int_option("unit", 1, 247, 1, "1-247");
  serial.rs485 = uri.take_int_option("rs485", 0, 1, 0, "0 or 1") == 1;
  serial.timeout = std::chrono::milliseconds(
      uri.take_int_option("timeout", 10, 60000, 0, "10-60000 milliseconds"));
  return serial;
}

std::unique_ptr<PanelLink> make_modbus_rtu_link(std::string_view text) {
  LinkUri uri(text, LinkUri::Kind::device_path);
  const SerialSettings serial = take_serial_settings(uri);
  uri.finish();
  return std::make_unique<ModbusRtuLink>(serial);
}

// lines=1000,2000&chars=16[&brightness=3&brightness-max=100][&bytes=high-first|low-first]
TextDisplayLayout take_text_layout(LinkUri& uri) {
  TextDisplayLayout layout;
  layout.line_registers = uri.take_int_list_option("lines", 0, 65535, "register addresses 0-65535");
  if (layout.line_registers.empty())
    uri.reject(
        "a text display needs lines=REGISTER[,REGISTER...], the first register of each line");
  const int missing = -1;
  layout.chars = uri.take_int_option("chars", 1, kMaxTextDisplayChars, missing,
                                     "1-" + std::to_string(kMaxTextDisplayChars));
  if (layout.chars == missing) uri.reject("a text display needs chars=N, the characters a line");
  const int brightness = uri.take_int_option("brightness", 0, 65535, missing, "a register 0-65535");
  if (brightness != missing) layout.brightness_register = brightness;
  layout.brightness_max = uri.take_int_option("brightness-max", 1, 65535, 100,
                                              "the level for full brightness, 1-65535");
  const std::string bytes = uri.take_option("bytes").value_or("high-first");
  if (bytes != "high-first" && bytes != "low-first")
    uri.reject(
        "bytes must be high-first or low-first (which half of a register holds the first of "
        "its two characters)");
  layout.high_byte_first = bytes == "high-first";

  // Lines must not run into each other, past the last register, or over the brightness register.
  std::vector<std::pair<int, int>> spans;  // [first, end)
  for (const int first : layout.line_registers) {
    const int end = first + layout.registers_per_line();
    if (end > 0x10000)
      uri.reject("a line at register " + std::to_string(first) + " runs past register 65535");
    spans.emplace_back(first, end);
  }
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i)
    if (spans[i].first < spans[i - 1].second)
      uri.reject("lines at registers " + std::to_string(spans[i - 1].first) + " and " +
                 std::to_string(spans[i].first) + " overlap (" +
                 std::to_string(layout.registers_per_line()) + " registers a line)");
  if (layout.brightness_register)
    for (const auto& [first, end] : spans)
      if (*layout.brightness_register >= first && *layout.brightness_register < end)
        uri.reject("the brightness register lies inside the line at register " +
                   std::to_string(first));
  return layout;
}

std::unique_ptr<PanelLink> make_modbus_text_tcp_link(std::string_view text) {
  LinkUri uri(text, LinkUri::Kind::host_port);
  const TcpEndpoint endpoint = take_tcp_endpoint(uri);
  TextDisplayLayout layout = take_text_layout(uri);
  uri.finish();
  return std::make_unique<ModbusTextLink>(endpoint, std::move(layout));
}

std::unique_ptr<PanelLink> make_modbus_text_rtu_link(std::string_view text) {
  LinkUri uri(text, LinkUri::Kind::device_path);
  const SerialSettings serial = take_serial_settings(uri);
  TextDisplayLayout layout = take_text_layout(uri);
  uri.finish();
  return std::make_unique<ModbusTextLink>(serial, std::move(layout));
}

std::unique_ptr<PanelLink> make_ddp_link(std::string_view text) {
  LinkUri uri(text, LinkUri::Kind::host_port);
  const int bits = uri.take_int_option("bits", 1, 24, 24, "24 (RGB) or 1 (mono, 1 bit a pixel)");
  if (bits != 1 && bits != 24) uri.reject("bits must be 24 (RGB) or 1 (mono, 1 bit a pixel)");
  uri.finish();
  return std::make_unique<DdpLink>(uri.host(), uri.port_or(ddp::kPort), bits == 1);
}

std::unique_ptr<PanelLink> make_e131_link(std::string_view text) {
  LinkUri uri(text, LinkUri::Kind::host_port);
  E131Settings settings;
  settings.host = uri.host();
  settings.port = uri.port_or(e131::kPort);
  settings.universe = uri.take_int_option("universe", 1, e131::kMaxUniverse, 1, "1-63999");
  settings.sync_universe =
      uri.take_int_option("sync", 0, e131::kMaxUniverse, 0, "0 (none) or a universe 1-63999");
  settings.priority = uri.take_int_option("priority", 0, 200, e131::kDefaultPriority, "0-200");
  uri.finish();
  return std::make_unique<E131Link>(settings);
}

struct LinkType {
  std::string_view scheme;
  std::unique_ptr<PanelLink> (*make)(std::string_view uri);
};

constexpr LinkType kLinkTypes[] = {
    {"modbus-tcp", make_modbus_tcp_link},
    {"modbus-rtu", make_modbus_rtu_link},
    {"modbus-text-tcp", make_modbus_text_tcp_link},
    {"modbus-text-rtu", make_modbus_text_rtu_link},
    {"ddp", make_ddp_link},
    {"e131", make_e131_link},
};

}  // namespace

std::unique_ptr<PanelLink> open_link(std::string_view uri) {
  const std::string_view scheme = scheme_of(uri);
  std::string known;
  for (const LinkType& type : kLinkTypes) {
    if (type.scheme == scheme) return type.make(uri);
    known += (known.empty() ? "" : ", ") + std::string(type.scheme);
  }
  reject_uri(uri, "unknown link type \"" + std::string(scheme) + "\" (known: " + known + ")");
}

LinkAddress link_address(std::string_view text) {
  open_link(text);  // every check each link type makes of its URI; nothing is connected
  LinkAddress address;
  address.scheme = scheme_of(text);
  const bool serial = address.scheme.ends_with("-rtu");
  LinkUri uri(text, serial ? LinkUri::Kind::device_path : LinkUri::Kind::host_port);
  address.device = uri.device();
  address.host = uri.host();
  if (!serial) {
    const bool modbus = address.scheme.starts_with("modbus-");
    address.port = uri.port_or(modbus                    ? kModbusTcpPort
                               : address.scheme == "ddp" ? ddp::kPort
                                                         : e131::kPort);
  }
  if (address.scheme.starts_with("modbus-"))
    address.unit = serial ? take_serial_settings(uri).unit : take_tcp_endpoint(uri).unit;
  if (address.scheme.starts_with("modbus-text-")) address.text = take_text_layout(uri);
  if (address.scheme == "e131")
    address.universe = uri.take_int_option("universe", 1, e131::kMaxUniverse, 1, "1-63999");
  return address;
}

}  // namespace bangtin
