// Putting the operator's files together into what the daemon plays, and choosing what each
// display shows.
#include <algorithm>
#include <cctype>
#include <map>
#include <system_error>

#include "bangtin/playlists.hpp"
#include "location_text.hpp"
#include "programme_checks.hpp"
#include "source_text.hpp"

namespace bangtin {
namespace {

bool is_playlist_file_name(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  // Editors and file managers leave hidden companions (".#x.yaml", "._x.yaml") that are not
  // playlists and would only be reported as broken ones.
  if (name.empty() || name.front() == '.') return false;
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".yaml" || extension == ".yml";
}

// Like playlist_files, but says why a directory could not be listed.
std::vector<std::filesystem::path> list_playlist_files(const std::filesystem::path& playlists,
                                                       std::error_code& error) {
  const auto status = std::filesystem::status(playlists, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    error.clear();  // load_config has reported it, at the line that names it
    return {};
  }
  if (error) return {};
  if (!std::filesystem::is_directory(status)) return {playlists};
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator entry(playlists, error), end; !error && entry != end;
       entry.increment(error)) {
    std::error_code type_error;
    if (entry->is_regular_file(type_error) && is_playlist_file_name(entry->path()))
      files.push_back(entry->path());
  }
  if (error) return {};
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    return a.filename().string() < b.filename().string();
  });
  return files;
}

// The fleet's playlists, by file name; none while the folder does not exist yet (nothing came).
std::vector<std::filesystem::path> fleet_files(const Config& config) {
  const std::filesystem::path folder = fleet_playlists_folder(config);
  std::error_code error;
  if (folder.empty() || !std::filesystem::is_directory(folder, error)) return {};
  return list_playlist_files(folder, error);
}

void report(std::vector<Diagnostic>& diagnostics, SourceMark where, Severity severity,
            std::string message) {
  diagnostics.push_back(Diagnostic{std::move(where), severity, std::move(message)});
}

// Items and playlists already in the programme, to find the same id or name in a later file.
class ProgrammeNames {
 public:
  // Reports the ids and name the playlist shares with earlier ones; true when it shares none.
  bool check(const Playlist& playlist, std::vector<Diagnostic>& diagnostics) const {
    bool unique = true;
    if (const auto earlier = playlist_files_.find(playlist.name);
        earlier != playlist_files_.end()) {
      report(diagnostics, SourceMark{playlist.file, 0, 0}, Severity::error,
             "duplicate playlist name '" + playlist.name + "' (first in " +
                 earlier->second.string() + ")");
      unique = false;
    }
    for (const auto& item : playlist.items) {
      if (const auto earlier = item_marks_.find(item.id); earlier != item_marks_.end()) {
        report(diagnostics, item.where, Severity::error,
               "duplicate item id '" + item.id + "' (first at " +
                   playlists_detail::location_text(earlier->second) + ")");
        unique = false;
      }
    }
    return unique;
  }

  void add(const Playlist& playlist) {
    playlist_files_.emplace(playlist.name, playlist.file);
    for (const auto& item : playlist.items) item_marks_.emplace(item.id, item.where);
  }

 private:
  std::map<std::string, std::filesystem::path, std::less<>> playlist_files_;
  std::map<std::string, SourceMark, std::less<>> item_marks_;
};

}  // namespace

bool plays_on(const Item& item, const DisplayConfig& display) {
  if (item.targets.empty()) return true;
  return std::any_of(item.targets.begin(), item.targets.end(), [&](const std::string& target) {
    return target == "all" || target == display.name ||
           std::find(display.groups.begin(), display.groups.end(), target) != display.groups.end();
  });
}

std::filesystem::path fleet_playlists_folder(const Config& config) {
  if (!config.fleet || config.fleet->trust.empty()) return {};
  return config.state / "fleet" / "playlists";
}

bool is_from_fleet(const std::filesystem::path& file, const Config& config) {
  const std::filesystem::path folder = fleet_playlists_folder(config);
  if (folder.empty()) return false;
  const std::filesystem::path fleet = folder.parent_path();
  const std::filesystem::path parent = file.parent_path();
  return parent == folder || parent.parent_path() == fleet;
}

std::vector<std::filesystem::path> playlist_files(const Config& config) {
  std::error_code error;
  std::vector<std::filesystem::path> files = list_playlist_files(config.playlists, error);
  for (auto& file : fleet_files(config)) files.push_back(std::move(file));
  return files;
}

std::optional<Loaded<Playlist>> PlaylistCache::find(const std::filesystem::path& file,
                                                    std::string_view bytes) const {
  const auto found = entries_.find(file);
  if (found == entries_.end() || found->second.bytes != bytes) return std::nullopt;
  const Entry& entry = found->second;
  const Playlist* playlist = entry.in_programme ? entry.in_programme
                             : entry.own        ? &*entry.own
                                                : nullptr;
  if (playlist) {
    for (const auto& [media, stamp] : playlist->media_files)
      if (file_stamp(media) != stamp) return std::nullopt;  // a picture replaced: parse again
  }
  Loaded<Playlist> loaded;
  loaded.diagnostics = entry.diagnostics;
  if (entry.in_programme) {
    loaded.value = *entry.in_programme;
  } else if (entry.own) {
    loaded.value = *entry.own;
  } else {
    return std::nullopt;  // its programme let it go (a playlist left out of it): parse again
  }
  return loaded;
}

bool PlaylistCache::knows(const std::filesystem::path& file) const {
  return entries_.count(file) > 0;
}

void PlaylistCache::begin(std::string_view config_bytes) {
  if (config_bytes != config_bytes_) entries_.clear();
  config_bytes_ = config_bytes;
  kept_.clear();
}

void PlaylistCache::keep(const std::filesystem::path& file, std::string bytes,
                         Loaded<Playlist> loaded) {
  kept_[file] = Entry{std::move(bytes), std::move(loaded.diagnostics), std::move(loaded.value),
                      nullptr, nullptr};
}

void PlaylistCache::keep_again(const std::filesystem::path& file) {
  const auto found = entries_.find(file);
  if (found == entries_.end()) return;
  kept_[file] = std::move(found->second);
  entries_.erase(found);
}

void PlaylistCache::end() { entries_ = std::move(kept_); }

void PlaylistCache::remember(std::shared_ptr<const Programme> programme) {
  for (auto& [file, entry] : entries_) {
    const Playlist* in = nullptr;
    if (programme) {
      for (const Playlist& playlist : programme->playlists)
        if (playlist.file == file && playlist.source_bytes == entry.bytes) in = &playlist;
    }
    if (in) {
      entry.own.reset();
      entry.programme = programme;
      entry.in_programme = in;
    } else if (entry.in_programme) {
      // Left out of this programme (a clash with another file's ids): not reused, parsed again.
      entry.programme.reset();
      entry.in_programme = nullptr;
    }
  }
}

namespace {

// The file as the loader reads it (at most 1 MiB, UTF-8), or nothing when it cannot be used:
// loading it again then says why.
std::optional<std::string> file_bytes(const std::filesystem::path& file) {
  std::vector<Diagnostic> said_when_loaded;
  std::optional<playlists_detail::SourceText> source =
      playlists_detail::read_source_file(file, said_when_loaded);
  if (!source) return std::nullopt;
  return source->bytes();
}

Loaded<Playlist> load_playlist_with(const std::filesystem::path& file, const Config* config,
                                    const RenderChecks& checks, PlaylistCache* cache) {
  // A file never loaded before is read once, by the loader itself.
  if (!cache || !cache->knows(file)) {
    Loaded<Playlist> loaded = load_playlist(file, config, checks);
    if (cache && loaded.value) cache->keep(file, loaded.value->source_bytes, loaded);
    return loaded;
  }
  const std::optional<std::string> bytes = file_bytes(file);
  if (bytes) {
    if (std::optional<Loaded<Playlist>> before = cache->find(file, *bytes)) {
      cache->keep_again(file);
      return std::move(*before);
    }
  }
  Loaded<Playlist> loaded = load_playlist(file, config, checks);
  // Kept by the bytes that were parsed, which an edit since the read above may have changed.
  if (loaded.value) cache->keep(file, loaded.value->source_bytes, loaded);
  return loaded;
}

}  // namespace

Loaded<Programme> load_programme(const std::filesystem::path& config_file,
                                 const RenderChecks& checks, PlaylistCache* cache) {
  Loaded<Programme> result;
  if (cache) cache->begin(file_bytes(config_file).value_or(std::string()));
  auto config = load_config(config_file);
  result.diagnostics = std::move(config.diagnostics);
  if (!config.value) return result;
  playlists_detail::check_displays(*config.value, checks, result.diagnostics);

  Programme programme{std::move(*config.value), {}};
  const SourceMark config_as_a_whole{config_file, 0, 0};
  std::error_code error;
  const auto files = list_playlist_files(programme.config.playlists, error);
  if (error) {
    report(result.diagnostics, config_as_a_whole, Severity::error,
           "cannot list playlists directory '" + programme.config.playlists.string() +
               "': " + error.message());
  } else if (files.empty() && std::filesystem::is_directory(programme.config.playlists, error)) {
    report(result.diagnostics, config_as_a_whole, Severity::warning,
           "no playlist files (*.yaml, *.yml) in '" + programme.config.playlists.string() + "'");
  }

  // The office's own playlists first: on a clash of names or ids the fleet's playlist is the one
  // left out, and the province reads why in the site's status.
  std::vector<std::filesystem::path> all_files = files;
  if (!error)
    for (auto& file : fleet_files(programme.config)) all_files.push_back(std::move(file));

  ProgrammeNames names;
  for (const auto& file : all_files) {
    auto playlist = load_playlist_with(file, &programme.config, checks, cache);
    const bool loaded_cleanly = playlist.value && !has_errors(playlist.diagnostics);
    result.diagnostics.insert(result.diagnostics.end(), playlist.diagnostics.begin(),
                              playlist.diagnostics.end());
    // A file plays whole or not at all: half a playlist on the street is harder to notice,
    // and to explain, than a missing one.
    if (!loaded_cleanly || !names.check(*playlist.value, result.diagnostics)) {
      report(result.diagnostics, SourceMark{file, 0, 0}, Severity::warning,
             "playlist left out because of the errors above");
      continue;
    }
    names.add(*playlist.value);
    programme.playlists.push_back(std::move(*playlist.value));
  }

  if (cache) cache->end();
  result.value = std::move(programme);
  return result;
}

const DisplayConfig* find_display(const Config& config, std::string_view name) {
  const auto display =
      std::find_if(config.displays.begin(), config.displays.end(),
                   [&](const DisplayConfig& candidate) { return candidate.name == name; });
  return display == config.displays.end() ? nullptr : &*display;
}

std::vector<const Item*> items_for(const Programme& programme, const DisplayConfig& display) {
  std::vector<const Item*> items;
  for (const auto& playlist : programme.playlists)
    for (const auto& item : playlist.items)
      if (plays_on(item, display)) items.push_back(&item);
  return items;
}

}  // namespace bangtin
