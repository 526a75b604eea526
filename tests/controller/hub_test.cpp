// bangtin-hub against a real Mosquitto on 127.0.0.1, with the fleet's ACL, and a real SQLite file:
// sites publish statuses and batches of plays with libmosquitto (the test's own client), the hub
// keeps them, and `bangtin report --hub` adds them up. Each wait is for an event (a line the hub
// logs, a PUBACK), never a sleep.
#include <gtest/gtest.h>
#include <mosquitto.h>
#include <sqlite3.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "bangtin/play_log.hpp"
#include "daemon_process.hpp"
#include "hub_link.hpp"
#include "hub_messages.hpp"
#include "hub_store.hpp"
#include "log_recorder.hpp"
#include "mosquitto_broker.hpp"
#include "mqtt_listener.hpp"
#include "program_run.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path kBangtin =
    std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtin";
const std::filesystem::path kHub =
    std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtin-hub";
constexpr auto kWait = 10s;

// The hub reads as FLEET.md's ACL lets it; `sites` stands in for any number of sites (the ACL
// that keeps a site to its own name is fleet_link_test's business); xa-hoa-binh is one site.
std::vector<BrokerAccount> hub_accounts() {
  return {
      {"hub", "mat-khau-hub", {"topic read bangtin/v1/+/status", "topic read bangtin/v1/+/plays"}},
      {"sites", "mat-khau-sites", {"topic write bangtin/v1/#"}},
      {"xa-hoa-binh", "mat-khau-xa", {"topic write bangtin/v1/xa-hoa-binh/#"}}};
}

struct TestPlay {
  std::string display;
  std::string item;
  int second;  // of 2026-11-24T08:00 local at +07:00, when it started
  int length;  // seconds
  bool early = false;
};

std::string two_digits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

std::string local_time(int seconds_after_eight) {
  const int minute = seconds_after_eight / 60, second = seconds_after_eight % 60;
  return "2026-11-24T" + two_digits(8 + minute / 60) + ":" + two_digits(minute % 60) + ":" +
         two_digits(second) + "+07:00";
}

std::string batch_json(const std::string& site, int batch, const std::vector<TestPlay>& plays) {
  std::string json =
      "{\"site\":\"" + site + "\",\"batch\":" + std::to_string(batch) + ",\"plays\":[";
  for (std::size_t i = 0; i < plays.size(); ++i) {
    const TestPlay& play = plays[i];
    json += std::string(i ? "," : "") + "{\"display\":\"" + play.display +
            "\",\"playlist\":\"cchc-2026\",\"item\":\"" + play.item +
            "\",\"shown\":\"Nộp hồ sơ trực tuyến\",\"started\":\"" + local_time(play.second) +
            "\",\"ended\":\"" + local_time(play.second + play.length) +
            "\",\"ended_early\":" + (play.early ? "true" : "false") + "}";
  }
  return json + "]}";
}

std::string online(const std::string& site) {
  return "{\"site\":\"" + site +
         "\",\"state\":\"online\",\"version\":\"0.1.0\",\"clock\":{\"time\":"
         "\"2026-11-24T08:00:05+07:00\",\"trusted\":true},\"displays\":[],\"playlist_problems\":0}";
}

std::string plays_topic(const std::string& site) { return "bangtin/v1/" + site + "/plays"; }
std::string status_topic(const std::string& site) { return "bangtin/v1/" + site + "/status"; }

// The hub as bangtin-hub runs it (HubStore + HubLink on an Asio loop), on a thread of the test,
// with its log recorded.
class RunningHub {
 public:
  // `shared_log`: where to log instead of its own `log`, for a test that waits on two hubs.
  // `busy_wait`: how long its database waits for a lock before a write fails.
  RunningHub(int port, const std::filesystem::path& database, const std::string& client_id,
             const std::string& shared = "", LogRecorder* shared_log = nullptr,
             std::chrono::milliseconds busy_wait = HubStore::kBusyWait)
      : log(shared_log ? *shared_log : own_log_),
        store_(database, HubStore::Access::read_write, busy_wait),
        work_(loop_.get_executor()) {
    MqttOptions options;
    options.host = "127.0.0.1";
    options.port = port;
    options.client_id = client_id;
    options.username = "hub";
    options.password = "mat-khau-hub";
    options.keepalive = 5s;
    link_ = std::make_unique<HubLink>(loop_, options, shared, store_, log.sink());
    thread_ = std::thread([this] { loop_.run(); });
  }
  ~RunningHub() { stop(); }
  RunningHub(const RunningHub&) = delete;
  RunningHub& operator=(const RunningHub&) = delete;

  void stop() {
    if (!thread_.joinable()) return;
    boost::asio::post(loop_, [this] {
      link_->close();
      work_.reset();
    });
    thread_.join();
  }
  HubCounts counts() const { return link_->counts(); }

 private:
  LogRecorder own_log_;

 public:
  LogRecorder& log;

 private:
  boost::asio::io_context loop_;
  HubStore store_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<HubLink> link_;
  std::thread thread_;
};

// A hub is subscribed to plays once it has a retained status (HubLink subscribes plays first).
void publish_probe(MqttListener& sites) {
  ASSERT_TRUE(sites.publish(status_topic("tram-thu"), online("tram-thu"), true));
}
bool ready(RunningHub& hub) { return hub.log.wait_for("site tram-thu is online", kWait); }

int total_plays(const std::vector<SiteTotals>& rows, const std::string& site = "") {
  int plays = 0;
  for (const SiteTotals& row : rows)
    if (site.empty() || row.site == site) plays += row.totals.plays;
  return plays;
}

std::vector<SiteTotals> stored(const std::filesystem::path& database) {
  return HubStore(database, HubStore::Access::read_only).totals("2026-11-01", "2026-11-30");
}

class HubTest : public ::testing::Test {
 protected:
  ScratchDir dir;
  MosquittoBroker broker{dir.path() / "broker", {hub_accounts()}};
  MqttListener sites{broker.port(), "sites", "mat-khau-sites"};
  std::filesystem::path database = dir.path() / "hub.sqlite3";
};

TEST_F(HubTest, ABatchPublishedTwiceIsCountedOnce) {
  publish_probe(sites);
  RunningHub hub(broker.port(), database, "hub-1");
  ASSERT_TRUE(ready(hub)) << hub.log.all();
  const std::string batch = batch_json(
      "xa-hoa-binh", 1842, {{"cong-ubnd", "dich-vu-cong", 0, 12}, {"cong-ubnd", "gio", 12, 8}});
  ASSERT_TRUE(sites.publish(plays_topic("xa-hoa-binh"), batch, false));
  ASSERT_TRUE(sites.publish(plays_topic("xa-hoa-binh"), batch, false));
  ASSERT_TRUE(hub.log.wait_for("site xa-hoa-binh batch 1842: already stored, ignored", kWait))
      << hub.log.all();
  EXPECT_EQ(hub.log.count("site xa-hoa-binh batch 1842: stored 2 play(s)"), 1);
  const auto rows = stored(database);
  EXPECT_EQ(total_plays(rows), 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].site, "xa-hoa-binh");
  EXPECT_EQ(rows[0].totals.day, "2026-11-24");
  EXPECT_EQ(rows[0].totals.item, "dich-vu-cong");
  EXPECT_EQ(rows[0].totals.on_air, 12s);
  EXPECT_EQ(hub.counts().batches_stored, 1u);
  EXPECT_EQ(hub.counts().batches_again, 1u);
}

// A site as libmosquitto leaves it when its process dies: the socket closes without a DISCONNECT,
// and the broker publishes the will.
void site_that_dies(int port, const std::string& status) {
  mosquitto* site = mosquitto_new("bangtin-xa-hoa-binh", true, nullptr);
  const std::string will = R"({"site":"xa-hoa-binh","state":"offline","reason":"connection lost"})";
  mosquitto_username_pw_set(site, "xa-hoa-binh", "mat-khau-xa");
  mosquitto_will_set(site, status_topic("xa-hoa-binh").c_str(), static_cast<int>(will.size()),
                     will.data(), 1, true);
  ASSERT_EQ(mosquitto_connect(site, "127.0.0.1", port, 5), MOSQ_ERR_SUCCESS);
  int mid = 0;
  mosquitto_publish(site, &mid, status_topic("xa-hoa-binh").c_str(),
                    static_cast<int>(status.size()), status.data(), 1, true);
  // Until the PUBACK: the status is at the broker before the connection dies.
  for (int i = 0; i < 100 && mosquitto_want_write(site); ++i) mosquitto_loop(site, 50, 1);
  mosquitto_loop(site, 200, 1);
  mosquitto_destroy(site);  // closes the socket without a DISCONNECT
}

TEST_F(HubTest, StatusOnlineAndOfflineAreTrackedIncludingARetainedWill) {
  MqttListener watcher(broker.port(), "hub", "mat-khau-hub", {status_topic("xa-hoa-binh")});
  site_that_dies(broker.port(), online("xa-hoa-binh"));
  ASSERT_TRUE(watcher.next(
      status_topic("xa-hoa-binh"),
      [](const ReceivedMessage& m) {
        return m.payload.find("connection lost") != std::string::npos;
      },
      kWait));
  // The hub starts after the site died: the broker hands it the retained will.
  publish_probe(sites);
  {
    RunningHub hub(broker.port(), database, "hub-1");
    ASSERT_TRUE(hub.log.wait_for("site xa-hoa-binh is offline: connection lost", kWait))
        << hub.log.all();
    ASSERT_TRUE(ready(hub)) << hub.log.all();
    auto known = HubStore(database, HubStore::Access::read_only).sites();
    ASSERT_EQ(known.size(), 2u);
    EXPECT_EQ(known[1].site, "xa-hoa-binh");
    EXPECT_FALSE(known[1].online);
    EXPECT_EQ(known[1].reason, "connection lost");
    EXPECT_EQ(known[1].version, "");  // the will is all the hub ever heard of it

    ASSERT_TRUE(sites.publish(status_topic("xa-hoa-binh"), online("xa-hoa-binh"), true));
    ASSERT_TRUE(hub.log.wait_for("site xa-hoa-binh is online, version 0.1.0", kWait));
    site_that_dies(broker.port(), online("xa-hoa-binh"));
    ASSERT_TRUE(hub.log.wait_for_count("site xa-hoa-binh is offline: connection lost", 2, kWait))
        << hub.log.all();
    known = HubStore(database, HubStore::Access::read_only).sites();
    EXPECT_FALSE(known[1].online);
    // The version it said while online stays known; `since` is when it went offline.
    EXPECT_EQ(known[1].version, "0.1.0");
    EXPECT_EQ(known[1].changed_ms, known[1].heard_ms);
  }
  const ProgramRun table =
      run_program(kHub.string() + " --sites --database " + database.string() + " 2>&1");
  EXPECT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("site         state    since"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("tram-thu     online"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("xa-hoa-binh  offline"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("connection lost"), std::string::npos) << table.output;
}

TEST_F(HubTest, HostilePayloadsAreRefusedLoggedEscapedAndTheHubGoesOn) {
  publish_probe(sites);
  RunningHub hub(broker.port(), database, "hub-1");
  ASSERT_TRUE(ready(hub)) << hub.log.all();
  const std::string good_play =
      R"({"display":"b","playlist":"p","item":"i","shown":"t","started":"2026-11-24T08:00:00+07:00","ended":"2026-11-24T08:00:10+07:00","ended_early":false})";
  std::string many = R"({"site":"xa-a","batch":9,"plays":[)";
  for (std::size_t i = 0; i <= kMostPlaysPerBatch; ++i) many += (i ? "," : "") + good_play;
  many += "]}";
  const std::vector<std::pair<std::string, std::string>> hostile{
      {"xa-a", "{\"site\":\"xa-a\",\"batch\":1,\"plays\":["},  // cut short
      {"xa-a", "\x1b[31m{not json"},                           // a terminal escape
      {"xa-a", R"({"site":"xa-a","batch":"1","plays":[]})"},   // a string for a number
      {"xa-a", R"({"site":"xa-a","batch":-1,"plays":[]})"},
      {"xa-a", R"({"site":"xa-a","batch":1.5,"plays":[]})"},
      {"xa-a", R"({"site":"xa-a","batch":1,"plays":{}})"},
      {"xa-a", R"({"site":"xa-a","batch":1,"plays":[1]})"},
      {"xa-a", R"({"site":"xa-a","batch":1,"plays":[{"display":"b"}]})"},
      {"xa-a",
       R"({"site":"xa-a","batch":1,"plays":[{"display":"b","playlist":"p","item":"i","shown":"t","started":"yesterday","ended":"2026-11-24T08:00:10+07:00","ended_early":false}]})"},
      {"xa-a",
       R"({"site":"xa-a","batch":1,"plays":[{"display":"b","playlist":"p","item":"i","shown":"t","started":"2026-11-24T08:00:10+07:00","ended":"2026-11-24T08:00:00+07:00","ended_early":false}]})"},
      {"xa-a", R"({"site":"xa-b","batch":1,"plays":[]})"},  // another site than the topic's
      {"xa-a", many},
      {"xa-a", std::string(kLargestHubPayload + 1, ' ')},
      {"xa-a",
       "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["},
      {"xa-a", "{\"site\":\"xa-a\",\"batch\":1,\"plays\":[],\"x\":\"\xff\xfe\"}"},  // not UTF-8
      {"XA_A", R"({"site":"XA_A","batch":1,"plays":[]})"},  // not a site name
  };
  for (const auto& [site, payload] : hostile)
    ASSERT_TRUE(sites.publish(plays_topic(site), payload, false));
  ASSERT_TRUE(sites.publish(status_topic("xa-a"), R"({"site":"xa-a","state":"asleep"})", false));
  // After all of them, a good batch: stored, so the hub went through every one of them alive.
  ASSERT_TRUE(
      sites.publish(plays_topic("xa-a"), batch_json("xa-a", 2, {{"b", "i", 0, 10}}), false));
  ASSERT_TRUE(hub.log.wait_for("site xa-a batch 2: stored 1 play(s)", kWait)) << hub.log.all();
  EXPECT_EQ(hub.counts().refused, hostile.size() + 1) << hub.log.all();
  const std::string log = hub.log.all();
  EXPECT_EQ(log.find('\x1b'), std::string::npos);
  EXPECT_NE(log.find("begins \"\\x1b[31m{not json\"): the payload is not JSON"), std::string::npos)
      << log;
  EXPECT_NE(log.find("\"site\" is \"xa-b\" on the topic of xa-a"), std::string::npos) << log;
  EXPECT_NE(log.find("\"plays\" has 10001 plays, more than 10000"), std::string::npos) << log;
  EXPECT_NE(log.find("\"batch\" is not a whole number"), std::string::npos) << log;
  EXPECT_NE(log.find("a play ended before it started"), std::string::npos) << log;
  EXPECT_NE(log.find("not a site's status or plays topic"), std::string::npos) << log;
  EXPECT_EQ(total_plays(stored(database)), 1);
}

TEST_F(HubTest, TheReportIsTheSumOfWhatTheSitesPublished) {
  publish_probe(sites);
  RunningHub hub(broker.port(), database, "hub-1");
  ASSERT_TRUE(ready(hub)) << hub.log.all();
  // Five sites, each with two boards, publish four batches of plays of three items.
  std::map<std::string, int> published;
  int batches = 0;
  for (int s = 0; s < 5; ++s) {
    const std::string site = "xa-" + std::to_string(s);
    int second = 0;
    for (int b = 1; b <= 4; ++b) {
      std::vector<TestPlay> plays;
      for (int p = 0; p < 3 + s + b; ++p) {
        plays.push_back({p % 2 ? "cong-ubnd" : "nha-van-hoa", "muc-" + std::to_string(p % 3),
                         second, 10 + p, p == 4});
        second += 10 + p;
      }
      published[site] += static_cast<int>(plays.size());
      ASSERT_TRUE(sites.publish(plays_topic(site), batch_json(site, b, plays), false));
      ++batches;
    }
  }
  ASSERT_TRUE(hub.log.wait_for("site xa-4 batch 4: stored", kWait)) << hub.log.all();
  ASSERT_EQ(hub.counts().batches_stored, static_cast<std::uint64_t>(batches));
  const auto rows = stored(database);
  for (const auto& [site, plays] : published) EXPECT_EQ(total_plays(rows, site), plays) << site;

  const ProgramRun csv = run_program(kBangtin.string() + " report --hub " + database.string() +
                                     " --from 2026-11-24 --to 2026-11-24 --csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_EQ(csv.output.rfind(
                "day,site,display,playlist,item,plays,interrupted,on_air_seconds,text\r\n", 0),
            0u)
      << csv.output;
  // xa-0's batches 1..4 hold 4, 5, 6 and 7 plays; nha-van-hoa gets the even ones: muc-0 at
  // p = 0 and 3 (odd: cong-ubnd)... counted here from the same rule the sites used.
  std::map<std::string, int> from_csv;
  std::size_t line_start = csv.output.find("\r\n") + 2;
  while (line_start < csv.output.size()) {
    const std::size_t end = csv.output.find("\r\n", line_start);
    const std::string line = csv.output.substr(line_start, end - line_start);
    std::vector<std::string> cells;
    for (std::size_t at = 0;;) {
      const std::size_t comma = line.find(',', at);
      cells.push_back(line.substr(at, comma - at));
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
    EXPECT_EQ(cells.size(), 9u) << line;
    EXPECT_EQ(cells[0], "2026-11-24");
    from_csv[cells[1]] += std::stoi(cells[5]);
    line_start = end + 2;
  }
  EXPECT_EQ(from_csv, published) << csv.output;
  EXPECT_NE(csv.output.find("2026-11-24,xa-0,nha-van-hoa,cchc-2026,muc-0,"), std::string::npos);

  const ProgramRun other_day =
      run_program(kBangtin.string() + " report --hub " + database.string() +
                  " --from 2026-11-25 --to 2026-11-30 --csv");
  EXPECT_EQ(other_day.output,
            "day,site,display,playlist,item,plays,interrupted,on_air_seconds,text\r\n");
  const ProgramRun one_site = run_program(kBangtin.string() + " report --hub " + database.string() +
                                          " --from 2026-11-24 --to 2026-11-24 --site xa-2");
  EXPECT_EQ(one_site.exit_code, 0);
  EXPECT_NE(one_site.output.find("total"), std::string::npos);
  EXPECT_EQ(one_site.output.find("xa-1"), std::string::npos) << one_site.output;

  const auto xlsx = dir.path() / "bao-cao.xlsx";
  const ProgramRun sheet =
      run_program(kBangtin.string() + " report --hub " + database.string() +
                  " --from 2026-11-01 --to 2026-11-30 --xlsx " + xlsx.string() + " 2>&1");
  ASSERT_EQ(sheet.exit_code, 0) << sheet.output;
  std::ifstream in(xlsx, std::ios::binary);
  std::string head(2, '\0');
  in.read(head.data(), 2);
  EXPECT_EQ(head, "PK");  // a zip, as XLSX files are
}

TEST_F(HubTest, AHubRestartedMidwayLosesNothingTheBrokerAcknowledged) {
  publish_probe(sites);
  const auto publish = [&](int batch) {
    ASSERT_TRUE(sites.publish(
        plays_topic("xa-hoa-binh"),
        batch_json("xa-hoa-binh", batch, {{"cong-ubnd", "gio", batch * 20, 10}}), false));
  };
  {
    RunningHub hub(broker.port(), database, "hub-1");
    ASSERT_TRUE(ready(hub)) << hub.log.all();
    for (int batch = 1; batch <= 3; ++batch) publish(batch);
    ASSERT_TRUE(hub.log.wait_for("batch 3: stored", kWait)) << hub.log.all();
  }
  // While the hub is away the broker keeps its session, and acknowledges the sites' batches.
  for (int batch = 4; batch <= 6; ++batch) publish(batch);
  publish(2);  // one sent again after a lost PUBACK
  RunningHub again(broker.port(), database, "hub-1");
  ASSERT_TRUE(again.log.wait_for("batch 2: already stored, ignored", kWait)) << again.log.all();
  EXPECT_EQ(again.counts().batches_stored, 3u) << again.log.all();
  EXPECT_EQ(total_plays(stored(database)), 6);
}

// Mosquitto 2.0 gives shared subscriptions to MQTT 3.1.1 clients too: each batch goes to one hub
// of the group, and the two hubs share one SQLite file.
TEST_F(HubTest, TwoHubsShareTheBatchesAndTheDatabase) {
  publish_probe(sites);
  LogRecorder log;
  RunningHub first(broker.port(), database, "hub-1", "tinh", &log);
  RunningHub second(broker.port(), database, "hub-2", "tinh", &log);
  // Both are subscribed once each has said the probe's status.
  ASSERT_TRUE(log.wait_for_count("site tram-thu is online", 2, kWait)) << log.all();
  constexpr int batches = 40;
  const auto site = [](int batch) { return "xa-" + std::to_string(batch % 4); };
  for (int batch = 1; batch <= batches; ++batch)
    ASSERT_TRUE(sites.publish(plays_topic(site(batch)),
                              batch_json(site(batch), batch, {{"b", "i", batch, 5}}), false));
  for (int batch = 1; batch <= batches; ++batch) {
    ASSERT_TRUE(
        log.wait_for("site " + site(batch) + " batch " + std::to_string(batch) + ": stored", kWait))
        << log.all();
  }
  EXPECT_EQ(first.counts().batches_stored + second.counts().batches_stored,
            static_cast<std::uint64_t>(batches));
  EXPECT_GT(first.counts().batches_stored, 0u);
  EXPECT_GT(second.counts().batches_stored, 0u);
  EXPECT_EQ(first.counts().batches_again + second.counts().batches_again, 0u);
  EXPECT_EQ(total_plays(stored(database)), batches);
}

// The program itself, as a province runs it: options, a password file, SIGTERM. A thousand
// batches of twenty plays from ten sites; the figures go to the test's output.
TEST_F(HubTest, TheHubProgramKeepsAThousandBatchesAndStopsCleanly) {
  publish_probe(sites);
  const auto password = dir.write("hub.pass", "mat-khau-hub\n");
  DaemonProcess hub(kHub,
                    {"--broker", "mqtt://127.0.0.1:" + std::to_string(broker.port()), "--username",
                     "hub", "--password-file", password.string(), "--database", database.string(),
                     "--client-id", "hub-process", "--shared", "tinh"},
                    dir.path() / "hub.log");
  ASSERT_TRUE(hub.wait_for_log("site tram-thu is online")) << hub.log();
  constexpr int batches = 1000, plays_each = 20;
  const auto start = std::chrono::steady_clock::now();
  for (int batch = 1; batch <= batches; ++batch) {
    std::vector<TestPlay> plays;
    for (int p = 0; p < plays_each; ++p) plays.push_back({"cong-ubnd", "gio", p * 10, 10});
    const std::string site = "xa-" + std::to_string(batch % 10);
    ASSERT_TRUE(sites.publish(plays_topic(site), batch_json(site, batch, plays), false));
  }
  ASSERT_TRUE(hub.wait_for_log("batch 1000: stored", 1, 60s)) << hub.log();
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  std::cout << "bangtin-hub stored " << batches << " batches of " << plays_each << " plays in "
            << took.count() << " s (" << batches / took.count() << " batches/s, published one "
            << "at a time with QoS 1), resident " << hub.resident_kib() << " KiB\n";
  EXPECT_EQ(hub.terminate(5s), 0) << hub.log();
  EXPECT_NE(hub.log().find("hub: stopped; 1000 batch(es) with 20000 play(s) stored, 0 again"),
            std::string::npos)
      << hub.log();
  EXPECT_EQ(total_plays(stored(database)), batches * plays_each);
}

// A hub killed (SIGKILL) while batches pour in, with more of them queued for it than it has
// stored: the broker has an acknowledgement only for those in the database, and gives the others
// to the restarted hub. Every item below is one batch's fifty plays, so the report shows 50 for
// each item or no row (no half batch). Sent again, as an outbox would after a lost PUBACK, the
// batches are not counted twice.
TEST_F(HubTest, AHubKilledMidwayLosesNothingAndKeepsEachBatchWhole) {
  publish_probe(sites);
  constexpr int batches = 300, plays_each = 50;
  const auto batch_of = [&](int batch) {
    std::vector<TestPlay> plays;
    for (int p = 0; p < plays_each; ++p)
      plays.push_back({"cong-ubnd", "muc-" + std::to_string(batch), p * 5, 5});
    return batch_json("xa-hoa-binh", batch, plays);
  };
  const auto password = dir.write("hub.pass", "mat-khau-hub\n");
  const auto start_hub = [&](const char* log) {
    return std::make_unique<DaemonProcess>(
        kHub,
        std::vector<std::string>{"--broker", "mqtt://127.0.0.1:" + std::to_string(broker.port()),
                                 "--username", "hub", "--password-file", password.string(),
                                 "--database", database.string(), "--client-id", "hub-process"},
        dir.path() / log);
  };
  const auto items_all_whole = [&] {
    std::set<std::string> items;
    for (const SiteTotals& row : stored(database)) {
      EXPECT_EQ(row.totals.plays, plays_each) << row.totals.item;
      items.insert(row.totals.item);
    }
    return items.size();
  };

  auto hub = start_hub("hub-1.log");
  ASSERT_TRUE(hub->wait_for_log("site tram-thu is online")) << hub->log();
  for (int batch = 1; batch <= batches; ++batch)
    ASSERT_TRUE(sites.publish(plays_topic("xa-hoa-binh"), batch_of(batch), false));
  ASSERT_TRUE(hub->wait_for_log("batch 20: stored")) << hub->log();
  hub->kill_now();
  const std::size_t kept = items_all_whole();
  EXPECT_GE(kept, 20u);
  EXPECT_LT(kept, static_cast<std::size_t>(batches)) << "the hub finished before it was killed";

  hub = start_hub("hub-2.log");
  // The broker hands the session's batches over in order: once one published now is stored, all
  // of the earlier ones are.
  ASSERT_TRUE(sites.publish(plays_topic("xa-hoa-binh"), batch_of(batches + 1), false));
  ASSERT_TRUE(hub->wait_for_log("batch 301: stored", 1, 30s)) << hub->log();
  EXPECT_EQ(items_all_whole(), static_cast<std::size_t>(batches + 1));
  for (int batch = 1; batch <= 10; ++batch)
    ASSERT_TRUE(sites.publish(plays_topic("xa-hoa-binh"), batch_of(batch), false));
  ASSERT_TRUE(hub->wait_for_log("batch 10: already stored")) << hub->log();
  EXPECT_EQ(total_plays(stored(database)), (batches + 1) * plays_each);
}

// A database that will not take a batch (here another writer holds its lock; a full disk is the
// same): the hub does not acknowledge it, the broker sends it again on the next connection, and
// it is stored once the database takes writes again.
TEST_F(HubTest, ABatchTheDatabaseRefusesIsNotAcknowledgedAndComesAgain) {
  publish_probe(sites);
  RunningHub hub(broker.port(), database, "hub-1", "", nullptr, 100ms);
  ASSERT_TRUE(ready(hub)) << hub.log.all();
  sqlite3* blocker = nullptr;
  ASSERT_EQ(sqlite3_open(database.c_str(), &blocker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(blocker, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_TRUE(sites.publish(plays_topic("xa-a"), batch_json("xa-a", 1, {{"b", "i", 0, 5}}), false));
  ASSERT_TRUE(hub.log.wait_for("site xa-a batch 1: not stored", kWait)) << hub.log.all();
  EXPECT_NE(hub.log.all().find("not acknowledged, the broker keeps it"), std::string::npos);
  ASSERT_EQ(sqlite3_exec(blocker, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(blocker);
  ASSERT_TRUE(hub.log.wait_for("site xa-a batch 1: stored 1 play(s)", kWait)) << hub.log.all();
  EXPECT_EQ(hub.counts().batches_stored, 1u);
  EXPECT_EQ(total_plays(stored(database)), 1);
  // Said once, however many times the broker sent it meanwhile.
  EXPECT_EQ(hub.log.count("batch 1: not stored"), 1) << hub.log.all();
}

// The broker restarted (its sessions gone, as with `persistence false`): the hub connects again,
// subscribes again, and stores what comes after.
TEST_F(HubTest, TheHubComesBackAfterTheBrokerRestarts) {
  publish_probe(sites);
  RunningHub hub(broker.port(), database, "hub-1");
  ASSERT_TRUE(ready(hub)) << hub.log.all();
  ASSERT_TRUE(sites.publish(plays_topic("xa-a"), batch_json("xa-a", 1, {{"b", "i", 0, 5}}), false));
  ASSERT_TRUE(hub.log.wait_for("site xa-a batch 1: stored", kWait)) << hub.log.all();
  const int port = broker.port();
  broker.kill();
  ASSERT_TRUE(hub.log.wait_for("connection to 127.0.0.1:" + std::to_string(port) + " lost", kWait))
      << hub.log.all();
  MosquittoBroker restarted(dir.path() / "broker-again", {hub_accounts(), port});
  MqttListener sites_again(port, "sites", "mat-khau-sites");
  ASSERT_TRUE(sites_again.publish(status_topic("tram-thu"), online("tram-thu"), true));
  ASSERT_TRUE(hub.log.wait_for_count("hub: connected to", 2, kWait)) << hub.log.all();
  // Its status subscription is back once the probe's retained status is heard again; the plays
  // one was made before it.
  ASSERT_TRUE(sites_again.publish(status_topic("tram-thu"),
                                  R"({"site":"tram-thu","state":"offline","reason":"stopped"})",
                                  true));
  ASSERT_TRUE(hub.log.wait_for("site tram-thu is offline: stopped", kWait)) << hub.log.all();
  ASSERT_TRUE(
      sites_again.publish(plays_topic("xa-a"), batch_json("xa-a", 2, {{"b", "i", 10, 5}}), false));
  ASSERT_TRUE(hub.log.wait_for("site xa-a batch 2: stored", kWait)) << hub.log.all();
  EXPECT_EQ(total_plays(stored(database)), 2);
}

TEST(HubCommand, SaysHowItIsUsedAndRefusesWhatItCannotDo) {
  const ProgramRun help = run_program(kHub.string() + " --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--shared"), std::string::npos);
  const ProgramRun version = run_program(kHub.string() + " --version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind("bangtin-hub ", 0), 0u) << version.output;
  const ProgramRun plain =
      run_program(kHub.string() + " --broker mqtt://10.0.0.1 --database x.sqlite3 2>&1");
  EXPECT_EQ(plain.exit_code, 2);
  EXPECT_NE(plain.output.find("use mqtts://"), std::string::npos) << plain.output;
  const ProgramRun postgres =
      run_program(kHub.string() + " --broker mqtts://h --database postgresql://h/db 2>&1");
  EXPECT_EQ(postgres.exit_code, 2);
  EXPECT_NE(postgres.output.find("PostgreSQL is not supported"), std::string::npos);
  const ProgramRun shared =
      run_program(kHub.string() + " --broker mqtt://127.0.0.1 --shared 'a/#' 2>&1");
  EXPECT_EQ(shared.exit_code, 2) << shared.output;
}

}  // namespace
