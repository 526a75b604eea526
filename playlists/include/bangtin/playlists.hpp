// bangtin playlists — the operator's files: the daemon config and the playlists it names.
//
// One loader, used by the daemon and by `bangtin validate` alike, so what validates is what plays.
// Loading never throws on bad input: every problem found is a Diagnostic with the file, line and
// column of the offending YAML node, and whatever was good is still returned. The schedule is a
// pure function of time (Rotation), so the daemon is a thin loop over it and tests can run a
// week in milliseconds.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bangtin/frame.hpp"

namespace bangtin {

struct SourceMark {
  std::filesystem::path file;
  int line = 0;    // 1-based; 0 when the problem is with the file as a whole
  int column = 0;  // 1-based
};

enum class Severity { error, warning };

struct Diagnostic {
  SourceMark where;
  Severity severity = Severity::error;
  std::string message;
  // "FILE:LINE:COL: error: message", the form editors and CI logs understand.
  std::string to_string() const;
};

bool has_errors(const std::vector<Diagnostic>& diagnostics);

enum class Effect { scroll };

struct Item {
  std::string id;
  std::string text;  // valid UTF-8, NFC-normalized
  Effect effect = Effect::scroll;
  double speed = 32;                 // pixels per second, for scroll
  int passes = 1;                    // how many times a scroll crosses the board
  std::vector<std::string> targets;  // display names, group names or "all"; empty means all
  SourceMark where;
};

struct Playlist {
  std::string name;
  std::string title;
  std::filesystem::path file;
  std::vector<Item> items;
};

struct DisplayConfig {
  std::string name;
  int width = 0;
  int height = 0;
  PixelFormat pixel = PixelFormat::mono;
  std::string link;  // e.g. "modbus-tcp://127.0.0.1:1502?unit=1"
  std::vector<std::string> groups;
  double fps = 25;   // frames pushed per second
  std::string font;  // a font file; empty picks a face covering Vietnamese through fontconfig
  SourceMark where;
};

struct Config {
  std::filesystem::path file;
  std::chrono::minutes utc_offset{0};  // `timezone: "+07:00"`
  std::filesystem::path playlists;     // a directory (every *.yaml in it) or one file
  std::vector<DisplayConfig> displays;
};

template <typename T>
struct Loaded {
  std::optional<T> value;  // empty only when nothing usable could be read
  std::vector<Diagnostic> diagnostics;
};

// Reads a daemon config. Relative paths in it are resolved against the config's directory.
Loaded<Config> load_config(const std::filesystem::path& file);

// Reads one playlist. With a config, targets are checked against its displays and groups.
Loaded<Playlist> load_playlist(const std::filesystem::path& file, const Config* config = nullptr);

// The playlist files a config names, in the order they play (by file name).
std::vector<std::filesystem::path> playlist_files(const Config& config);

// Everything the daemon plays: the config and all its playlists. Bad playlists are reported and
// left out; duplicate item ids across files are errors.
struct Programme {
  Config config;
  std::vector<Playlist> playlists;
};
Loaded<Programme> load_programme(const std::filesystem::path& config_file);

// "2026-11-24T08:00:00" (seconds optional) read as local time at the given offset from UTC.
std::optional<std::chrono::system_clock::time_point> parse_local_datetime(
    std::string_view text, std::chrono::minutes utc_offset);
// "+07:00", "-05:30", "Z" or "UTC" -> offset from UTC.
std::optional<std::chrono::minutes> parse_utc_offset(std::string_view text);

// True when the file reads as a daemon config (a mapping with `displays:`), so `bangtin validate`
// can take configs and playlists in one list.
bool looks_like_config(const std::filesystem::path& file);

const DisplayConfig* find_display(const Config& config, std::string_view name);

// The items that target a display, in play order (playlist files by name, then file order).
std::vector<const Item*> items_for(const Programme& programme, const DisplayConfig& display);

// A rotation plays items one after another, each for its duration, over and over. Its phase is
// fixed to the Unix epoch, so the slot at any instant is a pure function of that instant: the
// daemon and `bangtin render --at` agree on what a board shows, to the frame.
class Rotation {
 public:
  using Clock = std::chrono::system_clock;
  explicit Rotation(std::vector<Clock::duration> durations);

  struct Slot {
    std::size_t index = 0;      // which item
    Clock::time_point started;  // when this showing of it began
    Clock::time_point ends;
  };
  // Nothing when there are no items (or all last zero time).
  std::optional<Slot> at(Clock::time_point now) const;

 private:
  std::vector<Clock::duration> durations_;
  Clock::duration cycle_{0};
};

}  // namespace bangtin
