#include "fleet_command.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/program_options.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bangtin/date_time_text.hpp"
#include "bangtin/playlists.hpp"
#include "fleet_link.hpp"
#include "fleet_signing.hpp"
#include "mqtt_client.hpp"

namespace po = boost::program_options;

namespace bangtin {

const char* const kFleetUsage =
    "  bangtin fleet keygen --secret tinh.key --public fleet-signing.pub\n"
    "      A new Ed25519 key pair: the secret one stays with the province (mode 0600), the\n"
    "      public one is every controller's `trust:` file.\n"
    "  bangtin fleet sign --key tinh.key (--site S | --group G | --all) WHAT [--out FILE]\n"
    "  bangtin fleet publish --connection tinh.yaml --key tinh.key (--site S | --group G | --all)\n"
    "                        WHAT\n"
    "      WHAT is --playlist FILE [--until TIME] (a playlist, checked first as `bangtin\n"
    "      validate` would), or --notice ID --text TEXT --until TIME [--targets a,b] (an urgent\n"
    "      notice). TIME is local, 2026-12-01T17:00, at --timezone (+07:00 by default). sign\n"
    "      prints the signed message; publish puts it on its retained topic (controller/FLEET.md)\n"
    "      through the broker that tinh.yaml's `fleet:` names, and waits for the broker's\n"
    "      acknowledgement. --all takes notices only.\n"
    "  bangtin fleet withdraw --connection tinh.yaml (--site S | --group G | --all)\n"
    "                         (--playlist NAME | --notice ID)\n"
    "      Takes a playlist or notice off every board it was sent to.\n";

namespace {

constexpr std::string_view kTopicRoot = "bangtin/v1/";
constexpr auto kBrokerPatience = std::chrono::seconds(15);

std::string checked_name(const std::string& name, const std::string& what) {
  // The fleet reader's rule for sites and groups: every name here is a topic level too.
  if (const auto problem = fleet_name_problem(name))
    throw po::error(what + " \"" + printable(name) + "\" " + *problem);
  return name;
}

// bangtin/v1/groups/<group>/notices/<id> and the like, from --site/--group/--all.
std::string content_topic(const po::variables_map& vm, bool notice, const std::string& name) {
  const int scopes =
      static_cast<int>(vm.count("site") + vm.count("group") + (vm["all"].as<bool>() ? 1 : 0));
  if (scopes != 1) throw po::error("give one of --site S, --group G or --all");
  const std::string kind = notice ? "/notices/" : "/playlists/";
  if (vm.count("site")) {
    if (notice) throw po::error("a notice goes to a --group or to --all");
    return std::string(kTopicRoot) + "sites/" +
           checked_name(vm["site"].as<std::string>(), "--site") + kind + name;
  }
  if (vm.count("group"))
    return std::string(kTopicRoot) + "groups/" +
           checked_name(vm["group"].as<std::string>(), "--group") + kind + name;
  if (!notice) throw po::error("--all takes notices; a playlist goes to a --site or a --group");
  return std::string(kTopicRoot) + "all" + kind + name;
}

std::chrono::minutes timezone_of(const po::variables_map& vm) {
  const std::string written = vm["timezone"].as<std::string>();
  const auto offset = parse_utc_offset(written);
  if (!offset) throw po::error("--timezone must be like +07:00");
  return *offset;
}

std::optional<SystemClock::time_point> until_of(const po::variables_map& vm) {
  if (!vm.count("until")) return std::nullopt;
  const std::string written = vm["until"].as<std::string>();
  const auto until = parse_local_datetime(written, timezone_of(vm));
  if (!until) throw po::error("--until must be a local time like 2026-12-01T17:00");
  if (*until <= SystemClock::now()) throw po::error("--until " + written + " has passed");
  return until;
}

// A YAML double-quoted scalar: JSON's string syntax is YAML's.
std::string quoted(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Created with its mode from the start, and never over a file that exists (O_EXCL): a key lost
// to a slip of the command line cannot be made again.
void write_new_file(const std::filesystem::path& file, const std::string& text, mode_t mode) {
  const int descriptor = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (descriptor < 0)
    throw std::runtime_error("cannot create " + file.string() + ": " + std::strerror(errno));
  const bool written =
      ::write(descriptor, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool closed = ::close(descriptor) == 0;
  if (!written || !closed)
    throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
}

// --targets street,sanh or --targets street sanh.
std::vector<std::string> split_targets(const std::vector<std::string>& written) {
  std::vector<std::string> targets;
  for (const std::string& word : written) {
    std::size_t start = 0;
    while (start <= word.size()) {
      const std::size_t comma = std::min(word.find(',', start), word.size());
      if (comma > start) targets.push_back(word.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return targets;
}

struct Content {
  std::string topic;
  SignedMessage message;
};

// What --playlist or --notice asks for, checked as a controller will check it.
Content content_from(const po::variables_map& vm) {
  const bool notice = vm.count("notice") > 0;
  if (notice == (vm.count("playlist") > 0)) throw po::error("give --playlist FILE or --notice ID");
  Content content;
  content.message.signed_at = SystemClock::now();
  content.message.expires = until_of(vm);
  if (notice) {
    const std::string id = checked_name(vm["notice"].as<std::string>(), "--notice");
    if (!vm.count("text")) throw po::error("a notice needs --text");
    if (!content.message.expires) throw po::error("a notice needs --until: when it ends");
    std::string body = "# An urgent notice from the fleet (bangtin fleet publish).\nplaylist: " +
                       std::string("thong-bao-") + id + "\nitems:\n  - id: " + id +
                       "\n    text: " + quoted(vm["text"].as<std::string>()) +
                       "\n    priority: urgent\n    until: \"" +
                       iso_local_date_time_text(*content.message.expires, timezone_of(vm)) + "\"\n";
    if (vm.count("targets")) {
      body += "    targets: [";
      const auto targets = split_targets(vm["targets"].as<std::vector<std::string>>());
      for (std::size_t i = 0; i < targets.size(); ++i)
        body += (i ? ", " : "") + quoted(checked_name(targets[i], "a target"));
      body += "]\n";
    }
    content.message.body = std::move(body);
    content.topic = content_topic(vm, true, id);
  } else {
    const std::filesystem::path file = vm["playlist"].as<std::string>();
    const Loaded<Playlist> loaded = load_playlist(file);
    for (const Diagnostic& diagnostic : loaded.diagnostics)
      std::cerr << diagnostic.to_string() << '\n';
    if (!loaded.value || has_errors(loaded.diagnostics))
      throw std::runtime_error(file.string() + " has errors: nothing signed");
    content.message.body = loaded.value->source_bytes;
    content.topic = content_topic(vm, false, checked_name(loaded.value->name, "the playlist name"));
  }
  content.message.topic = content.topic;
  return content;
}

// Puts `payload` on `topic`, retained, QoS 1, and returns once the broker has it.
void publish_retained(const std::filesystem::path& connection_file, const std::string& topic,
                      const std::string& payload) {
  const Loaded<FleetConfig> connection = load_fleet_connection(connection_file);
  for (const Diagnostic& diagnostic : connection.diagnostics)
    std::cerr << diagnostic.to_string() << '\n';
  if (!connection.value || has_errors(connection.diagnostics))
    throw std::runtime_error(connection_file.string() + " cannot be used to reach the broker");
  boost::asio::io_context loop;
  std::optional<MqttClient> client;
  std::string failure;
  bool sent = false, acknowledged = false;
  int message_id = -1;
  MqttOptions options = fleet_mqtt_options(*connection.value, "bangtin-" + connection.value->site);
  options.longest_retry = std::chrono::seconds(2);
  client.emplace(loop, options,
                 MqttEvents{[&](const MqttConnectionChange& change) {
                              if (acknowledged) return;  // sent again after a lost connection
                              if (!change.connected) {
                                failure = change.reason;
                                if (change.refused) loop.stop();
                                return;
                              }
                              sent = client->publish(topic, payload, 1, true, &message_id);
                            },
                            [](MqttMessage) {},
                            [&](int acknowledged_id) {
                              if (acknowledged_id != message_id) return;
                              acknowledged = true;
                              loop.stop();
                            }});
  // The client's thread posts to the loop: the loop must wait for it, not end for want of work.
  auto waiting = boost::asio::make_work_guard(loop);
  loop.run_for(kBrokerPatience);
  client->close();
  if (!acknowledged) {
    throw std::runtime_error(
        "the broker " + connection.value->broker + " did not take it: " +
        printable(failure.empty() ? (sent ? "no acknowledgement" : "no answer") : failure));
  }
}

}  // namespace

int fleet_command(const std::vector<std::string>& args) {
  po::options_description options;
  options.add_options()("action", po::value<std::string>())("secret", po::value<std::string>())(
      "public", po::value<std::string>())("key", po::value<std::string>())(
      "connection", po::value<std::string>())("site", po::value<std::string>())(
      "group", po::value<std::string>())("all", po::bool_switch())(
      "playlist", po::value<std::string>())("notice", po::value<std::string>())(
      "text", po::value<std::string>())("until", po::value<std::string>())(
      "targets", po::value<std::vector<std::string>>()->multitoken())(
      "timezone", po::value<std::string>()->default_value("+07:00"))("out",
                                                                     po::value<std::string>());
  po::positional_options_description positional;
  positional.add("action", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  const std::string action = vm.count("action") ? vm["action"].as<std::string>() : "";

  if (action == "keygen") {
    if (!vm.count("secret") || !vm.count("public"))
      throw po::error("keygen needs --secret FILE and --public FILE");
    const std::filesystem::path secret = vm["secret"].as<std::string>();
    const std::filesystem::path public_file = vm["public"].as<std::string>();
    for (const auto& file : {secret, public_file})
      if (std::filesystem::exists(file))
        throw std::runtime_error(file.string() + " exists; a key is never overwritten");
    const SigningKeys keys = new_signing_keys();
    write_new_file(secret, secret_key_text(keys.secret_key), 0600);
    write_new_file(public_file, public_key_text(keys.public_key), 0644);
    std::cerr << "bangtin fleet keygen: " << secret.string() << " (keep it secret) and "
              << public_file.string() << " (give it to every controller as `trust:`)\n";
    return 0;
  }
  if (action == "withdraw") {
    if (!vm.count("connection")) throw po::error("withdraw needs --connection FILE");
    const bool notice = vm.count("notice") > 0;
    if (notice == (vm.count("playlist") > 0))
      throw po::error("give --playlist NAME or --notice ID");
    const std::string name = checked_name(vm[notice ? "notice" : "playlist"].as<std::string>(),
                                          notice ? "--notice" : "--playlist");
    const std::string topic = content_topic(vm, notice, name);
    publish_retained(vm["connection"].as<std::string>(), topic, "");
    std::cerr << "bangtin fleet withdraw: " << topic << " withdrawn\n";
    return 0;
  }
  if (action != "sign" && action != "publish")
    throw po::error("fleet needs one of keygen, sign, publish, withdraw");
  if (!vm.count("key")) throw po::error(action + " needs --key SECRET-KEY-FILE");
  const Ed25519SecretKey key = read_secret_key(vm["key"].as<std::string>());
  const Content content = content_from(vm);
  const std::string payload = sign_message(content.message, key, timezone_of(vm));
  if (action == "sign") {
    if (vm.count("out")) {
      std::ofstream(vm["out"].as<std::string>()) << payload;
    } else {
      std::cout << payload << '\n';
    }
    std::cerr << "bangtin fleet sign: for " << content.topic << '\n';
    return 0;
  }
  if (!vm.count("connection")) throw po::error("publish needs --connection FILE");
  publish_retained(vm["connection"].as<std::string>(), content.topic, payload);
  std::cerr << "bangtin fleet publish: " << content.topic << " published ("
            << content.message.body.size() << " bytes, signed)\n";
  return 0;
}

}  // namespace bangtin
