// bangtin-fleet-sim: a province's day, simulated with the real parts. N sites, each with the
// real outbox (FleetOutbox, a SQLite file of its own), the real sender (FleetPlaysSender) and
// the real MQTT client (MqttClient, a connection of its own) publish their statuses and a day
// of plays through a real Mosquitto on 127.0.0.1 (an account and an ACL per site) to the real
// `bangtin-hub` process; then `bangtin report --hub` must equal, row for row, the sum of what
// the sites recorded. In the middle, some sites are cut off for an hour and the broker is
// restarted. Prints the figures: messages, time, the hub's CPU and memory.
//
//   bangtin-fleet-sim --sites 1000 --cut 100 --plays-per-hour 60 --work DIR
//
// Exit status 0 when the report equals what the sites recorded.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/program_options.hpp>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "bangtin/date_time_text.hpp"
#include "fleet_messages.hpp"
#include "fleet_outbox.hpp"
#include "fleet_plays.hpp"
#include "mosquitto_broker.hpp"
#include "mqtt_client.hpp"
#include "program_run.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;
namespace po = boost::program_options;

namespace {

constexpr auto kOffset = std::chrono::hours(7);
const std::filesystem::path kBinaries = std::filesystem::path(BANGTIN_BINARY_DIR) / "controller";
const std::vector<std::string> kItems{"dich-vu-cong", "mot-cua", "gio-lam-viec", "chi-so-par",
                                      "thong-bao"};

// 2026-11-24 00:00 at +07:00: the simulated day.
const std::chrono::system_clock::time_point kDayStart =
    std::chrono::sys_days(std::chrono::year(2026) / 11 / 24) - kOffset;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Runs `work` on the loop's thread and waits for it.
template <typename Work>
void on_loop(boost::asio::io_context& loop, Work work) {
  std::promise<void> done;
  boost::asio::post(loop, [&] {
    work();
    done.set_value();
  });
  done.get_future().wait();
}

// What one row of the report adds up: the plays of an item on a board of a site on a day.
struct Totals {
  long plays = 0;
  long interrupted = 0;
  long on_air_seconds = 0;
  friend bool operator==(const Totals&, const Totals&) = default;
};
using TotalsKey = std::tuple<std::string, std::string, std::string, std::string>;  // day, site,
                                                                                   // board, item

// A child process (the hub), its CPU and memory read from /proc while it runs.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      // The hub's log in its file; without it the child has nowhere to say why it failed.
      if (std::freopen(log.c_str(), "w", stderr) == nullptr) ::_exit(126);
      std::vector<char*> args;
      for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Child() { stop(); }
  // User and system CPU seconds so far.
  double cpu_seconds() const {
    std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {
      if (i == 14) utime = std::stol(field);
      if (i == 15) {
        stime = std::stol(field);
        break;
      }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  // The most resident memory it has had, in MiB.
  double peak_mib() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(status, line);)
      if (line.starts_with("VmHWM:")) return static_cast<double>(std::stol(line.substr(6))) / 1024;
    return 0;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// The simulated day, the same in every process: the parent adds up what the sites record
// without asking them, and each worker makes its sites' plays from it.
struct Day {
  int sites = 1000;
  int cut = 100;
  int plays_per_hour = 60;
  static constexpr int kCutHour = 10;
  static constexpr int kBrokerRestartHour = 14;

  static std::string site_name(int i) {
    char name[16];
    std::snprintf(name, sizeof name, "xa-%04d", i);
    return name;
  }
  // The cut-off sites are spread over the list, as a district's would be.
  bool is_cut(int site) const {
    for (int i = 0; i < cut; ++i)
      if (static_cast<long>(i) * sites / cut == site) return true;
    return false;
  }
  // A play every 3600/plays_per_hour s on each site's one board, items in turn; one in 17 cut
  // short.
  std::vector<OutboxPlay> plays(int hour) const {
    const auto hour_start = kDayStart + std::chrono::hours(hour);
    const auto step = std::chrono::seconds(3600 / plays_per_hour);
    std::vector<OutboxPlay> made;
    for (int k = 0; k < plays_per_hour; ++k) {
      OutboxPlay play;
      play.display = "bang-1";
      play.playlist = "cchc-2026";
      play.item = kItems[static_cast<std::size_t>(k) % kItems.size()];
      play.shown = "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia (" + play.item + ")";
      play.started = hour_start + step * k;
      play.ended_early = (hour * plays_per_hour + k) % 17 == 0;
      play.ended = play.started + (play.ended_early ? step / 3 : step - std::chrono::seconds(1));
      made.push_back(play);
    }
    return made;
  }
};

// One simulated commune: its outbox (written as its journal would, read by its sender on the
// sender's own thread) and its connection (the loop's).
struct Site {
  int index = 0;
  std::string name;
  std::filesystem::path outbox_file;
  std::unique_ptr<MqttClient> client;
  std::unique_ptr<FleetPlaysSender> sender;
  bool connected = false;  // loop thread
  std::uint64_t statuses = 0;
  FleetPlaysSender::Counts before_reconnecting{};
};

// A worker process: a share of the sites, driven line by line by the parent through a pipe.
// libmosquitto's loop waits with select(), which takes no socket numbered 1024 or more; a
// process with a few hundred sites (a socket and an outbox's three files each) stays below.
class Worker {
 public:
  Worker(Day day, std::vector<int> sites, std::filesystem::path work, int broker_port)
      : day_(day), work_(std::move(work)), broker_port_(broker_port) {
    for (int index : sites) {
      auto site = std::make_unique<Site>();
      site->index = index;
      site->name = Day::site_name(index);
      site->outbox_file = work_ / "sites" / (site->name + ".sqlite3");
      sites_.push_back(std::move(site));
    }
  }

  // Reads commands from `in` and answers on `out` until "quit".
  void serve(FILE* in, FILE* out) {
    auto guard = boost::asio::make_work_guard(loop_);
    std::thread loop_thread([this] { loop_.run(); });
    boost::asio::steady_timer ticks(loop_);
    std::function<void()> tick = [&] {
      for (auto& site : sites_)
        if (site->sender) site->sender->send_due();
      ticks.expires_after(1s);
      ticks.async_wait([&](const boost::system::error_code& error) {
        if (!error) tick();
      });
    };
    on_loop(loop_, [&] { tick(); });
    char line[128];
    while (std::fgets(line, sizeof line, in)) {
      const std::string command(line, std::strcspn(line, "\n"));
      std::string answer = "ok";
      if (command == "connect") {
        on_loop(loop_, [&] {
          for (auto& site : sites_) connect(*site);
        });
        if (!wait_for(120s, [&] { return connected_count() == sites_.size(); }))
          answer = "failed: not every site connected";
      } else if (command.starts_with("hour ")) {
        const int hour = std::stoi(command.substr(5));
        const std::vector<OutboxPlay> plays = day_.plays(hour);
        for (auto& site : sites_) {
          // Opened for the hour's plays and closed: the file numbers stay few.
          FleetOutbox journal(site->outbox_file, site->name, kOffset, [this] { return now(); });
          journal.add(plays);
        }
        simulated_seconds_ = (hour + 1) * 3600;
        on_loop(loop_, [&] {
          for (auto& site : sites_) publish_status(*site);
        });
        const bool cut_now = hour == Day::kCutHour;
        if (!wait_for(300s, [&] { return outboxes_empty(cut_now); }))
          answer = "failed: hour " + std::to_string(hour) + " not sent";
      } else if (command == "cut" || command == "uncut") {
        on_loop(loop_, [&] {
          for (auto& site : sites_)
            if (day_.is_cut(site->index)) command == "cut" ? disconnect(*site) : connect(*site);
        });
      } else if (command == "drain") {
        if (!wait_for(300s, [&] { return outboxes_empty(false); }))
          answer = "failed: outboxes not empty";
        std::uint64_t published = 0, acknowledged = 0, statuses = 0;
        on_loop(loop_, [&] {
          for (auto& site : sites_) {
            const auto counts = site->sender ? site->sender->counts() : FleetPlaysSender::Counts{};
            published += counts.batches_published + site->before_reconnecting.batches_published;
            acknowledged +=
                counts.batches_acknowledged + site->before_reconnecting.batches_acknowledged;
            statuses += site->statuses;
          }
        });
        if (answer == "ok")
          answer += " " + std::to_string(published) + " " + std::to_string(acknowledged) + " " +
                    std::to_string(statuses) + " " + std::to_string(problems_.size());
      } else if (command == "quit") {
        break;
      }
      std::fprintf(out, "%s\n", answer.c_str());
      std::fflush(out);
    }
    on_loop(loop_, [&] {
      for (auto& site : sites_) disconnect(*site);
      ticks.cancel();
    });
    guard.reset();
    loop_thread.join();
    for (std::size_t i = 0; i < problems_.size() && i < 5; ++i)
      std::fprintf(stderr, "  %s\n", problems_[i].c_str());
  }

 private:
  std::chrono::system_clock::time_point now() const {
    return kDayStart + std::chrono::seconds(simulated_seconds_.load());
  }

  void log(std::string_view line) {
    const std::lock_guard lock(log_mutex_);
    problems_.emplace_back(line);
  }

  // Loop thread.
  void connect(Site& site) {
    MqttOptions options;
    options.host = "127.0.0.1";
    options.port = broker_port_;
    options.client_id = "bangtin-" + site.name;
    options.username = site.name;
    options.password = "mk-" + site.name;
    options.keepalive = 30s;
    options.will = MqttWill{fleet_status_topic(site.name), last_will_payload(site.name), 1, true};
    Site* s = &site;
    site.client = std::make_unique<MqttClient>(
        loop_, options,
        MqttEvents{.connection =
                       [this, s](const MqttConnectionChange& change) {
                         s->connected = change.connected;
                         if (s->sender) s->sender->connection_changed(change.connected);
                         if (change.connected) publish_status(*s);
                       },
                   .message = [](MqttMessage) {},
                   .published =
                       [s](int message_id) {
                         if (s->sender) s->sender->published(message_id);
                       }});
    site.sender =
        std::make_unique<FleetPlaysSender>(loop_, *site.client,
                                           FleetPlaysSetup{.outbox = site.outbox_file,
                                                           .site = site.name,
                                                           .utc_offset = kOffset,
                                                           .clock = [this] { return now(); }},
                                           [this](std::string_view line) { log(line); });
  }

  // Loop thread: as a site that loses its line (its client closed; it comes back with a new one).
  void disconnect(Site& site) {
    if (!site.sender) return;
    const auto counts = site.sender->counts();
    site.before_reconnecting.batches_published += counts.batches_published;
    site.before_reconnecting.batches_acknowledged += counts.batches_acknowledged;
    site.sender.reset();
    site.client->close();
    site.client.reset();
    site.connected = false;
  }

  // Loop thread.
  void publish_status(Site& site) {
    if (!site.client || !site.connected) return;
    FleetStatus status;
    status.site = site.name;
    status.version = std::string(bangtin_version());
    status.clock = iso_date_time_text(now(), kOffset);
    status.displays.push_back(FleetStatus::Display{"bang-1", kItems[0], "cchc-2026", true, 25.0});
    if (site.client->publish(fleet_status_topic(site.name), online_payload(status), 1, true))
      ++site.statuses;
  }

  std::size_t connected_count() {
    std::size_t connected = 0;
    on_loop(loop_, [&] {
      for (auto& site : sites_) connected += site->connected ? 1 : 0;
    });
    return connected;
  }

  // Every outbox empty, but the cut sites' while they are cut.
  bool outboxes_empty(bool cut_may_hold) {
    for (auto& site : sites_) {
      if (cut_may_hold && day_.is_cut(site->index)) continue;
      const OutboxCounts counts =
          FleetOutbox(site->outbox_file, site->name, kOffset, [this] { return now(); }).counts();
      if (counts.plays_unsealed > 0 || counts.batches > 0) return false;
    }
    return true;
  }

  template <typename Check>
  static bool wait_for(std::chrono::seconds bound, Check check) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (!check()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1s);  // each look opens every outbox of the process
    }
    return true;
  }

  Day day_;
  std::filesystem::path work_;
  int broker_port_;
  boost::asio::io_context loop_;
  std::vector<std::unique_ptr<Site>> sites_;
  std::atomic<std::int64_t> simulated_seconds_{0};
  std::mutex log_mutex_;
  std::vector<std::string> problems_;
};

// A worker as the parent sees it: a child process and its two pipes.
class WorkerProcess {
 public:
  WorkerProcess(const Day& day, std::vector<int> sites, const std::filesystem::path& work,
                int broker_port) {
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) throw std::runtime_error("pipe");
    std::fflush(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(to_child[1]);
      ::close(from_child[0]);
      FILE* in = ::fdopen(to_child[0], "r");
      FILE* out = ::fdopen(from_child[1], "w");
      {
        Worker worker(day, std::move(sites), work, broker_port);
        worker.serve(in, out);
      }
      std::fflush(nullptr);
      ::_exit(0);  // the parent's broker and hub are not this process's to stop
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    to_ = ::fdopen(to_child[1], "w");
    from_ = ::fdopen(from_child[0], "r");
  }
  ~WorkerProcess() {
    if (to_) {
      std::fprintf(to_, "quit\n");
      std::fclose(to_);
    }
    if (from_) std::fclose(from_);
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  }
  void send(const std::string& command) {
    std::fprintf(to_, "%s\n", command.c_str());
    std::fflush(to_);
  }
  std::string answer() {
    char line[256];
    if (!std::fgets(line, sizeof line, from_)) return "failed: the worker ended";
    return std::string(line, std::strcspn(line, "\n"));
  }

 private:
  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
};

class Simulation {
 public:
  Simulation(Day day, std::filesystem::path work, int sites_per_worker)
      : day_(day), work_(std::move(work)), sites_per_worker_(sites_per_worker) {}

  int run() {
    const auto started = std::chrono::steady_clock::now();
    std::filesystem::remove_all(work_);
    std::filesystem::create_directories(work_ / "sites");

    std::vector<BrokerAccount> accounts{
        {"hub", "mk-hub", {"topic read bangtin/v1/+/status", "topic read bangtin/v1/+/plays"}}};
    for (int i = 0; i < day_.sites; ++i) {
      const std::string name = Day::site_name(i);
      accounts.push_back({name, "mk-" + name, {"topic write bangtin/v1/" + name + "/#"}});
    }
    // As FLEET.md asks of a fleet's broker: sessions kept across a restart, and no limit on what
    // it queues for the hub (Mosquitto's default of 1000 drops batches the sites have already
    // let go of, whenever the hub falls behind).
    MosquittoBroker broker(work_ / "broker", {.accounts = accounts,
                                              .persistent = true,
                                              .log_everything = false,
                                              .more_config = "max_queued_messages 0\n"});
    std::ofstream(work_ / "hub.pass") << "mk-hub\n";
    std::filesystem::permissions(work_ / "hub.pass", std::filesystem::perms::owner_read |
                                                         std::filesystem::perms::owner_write);
    Child hub({(kBinaries / "bangtin-hub").string(), "--broker",
               "mqtt://127.0.0.1:" + std::to_string(broker.port()), "--username", "hub",
               "--password-file", (work_ / "hub.pass").string(), "--database",
               (work_ / "hub.sqlite3").string(), "--client-id", "bangtin-hub-sim"},
              work_ / "hub.log");
    std::printf("broker, %d accounts and the hub up in %.1f s\n", day_.sites + 1,
                seconds_since(started));

    std::vector<std::unique_ptr<WorkerProcess>> workers;
    for (int first = 0; first < day_.sites; first += sites_per_worker_) {
      std::vector<int> sites;
      for (int i = first; i < std::min(day_.sites, first + sites_per_worker_); ++i)
        sites.push_back(i);
      workers.push_back(
          std::make_unique<WorkerProcess>(day_, std::move(sites), work_, broker.port()));
    }
    const auto everyone = [&](const std::string& command) -> std::vector<std::string> {
      for (auto& worker : workers) worker->send(command);
      std::vector<std::string> answers;
      for (auto& worker : workers) answers.push_back(worker->answer());
      for (const std::string& answer : answers)
        if (!answer.starts_with("ok")) throw std::runtime_error(command + ": " + answer);
      return answers;
    };

    try {
      everyone("connect");
      std::printf("%d sites connected in %zu processes in %.1f s\n", day_.sites, workers.size(),
                  seconds_since(started));
      const auto day_started = std::chrono::steady_clock::now();
      for (int hour = 0; hour < 24; ++hour) {
        if (hour == Day::kCutHour) {
          everyone("cut");
          std::printf("hour %02d: %d sites cut off\n", hour, day_.cut);
        }
        if (hour == Day::kCutHour + 1) {
          everyone("uncut");
          std::printf("hour %02d: the %d sites are back\n", hour, day_.cut);
        }
        if (hour == Day::kBrokerRestartHour) {
          const auto stopping = std::chrono::steady_clock::now();
          broker.stop();
          broker.start_again();
          std::printf("hour %02d: broker restarted (%.2f s)\n", hour, seconds_since(stopping));
        }
        everyone("hour " + std::to_string(hour));
        for (int site = 0; site < day_.sites; ++site) record(site, hour);
      }
      std::uint64_t published = 0, acknowledged = 0, statuses = 0, problems = 0;
      for (const std::string& answer : everyone("drain")) {
        unsigned long long p = 0, a = 0, s = 0, l = 0;
        std::sscanf(answer.c_str(), "ok %llu %llu %llu %llu", &p, &a, &s, &l);
        published += p;
        acknowledged += a;
        statuses += s;
        problems += l;
      }
      const double day_seconds = seconds_since(day_started);

      // The hub stores what the broker delivers; its report must come to what the sites
      // recorded.
      std::map<TotalsKey, Totals> reported;
      const auto waiting_since = std::chrono::steady_clock::now();
      bool equal = false;
      while (!(equal = (reported = hub_report()) == expected_) &&
             seconds_since(waiting_since) < 300)
        std::this_thread::sleep_for(2s);  // a report of a million plays takes a second
      const double hub_cpu = hub.cpu_seconds();
      const double hub_peak = hub.peak_mib();
      workers.clear();
      hub.stop();

      long plays = 0;
      for (const auto& [key, totals] : expected_) plays += totals.plays;
      std::printf(
          "sites %d (%d cut off for an hour), %d plays an hour each: %ld plays in %zu report "
          "rows\n"
          "messages: %llu batches of plays published (%llu acknowledged; resends included), "
          "%llu statuses; %llu line(s) logged by the sites' senders\n"
          "time: the simulated day took %.1f s; all in all %.1f s\n"
          "hub: %.1f s of CPU, %.1f MiB resident at most\n"
          "report %s the sites' records\n",
          day_.sites, day_.cut, day_.plays_per_hour, plays, expected_.size(),
          static_cast<unsigned long long>(published), static_cast<unsigned long long>(acknowledged),
          static_cast<unsigned long long>(statuses), static_cast<unsigned long long>(problems),
          day_seconds, seconds_since(started), hub_cpu, hub_peak,
          equal ? "EQUALS" : "DIFFERS FROM");
      if (!equal) print_differences(reported);
      return equal ? 0 : 1;
    } catch (const std::exception& error) {
      std::printf("the simulation failed: %s (hub log: %s)\n", error.what(),
                  (work_ / "hub.log").c_str());
      return 2;
    }
  }

 private:
  void record(int site, int hour) {
    for (const OutboxPlay& play : day_.plays(hour)) {
      Totals& totals = expected_[{"2026-11-24", Day::site_name(site), play.display, play.item}];
      ++totals.plays;
      totals.interrupted += play.ended_early ? 1 : 0;
      totals.on_air_seconds +=
          std::chrono::duration_cast<std::chrono::seconds>(play.ended - play.started).count();
    }
  }

  // `bangtin report --hub`, as the province runs it, read back from its CSV.
  std::map<TotalsKey, Totals> hub_report() {
    const ProgramRun run = run_program((kBinaries / "bangtin").string() + " report --hub " +
                                       (work_ / "hub.sqlite3").string() +
                                       " --from 2026-11-24 --to 2026-11-24 --csv 2>/dev/null");
    std::map<TotalsKey, Totals> rows;
    std::istringstream lines(run.output);
    std::string line;
    std::getline(lines, line);  // the header
    const std::vector<std::string> header = csv_cells(line);
    const auto column = [&header](const std::string& name) {
      const auto found = std::find(header.begin(), header.end(), name);
      return found == header.end() ? std::size_t(-1) : std::size_t(found - header.begin());
    };
    const std::size_t day = column("day"), site = column("site"), board = column("display"),
                      item = column("item"), plays = column("plays"),
                      interrupted = column("interrupted"), seconds = column("on_air_seconds");
    while (std::getline(lines, line)) {
      const std::vector<std::string> cells = csv_cells(line);
      if (cells.size() != header.size()) continue;
      Totals& totals = rows[{cells[day], cells[site], cells[board], cells[item]}];
      totals.plays += std::stol(cells[plays]);
      totals.interrupted += std::stol(cells[interrupted]);
      totals.on_air_seconds += std::stol(cells[seconds]);
    }
    return rows;
  }

  // RFC 4180 cells of one line (the report quotes texts with commas or quotes).
  static std::vector<std::string> csv_cells(const std::string& line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted) {
        if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          cells.back() += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          cells.back() += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.emplace_back();
      } else if (c != '\r') {
        cells.back() += c;
      }
    }
    return cells;
  }

  void print_differences(const std::map<TotalsKey, Totals>& reported) {
    int shown = 0;
    for (const auto& [key, totals] : expected_) {
      const auto found = reported.find(key);
      if (found != reported.end() && found->second == totals) continue;
      if (++shown > 10) break;
      std::printf("  %s %s %s %s: recorded %ld plays (%ld cut short, %ld s); report %ld\n",
                  std::get<0>(key).c_str(), std::get<1>(key).c_str(), std::get<2>(key).c_str(),
                  std::get<3>(key).c_str(), totals.plays, totals.interrupted, totals.on_air_seconds,
                  found == reported.end() ? 0L : found->second.plays);
    }
    std::printf("  report rows %zu, recorded rows %zu\n", reported.size(), expected_.size());
  }

  Day day_;
  std::filesystem::path work_;
  int sites_per_worker_;
  std::map<TotalsKey, Totals> expected_;
};

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line as it happens, into a pipe too
  po::options_description options("bangtin-fleet-sim options");
  Day day;
  std::string work;
  int sites_per_worker = 200;
  options.add_options()("help", "this text")("sites", po::value(&day.sites)->default_value(1000),
                                             "simulated sites")(
      "cut", po::value(&day.cut)->default_value(100), "sites cut off for an hour")(
      "plays-per-hour", po::value(&day.plays_per_hour)->default_value(60),
      "plays a site records an hour")(
      "sites-per-process", po::value(&sites_per_worker)->default_value(200),
      "sites each worker process runs (libmosquitto's select() takes sockets below 1024)")(
      "work", po::value(&work)->required(), "a folder for the broker, outboxes and hub (emptied)");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    if (vm.count("help")) {
      std::cout << options;
      return 0;
    }
    po::notify(vm);
    if (day.sites < 1 || day.cut < 0 || day.cut > day.sites || day.plays_per_hour < 1 ||
        day.plays_per_hour > 3600 || sites_per_worker < 1 || sites_per_worker > 250)
      throw po::error(
          "need 1 site or more, at most as many cut, 1 to 3600 plays an hour, 1 to 250 sites a "
          "process");
  } catch (const po::error& error) {
    std::cerr << "bangtin-fleet-sim: " << error.what() << "\n" << options;
    return 2;
  }
  return Simulation(day, work, sites_per_worker).run();
}
