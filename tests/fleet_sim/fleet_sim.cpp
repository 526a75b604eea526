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
      std::freopen(log.c_str(), "w", stderr);
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

// One simulated commune: its outbox as its journal writes it (the main thread), and as its
// sender reads it (the sender's own thread), its connection (the loop's).
struct Site {
  std::string name;
  std::filesystem::path outbox_file;
  std::unique_ptr<FleetOutbox> journal;
  std::unique_ptr<MqttClient> client;
  std::unique_ptr<FleetPlaysSender> sender;
  bool connected = false;  // loop thread
  std::uint64_t statuses = 0;
  FleetPlaysSender::Counts before_reconnecting{};
};

class Simulation {
 public:
  struct Setup {
    int sites = 1000;
    int cut = 100;
    int plays_per_hour = 60;
    std::filesystem::path work;
  };

  explicit Simulation(Setup setup) : setup_(std::move(setup)) {}

  int run() {
    const auto started = std::chrono::steady_clock::now();
    std::filesystem::remove_all(setup_.work);
    std::filesystem::create_directories(setup_.work / "sites");

    std::vector<BrokerAccount> accounts{
        {"hub", "mk-hub", {"topic read bangtin/v1/+/status", "topic read bangtin/v1/+/plays"}}};
    for (int i = 0; i < setup_.sites; ++i) {
      const std::string name = site_name(i);
      accounts.push_back({name, "mk-" + name, {"topic write bangtin/v1/" + name + "/#"}});
    }
    broker_ = std::make_unique<MosquittoBroker>(
        setup_.work / "broker",
        MosquittoBroker::Options{
            .accounts = accounts, .persistent = true, .log_everything = false});
    std::ofstream(setup_.work / "hub.pass") << "mk-hub\n";
    std::filesystem::permissions(setup_.work / "hub.pass", std::filesystem::perms::owner_read |
                                                               std::filesystem::perms::owner_write);
    hub_ = std::make_unique<Child>(
        std::vector<std::string>{
            (kBinaries / "bangtin-hub").string(), "--broker",
            "mqtt://127.0.0.1:" + std::to_string(broker_->port()), "--username", "hub",
            "--password-file", (setup_.work / "hub.pass").string(), "--database",
            (setup_.work / "hub.sqlite3").string(), "--client-id", "bangtin-hub-sim"},
        setup_.work / "hub.log");
    std::printf("broker, %d accounts and the hub up in %.1f s\n", setup_.sites + 1,
                seconds_since(started));

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

    for (int i = 0; i < setup_.sites; ++i) {
      auto site = std::make_unique<Site>();
      site->name = site_name(i);
      site->outbox_file = setup_.work / "sites" / (site->name + ".sqlite3");
      site->journal = std::make_unique<FleetOutbox>(site->outbox_file, site->name, kOffset,
                                                    [this] { return now(); });
      sites_.push_back(std::move(site));
    }
    on_loop(loop_, [&] {
      for (auto& site : sites_) connect(*site);
      tick();
    });
    const auto everyone = static_cast<std::size_t>(setup_.sites);
    if (!wait_for("every site connected", 120s, [&] { return connected_count() == everyone; }))
      return fail(loop_thread);
    std::printf("%d sites connected in %.1f s\n", setup_.sites, seconds_since(started));

    const auto day_started = std::chrono::steady_clock::now();
    for (int hour = 0; hour < 24; ++hour) {
      if (hour == kCutHour) {
        on_loop(loop_, [&] {
          for (int i = 0; i < setup_.cut; ++i) disconnect(*sites_[cut_site(i)]);
        });
        std::printf("hour %02d: %d sites cut off\n", hour, setup_.cut);
      }
      if (hour == kCutHour + 1) {
        on_loop(loop_, [&] {
          for (int i = 0; i < setup_.cut; ++i) connect(*sites_[cut_site(i)]);
        });
        std::printf("hour %02d: the %d sites are back\n", hour, setup_.cut);
      }
      if (hour == kBrokerRestartHour) {
        const auto stopping = std::chrono::steady_clock::now();
        broker_->stop();
        broker_->start_again();
        std::printf("hour %02d: broker restarted (%.2f s)\n", hour, seconds_since(stopping));
      }
      add_hour_of_plays(hour);
      simulated_seconds_ = (hour + 1) * 3600;
      on_loop(loop_, [&] {
        for (auto& site : sites_) publish_status(*site);
      });
      // The sites that are up send their hour before the next begins (the cut ones keep theirs).
      const bool cut_now = hour == kCutHour;
      if (!wait_for("hour " + std::to_string(hour) + " sent", 300s,
                    [&] { return outboxes_empty(cut_now ? setup_.cut : 0); }))
        return fail(loop_thread);
    }
    if (!wait_for("every outbox empty", 300s, [&] { return outboxes_empty(0); }))
      return fail(loop_thread);
    const double day_seconds = seconds_since(day_started);

    // The hub stores what the broker delivers; the report must come to what the sites recorded.
    std::map<TotalsKey, Totals> reported;
    const bool equal = wait_for("the hub's report to equal the sites' records", 300s, [&] {
      reported = hub_report();
      return reported == expected_;
    });
    const double hub_cpu = hub_->cpu_seconds();
    const double hub_peak = hub_->peak_mib();

    std::uint64_t published = 0, acknowledged = 0, statuses = 0;
    on_loop(loop_, [&] {
      for (auto& site : sites_) {
        const auto counts = site->sender ? site->sender->counts() : FleetPlaysSender::Counts{};
        published += counts.batches_published + site->before_reconnecting.batches_published;
        acknowledged +=
            counts.batches_acknowledged + site->before_reconnecting.batches_acknowledged;
        statuses += site->statuses;
      }
      for (auto& site : sites_) disconnect(*site);
      ticks.cancel();
    });
    guard.reset();
    loop_thread.join();
    hub_->stop();

    long plays = 0;
    for (const auto& [key, totals] : expected_) plays += totals.plays;
    std::printf(
        "sites %d (%d cut off for an hour), a day of %d plays an hour each: %ld plays in %zu "
        "report rows\n"
        "messages: %llu batches of plays published (%llu acknowledged; resends included), "
        "%llu statuses\n"
        "time: the simulated day took %.1f s; all in all %.1f s\n"
        "hub: %.1f s of CPU, %.1f MiB resident at most\n"
        "report %s the sites' records\n",
        setup_.sites, setup_.cut, setup_.plays_per_hour, plays, expected_.size(),
        static_cast<unsigned long long>(published), static_cast<unsigned long long>(acknowledged),
        static_cast<unsigned long long>(statuses), day_seconds, seconds_since(started), hub_cpu,
        hub_peak, equal ? "EQUALS" : "DIFFERS FROM");
    if (!equal) print_differences(reported);
    if (!problems_.empty()) {
      std::printf("%zu log line(s) from the sites, the first:\n", problems_.size());
      for (std::size_t i = 0; i < problems_.size() && i < 10; ++i)
        std::printf("  %s\n", problems_[i].c_str());
    }
    return equal ? 0 : 1;
  }

 private:
  static constexpr int kCutHour = 10;
  static constexpr int kBrokerRestartHour = 14;

  static std::string site_name(int i) {
    char name[16];
    std::snprintf(name, sizeof name, "xa-%04d", i);
    return name;
  }
  // The cut-off sites are spread over the list, as a district's would be.
  std::size_t cut_site(int i) const {
    return static_cast<std::size_t>(i) * static_cast<std::size_t>(setup_.sites) /
           static_cast<std::size_t>(std::max(setup_.cut, 1));
  }

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
    options.port = broker_->port();
    options.client_id = "bangtin-" + site.name;
    options.username = site.name;
    options.password = "mk-" + site.name;
    options.keepalive = 30s;
    options.will = MqttWill{fleet_status_topic(site.name), last_will_payload(site.name), 1, true};
    Site* s = &site;
    site.client =
        std::make_unique<MqttClient>(loop_, options,
                                     MqttEvents{[this, s](const MqttConnectionChange& change) {
                                                  s->connected = change.connected;
                                                  if (s->sender)
                                                    s->sender->connection_changed(change.connected);
                                                  if (change.connected) publish_status(*s);
                                                },
                                                [](MqttMessage) {},
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

  // A play a minute-ish on each site's one board, items in turn; one in 17 cut short.
  void add_hour_of_plays(int hour) {
    const auto hour_start = kDayStart + std::chrono::hours(hour);
    const auto step = std::chrono::seconds(3600 / setup_.plays_per_hour);
    for (auto& site : sites_) {
      std::vector<OutboxPlay> plays;
      for (int k = 0; k < setup_.plays_per_hour; ++k) {
        OutboxPlay play;
        play.display = "bang-1";
        play.playlist = "cchc-2026";
        play.item = kItems[static_cast<std::size_t>(k) % kItems.size()];
        play.shown = "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia (" + play.item + ")";
        play.started = hour_start + step * k;
        play.ended_early = (hour * setup_.plays_per_hour + k) % 17 == 0;
        play.ended = play.started + (play.ended_early ? step / 3 : step - std::chrono::seconds(1));
        plays.push_back(play);
        Totals& totals = expected_[{"2026-11-24", site->name, play.display, play.item}];
        ++totals.plays;
        totals.interrupted += play.ended_early ? 1 : 0;
        totals.on_air_seconds +=
            std::chrono::duration_cast<std::chrono::seconds>(play.ended - play.started).count();
      }
      site->journal->add(plays);
    }
  }

  // Every outbox empty but those of the cut sites (when `cut_may_hold` says so).
  bool outboxes_empty(int cut_may_hold) {
    for (std::size_t i = 0; i < sites_.size(); ++i) {
      bool is_cut = false;
      for (int c = 0; c < cut_may_hold && !is_cut; ++c) is_cut = cut_site(c) == i;
      if (is_cut) continue;
      const OutboxCounts counts = sites_[i]->journal->counts();
      if (counts.plays_unsealed > 0 || counts.batches > 0) return false;
    }
    return true;
  }

  // `bangtin report --hub`, as the province runs it, read back from its CSV.
  std::map<TotalsKey, Totals> hub_report() {
    const ProgramRun run = run_program((kBinaries / "bangtin").string() + " report --hub " +
                                       (setup_.work / "hub.sqlite3").string() +
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

  template <typename Check>
  bool wait_for(const std::string& what, std::chrono::seconds bound, Check check) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (!check()) {
      if (std::chrono::steady_clock::now() > deadline) {
        std::printf("gave up waiting for %s after %lld s\n", what.c_str(),
                    static_cast<long long>(bound.count()));
        return false;
      }
      std::this_thread::sleep_for(100ms);
    }
    return true;
  }

  int fail(std::thread& loop_thread) {
    on_loop(loop_, [&] {
      for (auto& site : sites_) disconnect(*site);
    });
    loop_.stop();
    loop_thread.join();
    std::printf("hub log: %s\n", (setup_.work / "hub.log").c_str());
    for (std::size_t i = 0; i < problems_.size() && i < 20; ++i)
      std::printf("  %s\n", problems_[i].c_str());
    return 2;
  }

  Setup setup_;
  boost::asio::io_context loop_;
  std::unique_ptr<MosquittoBroker> broker_;
  std::unique_ptr<Child> hub_;
  std::vector<std::unique_ptr<Site>> sites_;
  std::atomic<std::int64_t> simulated_seconds_{0};
  std::map<TotalsKey, Totals> expected_;
  std::mutex log_mutex_;
  std::vector<std::string> problems_;
};

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line as it happens, into a pipe too
  po::options_description options("bangtin-fleet-sim options");
  Simulation::Setup setup;
  std::string work;
  options.add_options()("help", "this text")("sites", po::value(&setup.sites)->default_value(1000),
                                             "simulated sites")(
      "cut", po::value(&setup.cut)->default_value(100), "sites cut off for an hour")(
      "plays-per-hour", po::value(&setup.plays_per_hour)->default_value(60),
      "plays a site records an hour")("work", po::value(&work)->required(),
                                      "a folder for the broker, outboxes and hub (emptied)");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    if (vm.count("help")) {
      std::cout << options;
      return 0;
    }
    po::notify(vm);
    if (setup.sites < 1 || setup.cut < 0 || setup.cut > setup.sites || setup.plays_per_hour < 1 ||
        setup.plays_per_hour > 3600)
      throw po::error("need 1 site or more, at most as many cut, 1 to 3600 plays an hour");
  } catch (const po::error& error) {
    std::cerr << "bangtin-fleet-sim: " << error.what() << "\n" << options;
    return 2;
  }
  setup.work = work;
  return Simulation(setup).run();
}
