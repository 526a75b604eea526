// What bangtind says on a fleet's broker, and where: the topics of controller/FLEET.md and the
// JSON of its status. Pure functions; fleet_link.hpp publishes them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bangtin/daemon_status.hpp"
#include "bangtin/playlists.hpp"
#include "bangtin/version.hpp"  // bangtin_version(), as the status carries it

namespace bangtin {

// bangtin/v1/<site>/status: retained, QoS 1.
std::string fleet_status_topic(std::string_view site);
// bangtin/v1/<site>/plays: batches of proof of play, QoS 1, not retained.
std::string fleet_plays_topic(std::string_view site);
// What a controller listens to: what is sent to its site, to each of its groups, and to all.
std::vector<std::string> fleet_subscriptions(const FleetConfig& fleet);

// The status as the fleet sees it: what each board shows and whether it is reached, the clock,
// the version; less than status.json (no link addresses, no file names, no problem texts).
struct FleetStatus {
  std::string site;
  std::string version;
  std::string clock;  // ISO 8601 with the config's offset, when the status was taken
  bool clock_trusted = true;
  std::string clock_note;
  struct Display {
    std::string name;
    std::string on_air;    // item id, empty when idle
    std::string playlist;  // of the item on air
    bool connected = false;
    double frames_per_second = 0;
  };
  std::vector<Display> displays;
  std::size_t playlist_problems = 0;
  // What it plays from the fleet, the problems in that (by topic, LINE:COL) and what it refused.
  std::optional<FleetContentStatus> content;
};

FleetStatus fleet_status(std::string_view site, const DaemonStatus& status);

// Whether `now` says more than `before` did beyond the passing moment: the clock and the frame
// rates change all the time, and are sent with the next status that is published anyway.
bool differs_beyond_the_moment(const FleetStatus& before, const FleetStatus& now);

// {"site": ..., "state": "online", "version": ..., "clock": {...}, "displays": [...],
// "playlist_problems": N, "fleet": {"kept": [...], "problems": [...], "refused": [...]}}
std::string online_payload(const FleetStatus& status);
// The last will the broker publishes when the connection ends without a goodbye:
// {"site": ..., "state": "offline", "reason": "connection lost"}.
std::string last_will_payload(std::string_view site);
// What a controller publishes itself as it stops cleanly:
// {"site": ..., "state": "offline", "reason": "stopped", "version": ..., "clock": {...}}.
std::string stopped_payload(const FleetStatus& status);

}  // namespace bangtin
