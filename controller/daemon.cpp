#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <set>
#include <stdexcept>

#include "atomic_file.hpp"
#include "bangtin/controller.hpp"
#include "bangtin/daemon_status.hpp"
#include "bangtin/date_time_text.hpp"
#include "console_api.hpp"
#include "console_server.hpp"
#include "display_runner.hpp"
#include "fleet_content.hpp"
#include "fleet_link.hpp"
#include "fleet_plays.hpp"
#include "playlist_watcher.hpp"
#include "programme_source.hpp"
#include "state_directory.hpp"

namespace bangtin {

namespace {

// Editors save in bursts; a tenth of a second of quiet keeps reloads well inside a second.
constexpr auto kReloadSettle = std::chrono::milliseconds(100);
constexpr auto kStatusPeriod = std::chrono::seconds(1);

// The folders the programme's media files are in, and the playlists folder's media/ (where a
// picture a broken playlist waits for is most likely uploaded: that playlist is not in the
// programme to name its folder).
std::set<std::filesystem::path> media_folders(const Programme& programme) {
  std::set<std::filesystem::path> folders;
  const auto usual = media_folder({}, &programme.config) / "media";
  std::error_code error;
  if (std::filesystem::is_directory(usual, error)) folders.insert(usual);
  for (const Playlist& playlist : programme.playlists)
    for (const auto& [file, stamp] : playlist.media_files) folders.insert(file.parent_path());
  return folders;
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
  std::vector<DisplayConfig> displays_started;  // the runners' displays, in the same order
  std::unique_ptr<PlaylistWatcher> watcher;
  // Reading and checking playlists is disk work: it happens here, never on the loop thread.
  boost::asio::thread_pool disk{1};
  ProgrammeSource source;  // disk thread only, once the loop runs
  ContentPlanner planner;  // disk thread only, once the loop runs
  boost::asio::steady_timer status_timer;
  std::vector<std::string> playlist_problems;
  std::string clock_note;
  std::string status_failure;  // disk thread only
  std::chrono::steady_clock::time_point last_clock_warning;
  std::optional<ClockReading> previous_reading;
  bool clock_trusted = true;
  bool stopped = false;
  std::unique_ptr<ConsoleApi> console_api;
  std::unique_ptr<ConsoleServer> console;
  // The province's signed playlists and notices: disk thread only, once the loop runs.
  std::unique_ptr<FleetContent> fleet_content;
  // After the runners, so it goes first: its last status reads theirs.
  std::unique_ptr<FleetLink> fleet;
  int ticks_since_expiry_check = 0;

  Impl(boost::asio::io_context& loop_, std::filesystem::path file, Clocks clocks_, LogSink log_)
      : loop(loop_),
        config_file(std::move(file)),
        clocks(std::move(clocks_)),
        log(std::move(log_)),
        source(config_file, ProgrammeSource::Copies::keep),
        status_timer(loop_) {}

  void remember_problems(const std::vector<Diagnostic>& diagnostics) {
    playlist_problems.clear();
    for (const Diagnostic& diagnostic : diagnostics) {
      log.write(diagnostic.severity == Severity::error ? LogLevel::error : LogLevel::warning,
                diagnostic.to_string());
      playlist_problems.push_back(diagnostic.to_string());
    }
  }

  DaemonStatus current_status() const {
    DaemonStatus status;
    status.running = !stopped;
    const auto now = clocks.wall();
    status.updated = iso_date_time_text(now, config.utc_offset);
    status.updated_text = vietnamese_clock_text(now, config.utc_offset);
    status.clock_trusted = clock_trusted;
    status.clock_note = clock_note;
    status.playlist_problems = playlist_problems;
    for (const auto& runner : runners) status.displays.push_back(runner->status(config.utc_offset));
    if (journal) status.proof_of_play = journal->status();
    if (fleet_content) status.fleet = fleet_content_status();
    return status;
  }

  // The problems in the fleet's files name their topic, which the province knows, not the file
  // this controller keeps it in.
  FleetContentStatus fleet_content_status() const {
    FleetContentStatus content;
    content.kept = fleet_content->kept_topics();
    for (const FleetRefusal& refusal : fleet_content->refusals())
      content.refused.push_back(FleetRefusalStatus{refusal.topic, refusal.reason, refusal.at});
    const std::string folder = fleet_playlists_folder(config).string() + "/";
    for (const std::string& problem : playlist_problems) {
      if (!problem.starts_with(folder)) continue;
      const std::string rest = problem.substr(folder.size());
      const auto colon = rest.find(':');
      const auto topic = fleet_topic_of(rest.substr(0, colon), *config.fleet);
      content.problems.push_back(
          topic ? *topic + (colon == std::string::npos ? "" : rest.substr(colon)) : rest);
    }
    return content;
  }

  void write_status() {
    boost::asio::post(disk, [this, text = to_json(current_status())] {
      try {
        replace_file(config.state / "status.json", text);
        status_failure.clear();
      } catch (const std::exception& error) {
        if (error.what() != status_failure)
          log.error(std::string("status not written: ") + error.what());
        status_failure = error.what();
      }
    });
  }

  // The console on the config's address; the boards play on when it cannot listen.
  void start_console() {
    if (!config.console) return;
    try {
      ConsoleSources sources;
      sources.status = [this] { return current_status(); };
      sources.frame = [this](std::string_view name) -> std::optional<Frame> {
        for (const auto& runner : runners)
          if (runner->name() == name)
            return runner->last_frame() ? *runner->last_frame()
                                        : Frame::blank(runner->player().display().width,
                                                       runner->player().display().height,
                                                       runner->player().display().pixel);
        return std::nullopt;
      };
      console_api = std::make_unique<ConsoleApi>(
          loop,
          ConsoleSetup{config_file, config.state, console_web_root(), config.console->tls(),
                       is_loopback_address(config.console->host)},
          std::move(sources), log);
      console = std::make_unique<ConsoleServer>(
          loop, *config.console,
          [api = console_api.get()](ConsoleRequest request, const std::string& peer,
                                    ConsoleServer::Respond respond) {
            api->handle(std::move(request), peer, std::move(respond));
          },
          log);
      log(std::string("console: listening on ") + (config.console->tls() ? "https" : "http") +
          "://" +
          (config.console->host.find(':') != std::string::npos ? "[" + config.console->host + "]"
                                                               : config.console->host) +
          ":" + std::to_string(console->port()) + "/");
    } catch (const std::exception& error) {
      console.reset();
      console_api.reset();
      log.error(std::string("console: not started: ") + error.what());
    }
  }

  // The fleet's broker, when the config names one; the boards play on when it cannot be joined.
  void start_fleet() {
    if (!config.fleet) return;
    try {
      fleet = std::make_unique<FleetLink>(
          loop, *config.fleet, [this] { return current_status(); }, log,
          [this](std::string topic, std::string payload) {
            if (!fleet_content) return;
            boost::asio::post(disk, [this, topic = std::move(topic), payload = std::move(payload)] {
              if (fleet_content->receive(topic, payload)) reload();
            });
          },
          fleet_outbox_file(config.state), config.utc_offset);
    } catch (const std::exception& error) {
      log.error(std::string("fleet: not joined: ") + error.what());
    }
  }

  void keep_status() {
    write_status();
    if (fleet) fleet->status_tick();
    // A notice leaves the boards at its expiry by its own `until`; its files go soon after.
    if (fleet_content && ++ticks_since_expiry_check >= 30) {
      ticks_since_expiry_check = 0;
      boost::asio::post(disk, [this] {
        if (fleet_content->remove_expired()) reload();
      });
    }
    status_timer.expires_after(kStatusPeriod);
    status_timer.async_wait([this](const boost::system::error_code& error) {
      if (!error && !stopped) keep_status();
    });
  }

  Loaded<Programme> load() { return source.load(); }

  void reload() {
    boost::asio::post(disk, [this] {
      std::shared_ptr<Loaded<Programme>> loaded;
      // Each display's schedule, measured here too: thousands of items take a second or more,
      // which the boards must not wait for.
      auto planned = std::make_shared<std::vector<std::shared_ptr<const DisplayContent>>>();
      std::size_t playlists = 0;
      auto folders = std::make_shared<std::set<std::filesystem::path>>();
      try {
        loaded = std::make_shared<Loaded<Programme>>(load());
        if (loaded->value) {
          playlists = loaded->value->playlists.size();
          *folders = media_folders(*loaded->value);
          const auto programme = std::make_shared<const Programme>(std::move(*loaded->value));
          source.remember(programme);
          planner.next_programme();
          for (const DisplayConfig& display : displays_started)
            planned->push_back(planner.plan(programme, display));
          loaded->value = Programme{programme->config, {}};  // the config is all the loop needs
        }
      } catch (const std::exception& error) {
        log.error(std::string("playlists not reloaded: ") + error.what());
        return;
      }
      boost::asio::post(loop, [this, loaded, planned, playlists, folders] {
        if (stopped) return;
        remember_problems(loaded->diagnostics);
        if (watcher && loaded->value) watcher->watch_media(*folders);
        if (!loaded->value) {
          log.error("playlists not reloaded: the config cannot be read; what is on air stays");
          return;
        }
        log("playlists reloaded: " + std::to_string(playlists) + " playlist(s)");
        for (std::size_t i = 0; i < runners.size(); ++i) {
          auto& runner = runners[i];
          try {
            runner->reload((*planned)[i]);
          } catch (const std::exception& error) {
            log.error("display " + runner->name() + ": reload not applied: " + error.what());
          }
        }
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
    // The note keeps the last problem, so the status still tells of a jump once it is over.
    if (!sane) clock_note = check.explanation;
    if (!sane) {
      // Loud, but not at every frame: at once, then once a minute while it lasts.
      if (clock_trusted || reading.monotonic - last_clock_warning > std::chrono::minutes(1)) {
        log.warning("CLOCK: " + check.explanation + " (check NTP or the real-time clock)");
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
  // What the fleet sent is checked against today's trust key before anything of it plays.
  if (const Loaded<Config> config = load_config(config_file); config.value && config.value->fleet)
    d.fleet_content = std::make_unique<FleetContent>(*config.value, d.clocks.wall, d.log);
  Loaded<Programme> loaded = d.load();
  d.remember_problems(loaded.diagnostics);
  if (!loaded.value) {
    throw std::runtime_error("cannot start: " + config_file.string() + " is not a usable config");
  }
  // One copy of the programme, shared by every display's schedule.
  const auto programme = std::make_shared<const Programme>(std::move(*loaded.value));
  d.source.remember(programme);
  d.config = programme->config;
  // Said once, at start: from then on everything in it is created with the right modes.
  for (const std::string& line : tighten_state_directory(d.config.state)) d.log.warning(line);

  // A database that cannot be opened yet (a state directory mounted late, made writable later)
  // is said in the log and the status, and tried again; plays wait in memory meanwhile.
  // In a fleet, each play that ends also goes to the outbox, from the journal's thread.
  d.journal = std::make_unique<PlayJournal>(
      d.config.state / "plays.sqlite3", d.log, PlayJournal::Limits{},
      d.config.fleet ? fleet_outbox_feed(fleet_outbox_file(d.config.state), d.config.fleet->site,
                                         d.config.utc_offset, d.log)
                     : EndedPlaySink{});
  d.check_clock_now();

  for (const DisplayConfig& display : d.config.displays) {
    // A display that cannot be set up is reported and skipped; the others still play.
    try {
      DisplayPlayer player(*programme, display, d.planner.plan(programme, display));
      d.runners.push_back(std::make_unique<DisplayRunner>(
          loop, std::move(player), open_output(display, d.log), d.clocks, d.log, d.journal.get(),
          [&d] { return d.check_clock_now(); }));
      d.displays_started.push_back(display);
    } catch (const std::exception& error) {
      d.log.error("display " + display.name + ": not started: " + error.what());
    }
  }
  if (d.runners.empty()) d.log.error("no display could be started; waiting for a signal to stop");

  const bool one_file = !std::filesystem::is_directory(d.config.playlists);
  try {
    d.watcher = std::make_unique<PlaylistWatcher>(
        loop, one_file ? d.config.playlists.parent_path() : d.config.playlists,
        one_file ? std::optional(d.config.playlists.filename().string()) : std::nullopt,
        kReloadSettle, [&d] { d.reload(); },
        [&d] {
          d.log.warning(
              "the playlists directory was removed or renamed: playlists no longer reload by "
              "themselves; restart bangtind once it is back");
        });
  } catch (const std::exception& error) {
    d.log.warning(std::string("playlists will not reload by themselves: ") + error.what());
  }
  if (d.watcher) d.watcher->watch_media(media_folders(*programme));
  for (auto& runner : d.runners) runner->start();
  d.start_console();
  d.start_fleet();
  d.keep_status();
}

std::optional<unsigned short> Daemon::console_port() const {
  if (!impl_->console) return std::nullopt;
  return impl_->console->port();
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
  if (d.console) d.console->stop();
  if (d.fleet) d.fleet->stop();
  d.write_status();  // the last word, with what was on air when the daemon stopped
  for (auto& runner : d.runners) runner->stop();
}

}  // namespace bangtin
