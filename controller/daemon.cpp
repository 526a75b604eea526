#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <cstdio>

#include "bangtin/controller.hpp"
#include "bangtin/daemon_status.hpp"
#include "bangtin/panel_link.hpp"
#include "display_runner.hpp"
#include "playlist_watcher.hpp"

namespace bangtin {

namespace {

// Editors save in bursts; a tenth of a second of quiet keeps reloads well inside a second.
constexpr auto kReloadSettle = std::chrono::milliseconds(100);
constexpr auto kStatusPeriod = std::chrono::seconds(1);

std::filesystem::path last_good_directory(const Config& config) {
  return config.state / "last-good";
}

// Keeps a copy of a playlist that loaded cleanly, so that a restart with a broken file still
// shows the last good content. Written beside and renamed, so a power cut never leaves half.
void keep_last_good_copy(const Config& config, const std::filesystem::path& file) {
  const auto directory = last_good_directory(config);
  std::filesystem::create_directories(directory);
  const auto copy = directory / file.filename();
  const auto partial = directory / ("." + file.filename().string() + ".partial");
  std::filesystem::copy_file(file, partial, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(partial, copy);
}

}  // namespace

struct Daemon::Impl {
  boost::asio::io_context& loop;
  std::filesystem::path config_file;
  Clocks clocks;
  LogSink log;
  Config config;
  std::unique_ptr<PlayJournal> journal;
  std::vector<std::unique_ptr<DisplayRunner>> runners;
  std::unique_ptr<PlaylistWatcher> watcher;
  // Reading and checking playlists is disk work: it happens here, never on the loop thread.
  boost::asio::thread_pool disk{1};
  // The last version of each playlist file that loaded cleanly, by file name (disk thread only).
  std::map<std::string, Playlist> last_good;
  boost::asio::steady_timer status_timer;
  std::vector<std::string> playlist_problems;
  std::string clock_note;
  std::chrono::steady_clock::time_point last_clock_warning;
  std::optional<ClockReading> previous_reading;
  bool clock_trusted = true;
  bool stopped = false;

  Impl(boost::asio::io_context& loop_, std::filesystem::path file, Clocks clocks_, LogSink log_)
      : loop(loop_),
        config_file(std::move(file)),
        clocks(std::move(clocks_)),
        log(std::move(log_)),
        status_timer(loop_) {}

  void remember_problems(const std::vector<Diagnostic>& diagnostics) {
    playlist_problems.clear();
    for (const Diagnostic& diagnostic : diagnostics) {
      log(diagnostic.to_string());
      playlist_problems.push_back(diagnostic.to_string());
    }
  }

  void write_status() {
    DaemonStatus status;
    status.updated = vietnamese_clock_text(clocks.wall(), config.utc_offset);
    status.clock_trusted = clock_trusted;
    status.clock_note = clock_note;
    status.playlist_problems = playlist_problems;
    for (const auto& runner : runners) status.displays.push_back(runner->status(config.utc_offset));
    boost::asio::post(disk, [this, text = to_json(status)] {
      const auto file = config.state / "status.json";
      const auto partial = config.state / ".status.json.partial";
      std::error_code error;
      std::filesystem::create_directories(config.state, error);
      if (std::FILE* out = std::fopen(partial.c_str(), "w")) {
        const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
        if (std::fclose(out) == 0 && written) std::filesystem::rename(partial, file, error);
      }
    });
  }

  void keep_status() {
    write_status();
    status_timer.expires_after(kStatusPeriod);
    status_timer.async_wait([this](const boost::system::error_code& error) {
      if (!error && !stopped) keep_status();
    });
  }

  // Loads the programme; a playlist that fails keeps its last good version on air.
  Loaded<Programme> load() {
    Loaded<Programme> loaded = load_programme(config_file);
    if (!loaded.value) return loaded;
    Programme& programme = *loaded.value;
    std::set<std::string> fresh;
    for (const Playlist& playlist : programme.playlists) {
      const std::string name = playlist.file.filename().string();
      fresh.insert(name);
      last_good[name] = playlist;
      try {
        keep_last_good_copy(programme.config, playlist.file);
      } catch (const std::exception& error) {
        log(std::string("cannot keep a last-good copy: ") + error.what());
      }
    }
    for (const auto& file : playlist_files(programme.config)) {
      const std::string name = file.filename().string();
      if (fresh.count(name)) continue;
      auto kept = last_good.find(name);
      std::string from = "kept from before";
      if (kept == last_good.end()) {
        // After a restart the memory is empty: the copy in the state directory stands in.
        const auto copy = last_good_directory(programme.config) / name;
        if (!std::filesystem::exists(copy)) continue;
        Loaded<Playlist> saved = load_playlist(copy, &programme.config);
        if (!saved.value || has_errors(saved.diagnostics)) continue;
        kept = last_good.emplace(name, std::move(*saved.value)).first;
        from = "from " + copy.string();
      }
      programme.playlists.push_back(kept->second);
      loaded.diagnostics.push_back(Diagnostic{
          SourceMark{file, 0, 0}, Severity::warning,
          "the last good version stays on air (" + from + ") until the errors above are fixed"});
    }
    std::sort(programme.playlists.begin(), programme.playlists.end(),
              [](const Playlist& a, const Playlist& b) {
                return a.file.filename().string() < b.file.filename().string();
              });
    return loaded;
  }

  void reload() {
    boost::asio::post(disk, [this] {
      auto loaded = std::make_shared<Loaded<Programme>>(load());
      boost::asio::post(loop, [this, loaded] {
        if (stopped) return;
        remember_problems(loaded->diagnostics);
        if (!loaded->value) {
          log("playlists not reloaded: the config cannot be read; what is on air stays");
          return;
        }
        log("playlists reloaded: " + std::to_string(loaded->value->playlists.size()) +
            " playlist(s)");
        for (auto& runner : runners) runner->reload(*loaded->value);
      });
    });
  }

  // Asked before every frame, so not one frame is scheduled from a wrong date.
  bool check_clock_now() {
    const ClockReading reading{clocks.wall(), clocks.monotonic()};
    const ClockCheck check =
        clocks.earliest ? check_clock(*clocks.earliest, previous_reading, reading) : ClockCheck{};
    previous_reading = reading;
    const bool sane = check.verdict == ClockVerdict::sane;
    clock_note = check.explanation;
    if (!sane) {
      // Loud, but not at every frame: at once, then once a minute while it lasts.
      if (clock_trusted || reading.monotonic - last_clock_warning > std::chrono::minutes(1)) {
        log("CLOCK: " + check.explanation + " (check NTP or the real-time clock)");
        last_clock_warning = reading.monotonic;
      }
    } else if (!clock_trusted) {
      log("CLOCK: the time is right again; the schedule resumes");
    }
    clock_trusted = sane;
    return sane;
  }
};

Daemon::Daemon(boost::asio::io_context& loop, const std::filesystem::path& config_file,
               Clocks clocks, LogSink log)
    : impl_(std::make_unique<Impl>(loop, config_file, std::move(clocks), std::move(log))) {
  Impl& d = *impl_;
  Loaded<Programme> loaded = d.load();
  d.remember_problems(loaded.diagnostics);
  if (!loaded.value) {
    throw std::runtime_error("cannot start: " + config_file.string() + " is not a usable config");
  }
  const Programme& programme = *loaded.value;
  d.config = programme.config;

  try {
    d.journal = std::make_unique<PlayJournal>(d.config.state / "plays.sqlite3", d.log);
  } catch (const std::exception& error) {
    d.log(std::string("proof of play is off: ") + error.what());
  }
  d.check_clock_now();

  for (const DisplayConfig& display : d.config.displays) {
    // A display that cannot be set up is reported and skipped; the others still play.
    try {
      auto worker = std::make_unique<LinkWorker>(
          display.name, open_link(display.link),
          PanelGeometry{display.width, display.height, display.pixel}, d.log);
      d.runners.push_back(std::make_unique<DisplayRunner>(
          loop, DisplayPlayer(programme, display), std::move(worker), d.clocks, d.log,
          d.journal.get(), [&d] { return d.check_clock_now(); }));
    } catch (const std::exception& error) {
      d.log("display " + display.name + ": not started: " + error.what());
    }
  }
  if (d.runners.empty()) d.log("no display could be started; waiting for a signal to stop");

  const bool one_file = !std::filesystem::is_directory(d.config.playlists);
  try {
    d.watcher = std::make_unique<PlaylistWatcher>(
        loop, one_file ? d.config.playlists.parent_path() : d.config.playlists,
        one_file ? std::optional(d.config.playlists.filename().string()) : std::nullopt,
        kReloadSettle, [&d] { d.reload(); });
  } catch (const std::exception& error) {
    d.log(std::string("playlists will not reload by themselves: ") + error.what());
  }
  for (auto& runner : d.runners) runner->start();
  d.keep_status();
}

Daemon::~Daemon() {
  stop();
  impl_->disk.join();
}

void Daemon::stop() {
  Impl& d = *impl_;
  if (d.stopped) return;
  d.stopped = true;
  d.watcher.reset();
  d.status_timer.cancel();
  d.write_status();  // the last word: links closed, nothing on air
  for (auto& runner : d.runners) runner->stop();
}

std::vector<std::string> Daemon::running_displays() const {
  std::vector<std::string> names;
  for (const auto& runner : impl_->runners) names.push_back(runner->name());
  return names;
}

}  // namespace bangtin
