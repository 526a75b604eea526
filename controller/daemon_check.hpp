// Private to the controller: what `bangtind --check` finds, without starting anything.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "bangtin/playlists.hpp"

namespace bangtin {

struct DaemonCheck {
  // One line each, as `bangtin validate` prints them: "FILE:LINE:COL: error: message".
  std::vector<std::string> problems;
  int errors = 0;
  std::size_t playlists = 0;  // loaded
  bool usable = false;        // the config could be read: bangtind would start
};

// The config and every playlist read as bangtind reads them at start (the last-good copies in
// the state directory stand in for broken playlists, and are read, never written), and what each
// display would say of its content and its link. Opens no socket, no window, writes nothing.
DaemonCheck check_daemon_config(const std::filesystem::path& config_file);

}  // namespace bangtin
