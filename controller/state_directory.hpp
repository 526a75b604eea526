// Private to the controller: who may touch the daemon's state directory.
//
// STATE holds the last-good playlists that go on air after a restart, proof of play and the
// status. Whoever can write there decides what the boards show next, so whatever the umask the
// daemon runs under, only its user writes and its group (operators running `bangtin report` and
// `bangtin status`) reads.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace bangtin {

constexpr mode_t kStateDirectoryMode = 0750;
constexpr mode_t kStateFileMode = 0640;

// Creates `directory` and its missing parents, each with exactly kStateDirectoryMode. Throws
// std::runtime_error naming the directory when it cannot.
void make_state_directory(const std::filesystem::path& directory);

// Tightens what an older version or a loose umask left: `state`, its last-good/ directory and the
// files directly in them, where this user owns them and they allow more than the modes above.
// Returns a line for the log for each one changed (or that could not be); never throws.
std::vector<std::string> tighten_state_directory(const std::filesystem::path& state);

}  // namespace bangtin
