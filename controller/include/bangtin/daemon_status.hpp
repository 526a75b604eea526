// bangtin daemon status — what bangtind says about itself for operators: each display's link and
// what is on air, the last playlist problems, whether the clock is trusted. The daemon rewrites
// STATE/status.json every second; `bangtin status` reads it. JSON only at this edge.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bangtin/link_health.hpp"

namespace bangtin {

// What a display's player keeps drawn: items beyond the one on air, within a budget (the least
// recently shown go first).
struct PreparedCacheStatus {
  std::uint64_t items = 0;
  std::uint64_t bytes = 0;
  std::uint64_t budget = 0;
  friend bool operator==(const PreparedCacheStatus&, const PreparedCacheStatus&) = default;
};

struct DisplayStatus {
  std::string name;
  std::string link;
  // "panel": health is its link's, frames a second those the link delivered; "window": a lobby
  // screen's window, frames a second those it took and had on screen.
  std::string output = "panel";
  LinkHealth health;     // of its panel link or its window
  std::string on_air;    // item id, empty when idle
  std::string playlist;  // the item's playlist
  // ISO 8601 with the config's offset, "2026-11-24T08:00:05+07:00" (in files of older versions,
  // the local time without it).
  std::string since;
  std::string until;
  // What the display cannot draw and what it shows instead (DisplayPlayer::problems).
  std::vector<std::string> problems;
  PreparedCacheStatus prepared;
  // The brightness its schedule asks for now, in percent (0 in files of older versions).
  int brightness_percent = 0;
  friend bool operator==(const DisplayStatus&, const DisplayStatus&) = default;
};

// Whether proof of play is being written. When the database cannot be opened or written, plays
// wait in memory (up to a limit) and go in once it can be again.
struct ProofOfPlayStatus {
  bool recording = true;
  std::string problem;              // why not, while it is off
  std::uint64_t plays_pending = 0;  // in memory, waiting for the database
  std::uint64_t plays_lost = 0;     // never recorded: beyond the memory's limit, or at a stop
  friend bool operator==(const ProofOfPlayStatus&, const ProofOfPlayStatus&) = default;
};

// What a controller in a fleet plays from it (controller/FLEET.md): the topics whose signed
// playlists and notices it keeps, the problems the loader found in them (the topic in place of
// the file, then :LINE:COL), and the last messages it refused, with why.
struct FleetRefusalStatus {
  std::string topic;
  std::string reason;
  std::string at;  // ISO 8601 with the config's offset
  friend bool operator==(const FleetRefusalStatus&, const FleetRefusalStatus&) = default;
};
struct FleetContentStatus {
  std::vector<std::string> kept;
  std::vector<std::string> problems;
  std::vector<FleetRefusalStatus> refused;
  friend bool operator==(const FleetContentStatus&, const FleetContentStatus&) = default;
};

struct DaemonStatus {
  // When it was written: ISO 8601 with the config's offset, "2026-11-24T08:00:05+07:00", for
  // programs and for people anywhere. Files of older versions held updated_text's form here.
  std::string updated;
  // The same time as the panels' clock writes it, "08:00 Thứ Ba, 24/11/2026", for people here;
  // empty in files of older versions.
  std::string updated_text;
  bool running = true;  // false in the last status a stopping daemon writes
  bool clock_trusted = true;
  std::string clock_note;                      // why the clock is not trusted, or was not last
  std::vector<std::string> playlist_problems;  // FILE:LINE:COL lines of the last (re)load
  std::vector<DisplayStatus> displays;
  std::optional<ProofOfPlayStatus> proof_of_play;  // nothing in files of older versions
  std::optional<FleetContentStatus> fleet;         // nothing when not in a fleet
  friend bool operator==(const DaemonStatus&, const DaemonStatus&) = default;
};

std::string to_json(const DaemonStatus& status);
// Nothing when the text is not a status file; never throws.
std::optional<DaemonStatus> status_from_json(std::string_view text);
// For `bangtin status`: a few lines an operator reads at a glance.
std::string status_text(const DaemonStatus& status);

}  // namespace bangtin
