#include "programme_source.hpp"

#include <algorithm>
#include <set>

#include "atomic_file.hpp"

namespace bangtin {

namespace {

// The fleet's files have theirs apart: a local file may have any name.
std::filesystem::path last_good_directory(const Config& config,
                                          const std::filesystem::path& playlist) {
  if (is_from_fleet(playlist, config)) return config.state / "fleet" / "last-good";
  return config.state / "last-good";
}

void warn(std::vector<Diagnostic>& diagnostics, const std::filesystem::path& file,
          std::string message) {
  diagnostics.push_back(Diagnostic{SourceMark{file, 0, 0}, Severity::warning, std::move(message)});
}

}  // namespace

ProgrammeSource::ProgrammeSource(std::filesystem::path config_file, Copies copies)
    : config_file_(std::move(config_file)), copies_(copies) {}

Loaded<Programme> ProgrammeSource::load() {
  Loaded<Programme> loaded = load_programme(config_file_, {}, &parsed_);
  if (!loaded.value) return loaded;
  Programme& programme = *loaded.value;

  std::set<std::string> fresh;
  std::set<std::string> item_ids;
  for (const Playlist& playlist : programme.playlists) {
    const std::string name = playlist.file.filename().string();
    fresh.insert(name);
    for (const Item& item : playlist.items) item_ids.insert(item.id);
    // The copy on disk is what stands in when the file breaks; memory keeps one only where the
    // disk would not take it (a programme of thousands of items is not held twice for nothing).
    bool on_disk = false;
    if (copies_ == Copies::keep) {
      try {
        // The bytes that were checked, not the file read again: an edit saved since then has
        // not been checked and must not become what plays after a restart.
        replace_file(last_good_directory(programme.config, playlist.file) / name,
                     playlist.source_bytes);
        on_disk = true;
      } catch (const std::exception& error) {
        warn(loaded.diagnostics, playlist.file,
             std::string("no last-good copy kept: ") + error.what());
      }
    }
    if (on_disk) {
      last_good_.erase(name);
    } else {
      last_good_[name] = playlist;
    }
  }

  for (const auto& file : playlist_files(programme.config)) {
    const std::string name = file.filename().string();
    if (fresh.count(name)) continue;
    auto kept = last_good_.find(name);
    std::string from = "kept from before";
    if (kept == last_good_.end()) {
      // The copy in the state directory stands in (kept there by this daemon, or by the one
      // before a restart).
      const auto copy = last_good_directory(programme.config, file) / name;
      if (!std::filesystem::exists(copy)) continue;
      Loaded<Playlist> saved = load_playlist(copy, &programme.config);
      if (!saved.value || has_errors(saved.diagnostics)) continue;
      kept = last_good_.emplace(name, std::move(*saved.value)).first;
      from = "from " + copy.string();
    }
    const auto clash = std::find_if(kept->second.items.begin(), kept->second.items.end(),
                                    [&](const Item& item) { return item_ids.count(item.id) > 0; });
    if (clash != kept->second.items.end()) {
      warn(loaded.diagnostics, file,
           "its last good version cannot stand in: item id '" + clash->id +
               "' is now used in another playlist");
      continue;
    }
    for (const Item& item : kept->second.items) item_ids.insert(item.id);
    programme.playlists.push_back(kept->second);
    warn(loaded.diagnostics, file,
         "the last good version stays on air (" + from + ") until the errors above are fixed");
  }
  std::sort(programme.playlists.begin(), programme.playlists.end(),
            [](const Playlist& a, const Playlist& b) {
              return a.file.filename().string() < b.file.filename().string();
            });
  return loaded;
}

}  // namespace bangtin
