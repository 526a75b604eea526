// What the province sends a controller in a fleet (controller/FLEET.md, "Signed content"):
// playlists and urgent notices, signed, each on a retained topic of its own. What verifies
// against the `trust:` key is kept in STATE/fleet: the body as a playlist file in
// STATE/fleet/playlists (which the programme loads after the office's own, with the same loader
// and the same last-good rule), the signed message beside it in STATE/fleet/signed. A controller
// that boots without its broker plays what it last had. Disk work: the daemon calls it from its
// disk thread, never from the loop.
#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bangtin/controller.hpp"
#include "bangtin/playlists.hpp"
#include "fleet_signing.hpp"

namespace bangtin {

// A message the controller would not play, for the log and the fleet status.
struct FleetRefusal {
  std::string topic;
  std::string reason;
  std::string at;  // ISO 8601 with the config's offset
};

// Where one topic's content is kept: "group.huyen-phu-loc.cchc-2026.yaml" for
// bangtin/v1/groups/huyen-phu-loc/playlists/cchc-2026. Nothing for a topic that carries no
// content for this site.
std::optional<std::string> fleet_file_name(std::string_view topic, const FleetConfig& fleet);
// The topic a kept file came from: the reverse, for telling the province which one is broken.
std::optional<std::string> fleet_topic_of(std::string_view file_name, const FleetConfig& fleet);

class FleetContent {
 public:
  // Reads the trust key; a key that cannot be read is logged, and everything is then refused
  // with that reason (what was kept before still plays).
  FleetContent(const Config& config, std::function<SystemClock::time_point()> wall, LogSink log);

  // A message on one of the site's content topics. True when what plays changed (a playlist or
  // notice kept, replaced or withdrawn): the programme is then loaded again.
  bool receive(const std::string& topic, const std::string& payload);
  // Removes the notices whose expiry has passed, even without a withdrawal. True when any went.
  bool remove_expired();

  // The last refusals, newest last (at most a few), and the topics kept now. Any thread.
  std::vector<FleetRefusal> refusals() const;
  std::vector<std::string> kept_topics() const;

 private:
  void refuse(const std::string& topic, const std::string& reason);
  std::filesystem::path playlists_folder() const;
  std::filesystem::path signed_folder() const;

  const FleetConfig fleet_;
  const std::filesystem::path state_;
  const std::chrono::minutes utc_offset_;
  const std::function<SystemClock::time_point()> wall_;
  const LogSink log_;
  std::optional<Ed25519PublicKey> trust_;
  std::string trust_problem_;
  mutable std::mutex mutex_;
  std::deque<FleetRefusal> refusals_;
  std::vector<std::string> kept_topics_;
};

}  // namespace bangtin
