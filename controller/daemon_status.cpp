#include "bangtin/daemon_status.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "bangtin/playlists.hpp"

namespace bangtin {

using nlohmann::json;

std::string to_json(const DaemonStatus& status) {
  json displays = json::array();
  for (const DisplayStatus& d : status.displays) {
    json display = {{"name", d.name},
                    {"link", d.link},
                    {"output", d.output},
                    {"connected", d.health.connected},
                    {"on_air", d.on_air},
                    {"playlist", d.playlist},
                    {"since", d.since},
                    {"until", d.until},
                    {"frames_shown", d.health.frames_shown},
                    {"frames_per_second", d.health.frames_per_second},
                    {"bytes_per_frame", d.health.bytes_per_frame},
                    {"errors", d.health.errors},
                    {"reconnects", d.health.reconnects},
                    {"reads_back", d.health.reads_back},
                    {"readback_mismatches", d.health.readback_mismatches},
                    {"strips_uploaded_ahead", d.health.strips_uploaded_ahead},
                    {"strips_without_room_ahead", d.health.strips_without_room_ahead},
                    {"problems", d.problems},
                    {"prepared_items", d.prepared.items},
                    {"prepared_bytes", d.prepared.bytes},
                    {"prepared_budget", d.prepared.budget},
                    {"brightness_percent", d.brightness_percent}};
    displays.push_back(std::move(display));
  }
  json root = {{"updated", status.updated},
               {"updated_text", status.updated_text},
               {"running", status.running},
               {"clock_trusted", status.clock_trusted},
               {"clock_note", status.clock_note},
               {"playlist_problems", status.playlist_problems},
               {"displays", displays}};
  if (const auto& p = status.proof_of_play) {
    root["proof_of_play"] = {{"recording", p->recording},
                             {"problem", p->problem},
                             {"plays_pending", p->plays_pending},
                             {"plays_lost", p->plays_lost}};
  }
  if (const auto& f = status.fleet) {
    json refused = json::array();
    for (const FleetRefusalStatus& r : f->refused)
      refused.push_back({{"topic", r.topic}, {"reason", r.reason}, {"at", r.at}});
    root["fleet"] = {{"kept", f->kept}, {"problems", f->problems}, {"refused", refused}};
  }
  // A file name in a problem line may not be UTF-8; it is shown with U+FFFD, never refused.
  return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::optional<DaemonStatus> status_from_json(std::string_view text) {
  const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) return std::nullopt;
  // A field that another version of bangtind does not write takes its default.
  try {
    DaemonStatus status;
    status.updated = root.value("updated", std::string{});
    status.updated_text = root.value("updated_text", std::string{});
    status.running = root.value("running", true);
    status.clock_trusted = root.value("clock_trusted", true);
    status.clock_note = root.value("clock_note", std::string{});
    status.playlist_problems = root.value("playlist_problems", std::vector<std::string>{});
    if (const auto p = root.find("proof_of_play"); p != root.end() && p->is_object()) {
      status.proof_of_play = ProofOfPlayStatus{
          p->value("recording", true), p->value("problem", std::string{}),
          p->value("plays_pending", std::uint64_t{}), p->value("plays_lost", std::uint64_t{})};
    }
    if (const auto f = root.find("fleet"); f != root.end() && f->is_object()) {
      FleetContentStatus fleet;
      fleet.kept = f->value("kept", std::vector<std::string>{});
      fleet.problems = f->value("problems", std::vector<std::string>{});
      if (const auto r = f->find("refused"); r != f->end() && r->is_array())
        for (const json& refusal : *r)
          fleet.refused.push_back(FleetRefusalStatus{refusal.value("topic", std::string{}),
                                                     refusal.value("reason", std::string{}),
                                                     refusal.value("at", std::string{})});
      status.fleet = std::move(fleet);
    }
    for (const json& d : root.at("displays")) {
      DisplayStatus display;
      display.name = d.value("name", std::string{});
      display.link = d.value("link", std::string{});
      display.output = d.value("output", std::string("panel"));  // older files: only panels
      display.health.connected = d.value("connected", bool{});
      display.on_air = d.value("on_air", std::string{});
      display.playlist = d.value("playlist", std::string{});
      display.since = d.value("since", std::string{});
      display.until = d.value("until", std::string{});
      display.health.frames_shown = d.value("frames_shown", std::uint64_t{});
      display.health.frames_per_second = d.value("frames_per_second", double{});
      display.health.bytes_per_frame = d.value("bytes_per_frame", std::uint64_t{});
      display.health.errors = d.value("errors", std::uint64_t{});
      display.health.reconnects = d.value("reconnects", std::uint64_t{});
      display.health.reads_back = d.value("reads_back", bool{});
      display.health.readback_mismatches = d.value("readback_mismatches", std::uint64_t{});
      display.health.strips_uploaded_ahead = d.value("strips_uploaded_ahead", std::uint64_t{});
      display.health.strips_without_room_ahead =
          d.value("strips_without_room_ahead", std::uint64_t{});
      display.problems = d.value("problems", std::vector<std::string>{});
      display.prepared = PreparedCacheStatus{d.value("prepared_items", std::uint64_t{}),
                                             d.value("prepared_bytes", std::uint64_t{}),
                                             d.value("prepared_budget", std::uint64_t{})};
      display.brightness_percent = d.value("brightness_percent", 0);
      status.displays.push_back(std::move(display));
    }
    return status;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

namespace {

// "08:00:05" for a time of the status's own day at its offset (the first line says both), the
// whole text otherwise, so a play across midnight or a file of an older version reads right.
std::string time_on_the_day(const std::string& time, const std::string& updated) {
  // "2026-11-24T08:00:05+07:00": date and T, time, offset.
  constexpr std::size_t iso_size = 25, time_at = 11, time_size = 8, offset_at = 19;
  const bool same_day_and_offset =
      time.size() == iso_size && updated.size() == iso_size &&
      time.compare(0, time_at, updated, 0, time_at) == 0 &&
      time.compare(offset_at, iso_size - offset_at, updated, offset_at, iso_size - offset_at) == 0;
  return same_day_and_offset ? time.substr(time_at, time_size) : time;
}

}  // namespace

std::string status_text(const DaemonStatus& status) {
  // Every field may hold text from a playlist or from another version's file: escaped, so that
  // no field can add a line or drive the terminal.
  std::string out =
      "bangtind status at " + printable(status.updated) +
      (status.updated_text.empty() ? "" : " (" + printable(status.updated_text) + ")") +
      (status.running ? "\n" : "; bangtind has stopped since\n");
  out += status.clock_trusted ? "clock: trusted\n"
                              : "clock: NOT TRUSTED: " + printable(status.clock_note) + "\n";
  for (const DisplayStatus& d : status.displays) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f", d.health.frames_per_second);
    if (d.output == "window") {
      // A lobby screen: no link, no bytes on a wire; frames a second are those on screen.
      out += "display " + printable(d.name) + ": " +
             (d.health.connected ? "window open" : "WINDOW NOT OPEN") + ", " + rate +
             " frames/s on screen";
    } else {
      // Frames a second the link delivered to the panel: 0 while it is down.
      out += "display " + printable(d.name) + ": " +
             (d.health.connected ? "connected" : "LINK DOWN") + " (" + printable(d.link) + "), " +
             rate + " frames/s delivered, " + std::to_string(d.health.bytes_per_frame) +
             " bytes a frame, " + std::to_string(d.health.errors) + " errors, " +
             std::to_string(d.health.reconnects) + " reconnects";
    }
    if (d.health.reads_back) {
      out += ", panel read-back: " +
             (d.health.readback_mismatches == 0
                  ? std::string("always matched")
                  : std::to_string(d.health.readback_mismatches) + " mismatch(es), repaired");
    }
    out += "\n  on air: " +
           (d.on_air.empty() ? std::string("idle content")
                             : printable(d.on_air) + " (" + printable(d.playlist) + ") since " +
                                   printable(time_on_the_day(d.since, status.updated)) + " until " +
                                   printable(time_on_the_day(d.until, status.updated))) +
           "\n";
    if (d.health.strips_uploaded_ahead + d.health.strips_without_room_ahead > 0) {
      out += "  scroll strips: " + std::to_string(d.health.strips_uploaded_ahead) +
             " uploaded while the scroll before them played, " +
             std::to_string(d.health.strips_without_room_ahead) +
             " without room for that in the panel's memory (their scroll waited for the upload)\n";
    }
    if (d.prepared.budget > 0) {
      char held[96];
      std::snprintf(held, sizeof held, "  drawn and kept: %llu item(s), %.1f of %.0f MiB\n",
                    static_cast<unsigned long long>(d.prepared.items),
                    static_cast<double>(d.prepared.bytes) / (1 << 20),
                    static_cast<double>(d.prepared.budget) / (1 << 20));
      out += held;
    }
    for (const auto& line : d.problems) out += "  problem: " + printable(line) + "\n";
  }
  if (const auto& p = status.proof_of_play) {
    const std::string lost = std::to_string(p->plays_lost) + " play(s) not recorded";
    if (p->recording) {
      out += "proof of play: recording" +
             (p->plays_lost ? " (" + lost + " while it was off)" : "") + "\n";
    } else {
      out += "proof of play: off: " + printable(p->problem) + "; " +
             std::to_string(p->plays_pending) + " play(s) waiting in memory, " + lost + "\n";
    }
  }
  if (const auto& f = status.fleet) {
    out += "fleet: " + std::to_string(f->kept.size()) + " playlist(s) and notice(s) kept\n";
    for (const auto& topic : f->kept) out += "  " + printable(topic) + "\n";
    for (const auto& r : f->refused)
      out += "  refused " + printable(r.topic) + " at " + printable(r.at) + ": " +
             printable(r.reason) + "\n";
  }
  if (status.playlist_problems.empty()) {
    out += "playlists: no problems\n";
  } else {
    out += "playlists: " + std::to_string(status.playlist_problems.size()) + " problem(s):\n";
    for (const auto& line : status.playlist_problems) out += "  " + printable(line) + "\n";
  }
  return out;
}

}  // namespace bangtin
