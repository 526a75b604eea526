#include "daemon_check.hpp"

#include "bangtin/controller.hpp"
#include "bangtin/panel_link.hpp"
#include "programme_source.hpp"

namespace bangtin {

namespace {

void add(DaemonCheck& check, std::string line, bool error) {
  check.problems.push_back(std::move(line));
  check.errors += error;
}

}  // namespace

DaemonCheck check_daemon_config(const std::filesystem::path& config_file) {
  DaemonCheck check;
  Loaded<Programme> loaded =
      ProgrammeSource(config_file, ProgrammeSource::Copies::read_only).load();
  for (const Diagnostic& diagnostic : loaded.diagnostics)
    add(check, diagnostic.to_string(), diagnostic.severity == Severity::error);
  if (!loaded.value) return check;
  check.usable = true;
  check.playlists = loaded.value->playlists.size();
  for (const DisplayConfig& display : loaded.value->config.displays) {
    // As the daemon sets each display up: its player (what it cannot draw), then its link.
    try {
      const DisplayPlayer player(*loaded.value, display);
      // Already lines as the diagnostics print ("FILE:LINE:COL: error: ..."), said the same way
      // in the daemon's log when the display starts.
      for (const std::string& problem : player.problems())
        add(check, problem, problem.find(": error: ") != std::string::npos);
      if (display.output != DisplayOutput::window) link_address(display.link);
    } catch (const std::exception& error) {
      // What the daemon's log would say, "display NAME: not started: ...", as an error line.
      add(check,
          printable(config_file.string() + ": error: display " + display.name +
                    ": not started: " + error.what()),
          true);
    }
  }
  return check;
}

}  // namespace bangtin
