#include "fleet_messages.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace bangtin {

using nlohmann::json;

namespace {

constexpr std::string_view kTopicRoot = "bangtin/v1/";

json clock_json(const FleetStatus& status) {
  json clock = {{"time", status.clock}, {"trusted", status.clock_trusted}};
  if (!status.clock_note.empty()) clock["note"] = status.clock_note;
  return clock;
}

// Names come from the operator's files, checked to be UTF-8; a byte that is not is sent as
// U+FFFD rather than refused.
std::string dump(const json& payload) {
  return payload.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string fleet_status_topic(std::string_view site) {
  return std::string(kTopicRoot) + std::string(site) + "/status";
}

std::string fleet_plays_topic(std::string_view site) {
  return std::string(kTopicRoot) + std::string(site) + "/plays";
}

std::vector<std::string> fleet_subscriptions(const FleetConfig& fleet) {
  std::vector<std::string> patterns{std::string(kTopicRoot) + "sites/" + fleet.site + "/#"};
  for (const std::string& group : fleet.groups)
    patterns.push_back(std::string(kTopicRoot) + "groups/" + group + "/#");
  patterns.push_back(std::string(kTopicRoot) + "all/#");
  return patterns;
}

FleetStatus fleet_status(std::string_view site, const DaemonStatus& status) {
  FleetStatus fleet;
  fleet.site = std::string(site);
  fleet.version = std::string(bangtin_version());
  fleet.clock = status.updated;
  fleet.clock_trusted = status.clock_trusted;
  fleet.clock_note = status.clock_trusted ? "" : status.clock_note;
  for (const DisplayStatus& display : status.displays) {
    fleet.displays.push_back(FleetStatus::Display{display.name, display.on_air, display.playlist,
                                                  display.health.connected,
                                                  display.health.frames_per_second});
  }
  fleet.playlist_problems = status.playlist_problems.size();
  fleet.content = status.fleet;
  return fleet;
}

bool differs_beyond_the_moment(const FleetStatus& before, const FleetStatus& now) {
  const auto same_display = [](const FleetStatus::Display& a, const FleetStatus::Display& b) {
    return a.name == b.name && a.on_air == b.on_air && a.playlist == b.playlist &&
           a.connected == b.connected;
  };
  return before.site != now.site || before.version != now.version ||
         before.clock_trusted != now.clock_trusted || before.clock_note != now.clock_note ||
         before.playlist_problems != now.playlist_problems || before.content != now.content ||
         !std::equal(before.displays.begin(), before.displays.end(), now.displays.begin(),
                     now.displays.end(), same_display);
}

std::string online_payload(const FleetStatus& status) {
  json displays = json::array();
  for (const FleetStatus::Display& display : status.displays) {
    displays.push_back({{"name", display.name},
                        {"on_air", display.on_air},
                        {"playlist", display.playlist},
                        {"connected", display.connected},
                        {"frames_per_second", display.frames_per_second}});
  }
  json payload = {{"site", status.site},       {"state", "online"},
                  {"version", status.version}, {"clock", clock_json(status)},
                  {"displays", displays},      {"playlist_problems", status.playlist_problems}};
  if (const auto& content = status.content) {
    json refused = json::array();
    for (const FleetRefusalStatus& refusal : content->refused)
      refused.push_back({{"topic", refusal.topic}, {"reason", refusal.reason}, {"at", refusal.at}});
    payload["fleet"] = {
        {"kept", content->kept}, {"problems", content->problems}, {"refused", refused}};
  }
  return dump(payload);
}

std::string last_will_payload(std::string_view site) {
  return dump({{"site", site}, {"state", "offline"}, {"reason", "connection lost"}});
}

std::string stopped_payload(const FleetStatus& status) {
  return dump({{"site", status.site},
               {"state", "offline"},
               {"reason", "stopped"},
               {"version", status.version},
               {"clock", clock_json(status)}});
}

}  // namespace bangtin
