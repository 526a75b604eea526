// Private to the controller: the programme as the boards play it.
//
// Every playlist that loads cleanly, and for each that does not, its last good version: kept in
// memory across reloads, and as a copy in STATE/last-good/ across restarts, so that a broken
// edit never takes a message off the street. The daemon keeps the copies up to date; the CLI's
// render and plan only read them, so they show what the boards show.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "bangtin/controller.hpp"

namespace bangtin {

class ProgrammeSource {
 public:
  enum class Copies { keep, read_only };
  ProgrammeSource(std::filesystem::path config_file, Copies copies);

  // Diagnostics include a warning for each playlist whose last good version stands in.
  Loaded<Programme> load();
  // The programme made of the last load, as the daemon keeps it: the next load takes unchanged
  // playlists from it (see PlaylistCache::remember).
  void remember(std::shared_ptr<const Programme> programme) {
    parsed_.remember(std::move(programme));
  }

 private:
  std::filesystem::path config_file_;
  Copies copies_;
  std::map<std::string, Playlist> last_good_;  // by file name
  PlaylistCache parsed_;                       // a reload parses only the files that changed
};

}  // namespace bangtin
