// Private to the controller: the playlists folder as the operator console edits it.
//
// Files stay the source of truth. The console reads NAME.yaml (or NAME.yml) from the config's
// playlists folder and writes it back whole, atomically, and only when the daemon's own loader
// and render checks find no error in it; the daemon's watcher then puts it on air. Each file's
// version is the SHA-256 of its bytes: a save names the version it was made from, and a file
// changed since (by another operator, or by hand) is never overwritten silently. Urgent notices
// live in a playlist of their own that only the console writes. Blocking: call off the loop.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bangtin/playlists.hpp"
#include "console_accounts.hpp"

namespace bangtin {

// A playlist's name in the console and in its file name: 1-64 of [a-z0-9-], not starting with a
// hyphen. Nothing when acceptable, else why not (in Vietnamese, to show as it is).
std::optional<std::string> playlist_name_problem(std::string_view name);

struct PlaylistSummary {
  std::string name;  // the file's stem
  std::string file;  // its name in the folder
  std::string title;
  std::size_t items = 0;
  std::string version;
  bool notices = false;  // the console's own playlist of urgent notices
};

struct PlaylistDocument {
  PlaylistSummary summary;
  std::string yaml;
  std::optional<Playlist> playlist;  // as the loader reads it; nothing when it cannot
  std::vector<Diagnostic> problems;
};

// The file changed since the version the save was made from.
struct PlaylistConflict : std::runtime_error {
  explicit PlaylistConflict(std::optional<PlaylistDocument> current_)
      : std::runtime_error("version conflict"), current(std::move(current_)) {}
  std::optional<PlaylistDocument> current;  // nothing: it was deleted meanwhile
  std::string saved_by;                     // from the audit, when it knows
  std::string saved_at;
};

// The loader found errors: nothing was written.
struct PlaylistInvalid : std::runtime_error {
  explicit PlaylistInvalid(std::vector<Diagnostic> problems_)
      : std::runtime_error("invalid playlist"), problems(std::move(problems_)) {}
  std::vector<Diagnostic> problems;
};

// An urgent notice, as the console shows and takes it.
struct Notice {
  std::string id;
  std::string text;
  std::vector<std::string> targets;  // "all", displays, groups
  std::string until;                 // local "2026-12-01T17:00"
};

class PlaylistFolder {
 public:
  // `drafts`: a directory of the state for files being checked, outside the watched folder.
  PlaylistFolder(std::filesystem::path config_file, std::filesystem::path drafts,
                 AccountStore& accounts);

  // The config as it is on disk now; throws std::runtime_error when it cannot be read.
  Config config() const;
  std::vector<PlaylistSummary> list() const;
  std::optional<PlaylistDocument> read(std::string_view name) const;
  // Writes `yaml` as the playlist `name` when the file is still at `version` ("" for a playlist
  // that does not exist yet) and the loader finds no error in it (item ids used by other
  // playlists included). Returns the new version and the warnings. Throws PlaylistConflict,
  // PlaylistInvalid, std::invalid_argument for a bad name.
  struct Saved {
    std::string version;
    std::vector<Diagnostic> warnings;
  };
  Saved save(std::string_view name, std::string_view version, std::string_view yaml,
             const Actor& by);
  void remove(std::string_view name, std::string_view version, const Actor& by);

  // Checks a one-item playlist as the loader would and returns its item (for previews).
  Item check_item(std::string_view item_yaml) const;

  std::vector<Notice> notices() const;
  // Adds an urgent notice for the targets until the given local time; returns its id.
  std::string add_notice(const Notice& notice, const Actor& by);
  // Ends a notice now (it leaves the boards within a second); false when there is none.
  bool end_notice(std::string_view id, const Actor& by);

  static constexpr std::string_view kNoticesName = "thong-bao-khan";

 private:
  std::filesystem::path file_of(std::string_view name) const;
  // `ids_against_others`: also refuse item ids another playlist file uses (not for previews).
  std::vector<Diagnostic> check(std::string_view name, std::string_view yaml,
                                std::optional<Playlist>* loaded,
                                bool ids_against_others = true) const;
  // When the config names one playlist file rather than a folder: its name, the only one the
  // console may read or write (the watcher follows that file alone).
  std::optional<std::string> only_name() const;
  void check_editable(std::string_view name) const;
  std::string notices_yaml(const std::vector<Notice>& notices) const;

  std::filesystem::path config_file_;
  std::filesystem::path drafts_;
  // The config as last read, and the file's time and size then (the pools ask at once).
  mutable std::mutex config_mutex_;
  mutable std::optional<Config> config_;
  mutable std::filesystem::file_time_type config_written_;
  mutable std::uintmax_t config_size_ = 0;
  AccountStore& accounts_;
};

}  // namespace bangtin
