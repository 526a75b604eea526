// Proof of play leaving through the fleet's outbox (controller/FLEET.md, "Plays"): batches
// numbered for good and kept in a real SQLite file until a real Mosquitto on 127.0.0.1
// acknowledges them; sent again byte for byte after a reconnection; plays made while the broker is
// down arriving once each when it is back; a week's backlog leaving in bounded batches; the real
// bangtind publishing its plays; and a damaged outbox said, not a crash.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "bangtin/panel_simulator.hpp"
#include "bangtin/play_log.hpp"
#include "daemon_process.hpp"
#include "fleet_outbox.hpp"
#include "fleet_plays.hpp"
#include "log_recorder.hpp"
#include "mosquitto_broker.hpp"
#include "mqtt_client.hpp"
#include "mqtt_listener.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kSite = "xa-hoa-binh";
const std::string kPlaysTopic = "bangtin/v1/xa-hoa-binh/plays";
constexpr std::chrono::minutes kOffset = 7h;
const std::string kShown = "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia";

std::vector<BrokerAccount> accounts() {
  return {{kSite, "mat-khau-xa", {"topic write bangtin/v1/xa-hoa-binh/#"}},
          {"hub", "mat-khau-hub", {"topic read bangtin/v1/+/plays"}}};
}

std::chrono::system_clock::time_point morning() {
  return std::chrono::sys_days(std::chrono::year(2026) / 11 / 24) + 1h;  // 08:00 at +07:00
}

// Plays numbered from `first`, each with its own item id, ten seconds apart.
std::vector<OutboxPlay> plays(std::size_t count, std::size_t first = 0) {
  std::vector<OutboxPlay> made;
  for (std::size_t i = first; i < first + count; ++i) {
    const auto started = morning() + std::chrono::seconds(10 * i);
    made.push_back(OutboxPlay{"cong-ubnd", "cchc-2026", "item-" + std::to_string(i), kShown,
                              started, started + 8s, i % 7 == 3});
  }
  return made;
}

// A wall clock the test moves.
struct HandClock {
  std::shared_ptr<std::atomic<std::int64_t>> seconds =
      std::make_shared<std::atomic<std::int64_t>>(0);
  FleetOutbox::WallClock clock() const {
    return [seconds = seconds] { return morning() + std::chrono::seconds(seconds->load()); };
  }
  void advance(std::chrono::seconds by) const { *seconds += by.count(); }
};

// A new outbox numbers from the moment it was made, in ms since 1970: the first batch of one made
// by the hand clock is kFirst + 1.
const std::int64_t kFirst =
    std::chrono::duration_cast<std::chrono::milliseconds>(morning().time_since_epoch()).count();

FleetOutbox open_outbox(const std::filesystem::path& file, FleetOutbox::Limits limits = {},
                        FleetOutbox::WallClock clock = HandClock{}.clock()) {
  return FleetOutbox(file, kSite, kOffset, std::move(clock), limits);
}

void sql(const std::filesystem::path& file, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int status = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(status, SQLITE_OK) << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

// A site's sending half without a daemon, as a simulation runs it: an MqttClient and a
// FleetPlaysSender on a loop thread of their own, sending what is due every 20 ms.
class RunningSender {
 public:
  struct Seen {
    bool connected = false;
    int connections = 0;
    FleetPlaysSender::Counts counts;
  };

  RunningSender(int port, FleetPlaysSetup setup) {
    MqttOptions options;
    options.host = "127.0.0.1";
    options.port = port;
    options.client_id = "bangtin-" + kSite;
    options.username = kSite;
    options.password = "mat-khau-xa";
    options.keepalive = 5s;
    options.first_retry = 200ms;
    options.longest_retry = 400ms;
    client_ =
        std::make_unique<MqttClient>(loop_, options,
                                     MqttEvents{[this](const MqttConnectionChange& change) {
                                                  sender_->connection_changed(change.connected);
                                                  note([&](Seen& seen) {
                                                    seen.connected = change.connected;
                                                    if (change.connected) ++seen.connections;
                                                  });
                                                },
                                                {},
                                                [this](int message_id) {
                                                  sender_->published(message_id);
                                                  note([](Seen&) {});
                                                }});
    sender_ = std::make_unique<FleetPlaysSender>(loop_, *client_, std::move(setup), log.sink());
    tick();
    thread_ = std::thread([this] { loop_.run(); });
  }
  ~RunningSender() {
    boost::asio::post(loop_, [this] {
      stopping_ = true;
      timer_.cancel();
      client_->close();
    });
    thread_.join();
    sender_.reset();
    client_.reset();
  }

  // Waits, on what the loop reports, until `ready` holds.
  bool wait(const std::function<bool(const Seen&)>& ready,
            std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return ready(seen_); });
  }
  Seen seen() {
    const std::lock_guard lock(mutex_);
    return seen_;
  }

  LogRecorder log;

 private:
  template <typename Change>
  void note(Change change) {
    {
      const std::lock_guard lock(mutex_);
      change(seen_);
      seen_.counts = sender_->counts();
    }
    changed_.notify_all();
  }
  void tick() {
    if (stopping_) return;
    sender_->send_due();
    note([](Seen&) {});
    timer_.expires_after(20ms);
    timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error) tick();
    });
  }

  boost::asio::io_context loop_;
  boost::asio::steady_timer timer_{loop_};
  std::unique_ptr<MqttClient> client_;
  std::unique_ptr<FleetPlaysSender> sender_;
  bool stopping_ = false;
  std::mutex mutex_;
  std::condition_variable changed_;
  Seen seen_;
  std::thread thread_;
};

FleetPlaysSetup setup(const std::filesystem::path& outbox, FleetOutbox::Limits limits = {}) {
  return FleetPlaysSetup{.outbox = outbox, .site = kSite, .utc_offset = kOffset, .batches = limits};
}

// What a hub keeps: each (site, batch) once, however often it comes.
struct DedupingHub {
  std::map<std::int64_t, std::string> batches;  // number -> payload
  std::size_t messages = 0;
  std::size_t plays = 0;
  std::size_t resent_differently = 0;

  // Takes messages until the batches hold `wanted` plays in all.
  bool collect(MqttListener& hub, std::size_t wanted, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (plays < wanted) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return false;
      const auto message = hub.next(
          kPlaysTopic, [](const ReceivedMessage&) { return true; }, left);
      if (!message) return false;
      ++messages;
      const json batch = json::parse(message->payload, nullptr, false);
      if (!batch.is_object() || batch.value("site", "") != kSite) continue;
      const auto [found, added] =
          batches.emplace(batch["batch"].get<std::int64_t>(), message->payload);
      if (added) {
        plays += batch["plays"].size();
      } else if (found->second != message->payload) {
        ++resent_differently;
      }
    }
    return true;
  }
  // How often each item id came, over the batches kept.
  std::map<std::string, int> items() const {
    std::map<std::string, int> seen;
    for (const auto& [number, payload] : batches) {
      const json batch = json::parse(payload);
      for (const json& play : batch["plays"]) ++seen[play["item"].get<std::string>()];
    }
    return seen;
  }
};

}  // namespace

TEST(FleetOutbox, NumbersItsBatchesForGoodAndKeepsThemAcrossReopening) {
  ScratchDir dir;
  const auto file = dir.path() / "fleet-outbox.sqlite3";
  std::string first_payload;
  {
    FleetOutbox outbox = open_outbox(file);
    outbox.add(plays(3));
    const auto batches = outbox.next_batches(4, 0);
    ASSERT_EQ(batches.size(), 1u);
    EXPECT_EQ(batches[0].number, kFirst + 1);
    EXPECT_EQ(batches[0].plays, 3u);
    first_payload = batches[0].payload;
    // Sealed but not acknowledged: not sealed again, and nothing new beyond it.
    EXPECT_TRUE(outbox.next_batches(4, kFirst + 1).empty());
  }
  EXPECT_TRUE(first_payload.starts_with(R"({"site":"xa-hoa-binh","batch":)" +
                                        std::to_string(kFirst + 1) + R"(,"plays":[{"display":)"))
      << "the fields in FLEET.md's order: " << first_payload;
  const json batch = json::parse(first_payload);
  EXPECT_EQ(batch["site"], kSite);
  EXPECT_EQ(batch["batch"], kFirst + 1);
  ASSERT_EQ(batch["plays"].size(), 3u);
  EXPECT_EQ(batch["plays"][0],
            json::parse(R"({"display": "cong-ubnd", "playlist": "cchc-2026", "item": "item-0",
                            "shown": ")" +
                        kShown + R"(",
                            "started": "2026-11-24T08:00:00+07:00",
                            "ended": "2026-11-24T08:00:08+07:00", "ended_early": false})"));
  EXPECT_EQ(batch["plays"][1]["started"], "2026-11-24T08:00:10+07:00");

  {
    // Reopened (a restart): the same batch, byte for byte, until it is acknowledged.
    FleetOutbox outbox = open_outbox(file);
    const auto again = outbox.next_batches(4, 0);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].payload, first_payload);
    outbox.acknowledged(kFirst + 1);
    outbox.acknowledged(kFirst + 1);  // a PUBACK for a resend: nothing more to do
    EXPECT_EQ(outbox.counts().batches, 0u);
    outbox.add(plays(2, 3));
  }
  FleetOutbox outbox = open_outbox(file);
  EXPECT_EQ(outbox.counts().plays_unsealed, 2u);
  const auto next = outbox.next_batches(4, 0);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].number, kFirst + 2)
      << "a number is never given twice, even once its batch is gone";
  EXPECT_EQ(json::parse(next[0].payload)["plays"][0]["item"], "item-3");
}

TEST(FleetOutbox, SealsWithinItsLimitsAndGathersABusySitesPlays) {
  ScratchDir dir;
  HandClock hands;
  FleetOutbox outbox = open_outbox(dir.path() / "outbox.sqlite3", {}, hands.clock());
  outbox.add(plays(1'200));
  const auto batches = outbox.next_batches(10, 0);
  // Two full ones; the 200 left wait for more, up to `gather` after the last batch.
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].plays, 500u);
  EXPECT_EQ(batches[1].plays, 500u);
  EXPECT_EQ(outbox.counts().plays_unsealed, 200u);
  EXPECT_EQ(outbox.next_batches(10, kFirst + 2).size(), 0u);
  hands.advance(29s);
  EXPECT_EQ(outbox.next_batches(10, kFirst + 2).size(), 0u);
  hands.advance(1s);
  const auto rest = outbox.next_batches(10, kFirst + 2);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].plays, 200u);
  EXPECT_EQ(rest[0].number, kFirst + 3);

  // The size limit: long texts fill a batch before its count does; one longer than the limit
  // goes alone.
  FleetOutbox small =
      open_outbox(dir.path() / "small.sqlite3",
                  {.plays_per_batch = 500, .bytes_per_batch = 16 * 1024, .gather = 0s});
  auto long_plays = plays(20);
  for (auto& play : long_plays) play.shown = std::string(2'000, 'x');
  long_plays[5].shown = std::string(40'000, 'y');
  small.add(long_plays);
  std::size_t sealed_plays = 0;
  for (const OutboxBatch& batch : small.next_batches(20, 0)) {
    if (batch.plays > 1) {
      EXPECT_LE(batch.payload.size(), 16u * 1024) << batch.number;
    }
    sealed_plays += batch.plays;
  }
  EXPECT_EQ(sealed_plays, 20u);
}

TEST(FleetOutbox, ADamagedRowOrFileIsSaidAndNotACrash) {
  ScratchDir dir;
  const auto file = dir.path() / "outbox.sqlite3";
  {
    FleetOutbox outbox = open_outbox(file);
    outbox.add(plays(5));
  }
  // Edited by hand, or by a disk that went wrong: a play whose time is not a number.
  sql(file, "UPDATE unsealed_plays SET started_ms = 'hier' WHERE id = 2");
  {
    FleetOutbox outbox = open_outbox(file);
    const auto batches = outbox.next_batches(4, 0);
    ASSERT_EQ(batches.size(), 1u);
    EXPECT_EQ(batches[0].plays, 4u);
    const auto problems = outbox.take_problems();
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("play 2 is damaged"), std::string::npos) << problems[0];
  }
  // A batch whose payload is not text.
  sql(file, "UPDATE batches SET payload = x'00ff' WHERE number = " + std::to_string(kFirst + 1));
  {
    FleetOutbox outbox = open_outbox(file);
    EXPECT_TRUE(outbox.next_batches(4, 0).empty());
    const auto problems = outbox.take_problems();
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("batch " + std::to_string(kFirst + 1) + " is damaged"),
              std::string::npos)
        << problems[0];
  }
  // A newer schema is refused, not written over.
  sql(file, "PRAGMA user_version = 99");
  EXPECT_THROW(
      {
        try {
          open_outbox(file);
        } catch (const std::runtime_error& error) {
          EXPECT_NE(std::string(error.what()).find("made by a newer bangtin"), std::string::npos)
              << error.what();
          throw;
        }
      },
      std::runtime_error);

  // A file that is not a database at all: the feed says so once, keeps the plays in memory, and
  // the journal goes on.
  const auto garbage = dir.path() / "garbage.sqlite3";
  std::ofstream(garbage) << std::string(4096, '\x5a');
  EXPECT_THROW(open_outbox(garbage), std::runtime_error);
  LogRecorder log;
  const EndedPlaySink feed = fleet_outbox_feed(garbage, kSite, kOffset, log.sink());
  for (int i = 0; i < 3; ++i)
    feed(EndedPlay{PlayStart{"cong-ubnd", "cchc-2026", "item", kShown, morning()}, morning() + 8s,
                   PlayOutcome::completed});
  EXPECT_EQ(
      log.count("fleet: plays not put in the outbox: cannot open fleet outbox " + garbage.string()),
      1)
      << log.all();
  // Mended (moved aside by the operator): the plays kept go in with the next.
  std::filesystem::remove(garbage);
  feed(EndedPlay{PlayStart{"cong-ubnd", "cchc-2026", "item", kShown, morning()}, morning() + 8s,
                 PlayOutcome::interrupted});
  EXPECT_TRUE(log.wait_for("fleet: the outbox takes plays again; 4 kept in memory went in", 0ms))
      << log.all();
  EXPECT_EQ(open_outbox(garbage).counts().plays_unsealed, 4u);
}

TEST(FleetPlays, AnUnacknowledgedBatchIsSentAgainByteForByteAfterReconnecting) {
  ScratchDir dir;
  MosquittoBroker broker(dir.path() / "broker", {.accounts = accounts()});
  const auto file = dir.path() / "fleet-outbox.sqlite3";
  std::string stored;
  std::int64_t stored_number = 0;
  {
    RunningSender site(broker.port(), setup(file));
    ASSERT_TRUE(site.wait([](const auto& seen) { return seen.connected; })) << broker.log();
    // Frozen, the broker takes the batch into its socket and never answers.
    broker.send(SIGSTOP);
    open_outbox(file).add(plays(3));
    ASSERT_TRUE(site.wait([](const auto& seen) { return seen.counts.batches_published == 1; }))
        << site.log.all();
    EXPECT_EQ(site.seen().counts.batches_acknowledged, 0u);
    const auto batches = open_outbox(file).next_batches(4, 0);
    ASSERT_EQ(batches.size(), 1u) << "an unacknowledged batch stays in the outbox";
    stored = batches[0].payload;
    stored_number = batches[0].number;
    broker.kill();  // the PUBACK never comes
  }
  broker.start_again();
  MqttListener hub(broker.port(), "hub", "mat-khau-hub", {kPlaysTopic});
  RunningSender site(broker.port(), setup(file));
  const auto resent = hub.next(
      kPlaysTopic, [](const ReceivedMessage&) { return true; }, 10s);
  ASSERT_TRUE(resent) << site.log.all() << broker.log();
  EXPECT_EQ(resent->payload, stored);
  EXPECT_FALSE(resent->retained);
  ASSERT_TRUE(site.wait([](const auto& seen) { return seen.counts.batches_acknowledged == 1; }));
  // Acknowledged: gone from the outbox, on its thread, before the next batch is asked for.
  open_outbox(file).add(plays(1, 3));
  ASSERT_TRUE(site.wait([](const auto& seen) { return seen.counts.batches_acknowledged == 2; }));
  for (const OutboxBatch& left : open_outbox(file).next_batches(4, 0))
    EXPECT_EQ(left.number, stored_number + 1);
}

TEST(FleetPlays, PlaysMadeWhileTheBrokerIsDownArriveOnceEachWhenItIsBack) {
  ScratchDir dir;
  MosquittoBroker broker(dir.path() / "broker", {.accounts = accounts(), .persistent = true});
  // The hub's session outlives the broker's restart, as a deployment's hub would keep it.
  MqttListener hub(broker.port(), "hub", "mat-khau-hub", {kPlaysTopic}, "bangtin-hub-test");
  const auto file = dir.path() / "fleet-outbox.sqlite3";
  const FleetOutbox::Limits quick{.plays_per_batch = 40, .gather = 0s};
  RunningSender site(broker.port(), setup(file, quick));
  FleetOutbox journal_side = open_outbox(file, quick);
  DedupingHub received;

  journal_side.add(plays(50));
  ASSERT_TRUE(received.collect(hub, 50)) << site.log.all();

  broker.stop();
  ASSERT_TRUE(site.wait([](const auto& seen) { return !seen.connected; }));
  for (std::size_t i = 0; i < 7; ++i) journal_side.add(plays(10, 50 + 10 * i));

  broker.start_again();
  ASSERT_TRUE(received.collect(hub, 120)) << site.log.all() << broker.log();
  ASSERT_TRUE(site.wait([](const auto& seen) { return seen.connections == 2; }));

  const auto items = received.items();
  EXPECT_EQ(items.size(), 120u);
  for (const auto& [item, times] : items) EXPECT_EQ(times, 1) << item;
  // No batch lost: the numbers run without a gap.
  EXPECT_EQ(received.batches.rbegin()->first - received.batches.begin()->first + 1,
            static_cast<std::int64_t>(received.batches.size()));
  EXPECT_EQ(received.resent_differently, 0u);
  ASSERT_TRUE(site.wait([&](const auto& seen) {
    return seen.counts.batches_acknowledged >= received.batches.size();
  }));
  const auto left = journal_side.counts();
  EXPECT_EQ(left.batches + left.plays_unsealed, 0u);
}

TEST(FleetPlays, AWeeksBacklogLeavesInBoundedBatchesAFewAtATime) {
  ScratchDir dir;
  MosquittoBroker broker(dir.path() / "broker", {.accounts = accounts()});
  MqttListener hub(broker.port(), "hub", "mat-khau-hub", {kPlaysTopic});
  const auto file = dir.path() / "fleet-outbox.sqlite3";
  // A week of one board at a play every 30 s, about.
  constexpr std::size_t kBacklog = 20'000;
  const auto added_at = std::chrono::steady_clock::now();
  open_outbox(file).add(plays(kBacklog));
  const auto added_for = std::chrono::steady_clock::now() - added_at;

  const auto started = std::chrono::steady_clock::now();
  RunningSender site(broker.port(), setup(file));
  DedupingHub received;
  ASSERT_TRUE(received.collect(hub, kBacklog, 60s)) << site.log.all();
  const auto drained_for = std::chrono::steady_clock::now() - started;

  std::size_t largest = 0;
  for (const auto& [number, payload] : received.batches) {
    const auto count = json::parse(payload)["plays"].size();
    EXPECT_LE(count, 500u);
    EXPECT_LE(payload.size(), 256u * 1024);
    largest = std::max(largest, payload.size());
  }
  EXPECT_EQ(received.batches.size(), 40u);
  EXPECT_EQ(received.items().size(), kBacklog);
  ASSERT_TRUE(site.wait([](const auto& seen) { return seen.counts.batches_acknowledged == 40; }));
  EXPECT_LE(site.seen().counts.most_in_flight, 4u);
  std::printf(
      "backlog of %zu plays: added in %.2f s, drained in %.2f s as %zu batches (largest %zu "
      "bytes), at most %zu awaiting PUBACK\n",
      kBacklog, std::chrono::duration<double>(added_for).count(),
      std::chrono::duration<double>(drained_for).count(), received.batches.size(), largest,
      site.seen().counts.most_in_flight);
}

TEST(FleetPlays, BangtindPublishesItsPlaysFromAnOlderStateDirectory) {
  ScratchDir dir;
  auto site_accounts = accounts();
  site_accounts[0].acl.push_back("topic read bangtin/v1/sites/xa-hoa-binh/#");
  MosquittoBroker broker(dir.path() / "broker", {.accounts = site_accounts});
  MqttListener hub(broker.port(), "hub", "mat-khau-hub", {kPlaysTopic});
  // The state directory of a version without the outbox, with its plays database.
  {
    PlayStore older(dir.path() / "state/plays.sqlite3");
    older.end(older.begin(PlayStart{"cong-ubnd", "test", "cu", "Cũ", morning()}), morning() + 5s,
              PlayOutcome::completed);
  }
  PanelSimulator panel({.port = 0});
  dir.write("playlists/test.yaml", "playlist: test\nitems:\n  - id: dich-vu-cong\n    text: \"" +
                                       kShown + "\"\n    effect: static\n    duration: 1s\n");
  const auto pass = dir.write("fleet.pass", "mat-khau-xa\n");
  std::filesystem::permissions(
      pass, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto config =
      dir.write("bangtin.yaml",
                "timezone: \"+07:00\"\nplaylists: playlists/\nstate: state\nfleet:\n"
                "  broker: mqtt://127.0.0.1:" +
                    std::to_string(broker.port()) +
                    "\n  site: xa-hoa-binh\n"
                    "  credentials: {username: xa-hoa-binh, password-file: fleet.pass}\n"
                    "  keepalive: 5\n"
                    "displays:\n  - name: cong-ubnd\n    size: 128x32\n"
                    "    link: modbus-tcp://127.0.0.1:" +
                    std::to_string(panel.port()) + "?unit=1\n");
  DaemonProcess daemon(config, dir.path() / "bangtind.log");

  const auto batch = hub.next(
      kPlaysTopic, [](const ReceivedMessage&) { return true; }, 15s);
  ASSERT_TRUE(batch) << daemon.log() << broker.log();
  const json payload = json::parse(batch->payload);
  EXPECT_EQ(payload["site"], kSite);
  // Numbered from when its outbox was made: this test's start, give or take.
  const auto started_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  EXPECT_GT(payload["batch"].get<std::int64_t>(), started_ms - 60'000);
  EXPECT_LT(payload["batch"].get<std::int64_t>(), started_ms);
  ASSERT_GE(payload["plays"].size(), 1u);
  const json& play = payload["plays"][0];
  EXPECT_EQ(play["display"], "cong-ubnd");
  EXPECT_EQ(play["playlist"], "test");
  EXPECT_EQ(play["item"], "dich-vu-cong");
  EXPECT_EQ(play["shown"], kShown);
  EXPECT_TRUE(play["started"].get<std::string>().ends_with("+07:00")) << play;
  EXPECT_EQ(play["ended_early"], false);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "state/fleet-outbox.sqlite3"));
  EXPECT_EQ(daemon.terminate(5s), 0) << daemon.log();
  EXPECT_EQ(daemon.log().find("outbox"), std::string::npos) << daemon.log();
}
