// bangtind in a fleet, against a real Mosquitto on 127.0.0.1 that the test starts as a province
// would run it: no anonymous clients, an account and an ACL for each site, TLS with a CA made
// here. The status a hub reads, the last will of a controller that is killed or frozen, a broker
// that refuses, is down at start or fails the TLS check, hostile messages from it, and a fleet
// part with errors: and in every case the boards play on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

#include "bangtin/panel_simulator.hpp"
#include "daemon_process.hpp"
#include "fleet_signing.hpp"
#include "mosquitto_broker.hpp"
#include "mqtt_listener.hpp"
#include "program_run.hpp"
#include "running_daemon.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kStatusTopic = "bangtin/v1/xa-hoa-binh/status";
constexpr auto kKeepalive = 5s;  // the least libmosquitto takes; the test configs use it
// When the broker must have given up on a controller it no longer hears: 1.5 keep-alives.
constexpr std::chrono::milliseconds kWillBound = kKeepalive * 3 / 2;
// Mosquitto 2.0.11 checks keep-alives only every 6 s (src/keepalive.c, in whole seconds), on top
// of that.
constexpr std::chrono::milliseconds kKeepaliveCheckEvery = 6s;

// The accounts as a province sets them up: a site writes only under its own name and reads what
// is sent to it, its groups and all; the hub reads every status; the province sends.
std::vector<BrokerAccount> fleet_accounts() {
  return {{"xa-hoa-binh",
           "mat-khau-xa",
           {"topic write bangtin/v1/xa-hoa-binh/#", "topic read bangtin/v1/sites/xa-hoa-binh/#",
            "topic read bangtin/v1/groups/huyen-phu-loc/#", "topic read bangtin/v1/all/#"}},
          {"hub", "mat-khau-hub", {"topic read bangtin/v1/+/status"}},
          {"tinh",
           "mat-khau-tinh",
           {"topic write bangtin/v1/sites/#", "topic write bangtin/v1/groups/#",
            "topic write bangtin/v1/all/#"}}};
}

// A commune's config: one board on the simulator, in the fleet through `broker` as site
// xa-hoa-binh of group huyen-phu-loc, with a keep-alive of 5 s.
std::filesystem::path write_site(const ScratchDir& dir, int panel_port, const std::string& broker,
                                 const std::string& password = "mat-khau-xa",
                                 const std::string& more_fleet_lines = "") {
  dir.write("playlists/test.yaml",
            "playlist: test\nitems:\n  - id: dich-vu-cong\n"
            "    text: \"Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia\"\n    speed: 50\n");
  const auto pass = dir.write("fleet.pass", password + "\n");
  std::filesystem::permissions(
      pass, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return dir.write("bangtin.yaml",
                   "timezone: \"+07:00\"\nplaylists: playlists/\nfleet:\n  broker: " + broker +
                       "\n  site: xa-hoa-binh\n  groups: [huyen-phu-loc]\n"
                       "  credentials: {username: xa-hoa-binh, password-file: fleet.pass}\n"
                       "  keepalive: 5\n" +
                       more_fleet_lines +
                       "displays:\n  - name: cong-ubnd\n    size: 128x32\n"
                       "    link: modbus-tcp://127.0.0.1:" +
                       std::to_string(panel_port) + "?unit=1\n");
}

std::string plain(int port) { return "mqtt://127.0.0.1:" + std::to_string(port); }

json parsed(const ReceivedMessage& message) { return json::parse(message.payload, nullptr, false); }

// A status whose state is `state` (and, for offline, whose reason is `reason`).
std::function<bool(const ReceivedMessage&)> saying(const std::string& state,
                                                   const std::string& reason = "") {
  return [=](const ReceivedMessage& message) {
    const json status = parsed(message);
    return status.is_object() && status.value("state", "") == state &&
           (reason.empty() || status.value("reason", "") == reason);
  };
}

// The board keeps getting frames, whatever the fleet is doing.
bool board_plays(const PanelSimulator& panel) {
  const auto seen = panel.commits();
  return panel.wait_for_commit(seen, 5s).has_value();
}

// Made once for the whole run: a CA, and a certificate for 127.0.0.1 it signed.
const TestCertificates& certificates() {
  static const ScratchDir directory;
  static const TestCertificates made = TestCertificates::make(directory.path() / "pki");
  return made;
}

}  // namespace

TEST(FleetLink, PublishesARetainedStatusAHubReadsAndSaysOfflineWhenItStops) {
  ScratchDir dir;
  MosquittoBroker broker(dir.path() / "broker", {.accounts = fleet_accounts()});
  MqttListener hub(broker.port(), "hub", "mat-khau-hub", {"bangtin/v1/+/status"});
  PanelSimulator panel({.port = 0});
  const auto config = write_site(dir, panel.port(), plain(broker.port()));
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  auto daemon = std::make_unique<RunningDaemon>(config, clock.clocks(), log.sink());

  // The first status may come before the panel's link is up; the next says so.
  const auto status = hub.next(
      kStatusTopic,
      [](const ReceivedMessage& message) {
        const json status = parsed(message);
        return status.is_object() && status.value("state", "") == "online" &&
               status["displays"].size() == 1 && status["displays"][0].value("connected", false) &&
               status["displays"][0].value("on_air", "") == "dich-vu-cong";
      },
      10s);
  ASSERT_TRUE(status) << log.all() << broker.log();
  const json online = parsed(*status);
  EXPECT_EQ(online["site"], "xa-hoa-binh");
  EXPECT_FALSE(online.value("version", "").empty()) << online;
  EXPECT_EQ(online["clock"]["time"], "2026-11-24T08:00:00+07:00");
  EXPECT_EQ(online["clock"]["trusted"], true);
  EXPECT_EQ(online["displays"][0]["name"], "cong-ubnd");
  EXPECT_EQ(online["displays"][0]["playlist"], "test");
  EXPECT_TRUE(online["displays"][0]["frames_per_second"].is_number());
  EXPECT_EQ(online["playlist_problems"], 0);
  EXPECT_TRUE(log.wait_for("fleet: connected to " + plain(broker.port()) +
                               " as site xa-hoa-binh; status on " + kStatusTopic,
                           1s))
      << log.all();

  // Retained: a hub that comes later is told at once.
  MqttListener late_hub(broker.port(), "hub", "mat-khau-hub", {kStatusTopic});
  const auto retained = late_hub.next(kStatusTopic, saying("online"), 5s);
  ASSERT_TRUE(retained);
  EXPECT_TRUE(retained->retained);

  daemon.reset();  // a clean stop
  const auto stopped = hub.next(kStatusTopic, saying("offline"), 5s);
  ASSERT_TRUE(stopped) << log.all();
  const json offline = parsed(*stopped);
  EXPECT_EQ(offline["reason"], "stopped") << offline;
  EXPECT_EQ(offline["site"], "xa-hoa-binh");
  EXPECT_EQ(offline["clock"]["time"], "2026-11-24T08:00:00+07:00");
  // A clean DISCONNECT: the broker drops the will instead of publishing it.
  EXPECT_FALSE(hub.next(kStatusTopic, saying("offline", "connection lost"), 300ms))
      << broker.log() << log.all();
}

TEST(FleetLink, AFrozenOrKilledBangtindGoesOfflineThroughItsLastWill) {
  ScratchDir dir;
  MosquittoBroker broker(dir.path() / "broker", {.accounts = fleet_accounts()});
  MqttListener hub(broker.port(), "hub", "mat-khau-hub", {kStatusTopic});
  PanelSimulator panel({.port = 0});
  DaemonProcess daemon(write_site(dir, panel.port(), plain(broker.port())),
                       dir.path() / "bangtind.log");
  ASSERT_TRUE(hub.next(kStatusTopic, saying("online"), 10s)) << daemon.log() << broker.log();

  // Frozen, as a hung machine or a cut cable leaves it: its socket stays open, and only the
  // keep-alive tells.
  daemon.send(SIGSTOP);
  const auto frozen_at = std::chrono::steady_clock::now();
  const auto will = hub.next(kStatusTopic, saying("offline", "connection lost"),
                             kWillBound + kKeepaliveCheckEvery + 3s);
  daemon.send(SIGCONT);
  ASSERT_TRUE(will) << broker.log();
  const auto frozen_for = std::chrono::duration<double>(will->at - frozen_at).count();

  // Thawed, it finds its connection gone, and joins again.
  ASSERT_TRUE(hub.next(kStatusTopic, saying("online"), 10s)) << daemon.log();
  EXPECT_TRUE(daemon.wait_for_log("fleet: connection to " + plain(broker.port()) + " lost: "))
      << daemon.log();

  // Killed: the kernel closes its socket, and the broker publishes the will at once.
  const auto killed_at = std::chrono::steady_clock::now();
  daemon.kill_now();
  const auto killed_will = hub.next(kStatusTopic, saying("offline", "connection lost"), kWillBound);
  ASSERT_TRUE(killed_will) << broker.log();
  const auto killed_for = std::chrono::duration<double>(killed_will->at - killed_at).count();
  std::printf(
      "last will \"offline\" (keep-alive 5 s): %.1f s after SIGSTOP, %.3f s after SIGKILL\n",
      frozen_for, killed_for);
}

TEST(FleetLink, AWrongPasswordIsLoggedOnceAndTheBoardsPlayOn) {
  ScratchDir dir;
  MosquittoBroker broker(dir.path() / "broker", {.accounts = fleet_accounts()});
  PanelSimulator panel({.port = 0});
  const auto config = write_site(dir, panel.port(), plain(broker.port()), "sai-mat-khau");
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  RunningDaemon daemon(config, clock.clocks(), log.sink());

  const std::string refused =
      "fleet: cannot connect to " + plain(broker.port()) + ": the broker refused the connection: ";
  ASSERT_TRUE(log.wait_for(refused, 5s)) << log.all() << broker.log();
  EXPECT_TRUE(log.wait_for("check the username and the password file", 0ms)) << log.all();
  EXPECT_TRUE(board_plays(panel));
  // It keeps trying (the password may be mended at the broker), without a line each time.
  const auto refusals = [&] {
    const std::string text = broker.log();
    int found = 0;
    for (auto at = text.find("not authorised"); at != std::string::npos;
         at = text.find("not authorised", at + 1))
      ++found;
    return found;
  };
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (refusals() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_GE(refusals(), 2) << broker.log();
  EXPECT_EQ(log.count(refused), 1) << log.all();
  EXPECT_TRUE(board_plays(panel));
}

TEST(FleetLink, ABrokerThatIsDownAtStartIsJoinedWhenItComes) {
  ScratchDir dir;
  const int port = free_loopback_port();
  PanelSimulator panel({.port = 0});
  const auto config = write_site(dir, panel.port(), plain(port));
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  const auto started = std::chrono::steady_clock::now();
  RunningDaemon daemon(config, clock.clocks(), log.sink());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "the daemon waited for the broker";
  ASSERT_TRUE(log.wait_for("fleet: cannot connect to " + plain(port) +
                               ": Connection refused; "
                               "trying again, the boards play on",
                           5s))
      << log.all();
  EXPECT_TRUE(board_plays(panel));

  MosquittoBroker broker(dir.path() / "broker", {.accounts = fleet_accounts(), .port = port});
  MqttListener hub(broker.port(), "hub", "mat-khau-hub", {kStatusTopic});
  const auto came_at = std::chrono::steady_clock::now();
  const auto online = hub.next(kStatusTopic, saying("online"), 10s);
  ASSERT_TRUE(online) << log.all() << broker.log();
  std::printf("status on the broker %.1f s after it started\n",
              std::chrono::duration<double>(online->at - came_at).count());
  EXPECT_TRUE(board_plays(panel));
}

TEST(FleetLink, HostileMessagesFromTheBrokerReachTheLogOnlyEscaped) {
  ScratchDir dir;
  MosquittoBroker broker(dir.path() / "broker", {.accounts = fleet_accounts()});
  // Brokers refuse topics with control characters or bytes that are not UTF-8 (MQTT 3.1.1
  // 1.5.3); what gets through is a right-to-left override and a line separator. A payload may be
  // anything: a terminal's escape sequences, line ends and a forged log line, bytes that are not
  // UTF-8, a NUL; and a JSON text that carries an escape sequence into a field the refusal quotes.
  const std::string topic = "bangtin/v1/groups/huyen-phu-loc/notices/\u202Egnp.exe\u2028thong-bao";
  std::string payload = "\x1b]0;owned\x07\x1b[2J\r\n2026-11-24 08:00:00 fake\xff\xfe";
  payload += '\0';
  payload += "\xc0\x80 end";
  {
    MqttListener province(broker.port(), "tinh", "mat-khau-tinh");
    ASSERT_TRUE(province.publish(topic, payload, /*retain=*/true));
    ASSERT_TRUE(province.publish("bangtin/v1/all/notices/\u2066x",
                                 "\x9b"
                                 "31m",
                                 true));
    ASSERT_TRUE(province.publish("bangtin/v1/all/notices/thong-bao", payload, true));
    ASSERT_TRUE(province.publish("bangtin/v1/groups/huyen-phu-loc/notices/khac",
                                 "{\"format\": \"\\u001b]0;owned\\u0007\\n2026 fake\"}", true));
  }
  PanelSimulator panel({.port = 0});
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  dir.write("fleet-signing.pub", public_key_text(new_signing_keys().public_key));
  RunningDaemon daemon(write_site(dir, panel.port(), plain(broker.port()), "mat-khau-xa",
                                  "  trust: fleet-signing.pub\n"),
                       clock.clocks(), log.sink());

  for (const std::string& line :
       {std::string("fleet: bangtin/v1/groups/huyen-phu-loc/notices/\\u202egnp.exe\\u2028thong-bao "
                    "refused: not a topic that carries playlists or notices for site xa-hoa-binh"),
        std::string("fleet: bangtin/v1/all/notices/\\u2066x refused: not a topic"),
        std::string("fleet: bangtin/v1/all/notices/thong-bao refused: not a signed bangtin message "
                    "(not a JSON object)"),
        std::string("fleet: bangtin/v1/groups/huyen-phu-loc/notices/khac refused: unknown format "
                    "\"\\x1b]0;owned\\x07\\n2026 fake\" (this controller reads bangtin-signed/1)")})
    EXPECT_TRUE(log.wait_for(line, 5s)) << line << "\n" << log.all();
  const std::string all = log.all();
  std::size_t start = 0;
  for (std::size_t end = all.find('\n'); end != std::string::npos;
       start = end + 1, end = all.find('\n', start)) {
    const std::string line = all.substr(start, end - start);
    EXPECT_EQ(printable(line), line) << "a log line carries what it should have escaped";
  }
  EXPECT_TRUE(board_plays(panel));
}

TEST(FleetLink, AFleetPartWithErrorsIsReportedAtItsPlaceAndTheBoardsPlayWithoutIt) {
  ScratchDir dir;
  PanelSimulator panel({.port = 0});
  auto config = write_site(dir, panel.port(), "mqtt://10.0.0.5:1883");
  // The site as a person might write it, and a password file that is not there.
  std::string text;
  {
    std::ifstream in(config);
    std::stringstream read;
    read << in.rdbuf();
    text = read.str();
  }
  text.replace(text.find("site: xa-hoa-binh"), 17, "site: Xã Hòa Bình");
  text.replace(text.find("password-file: fleet.pass"), 25, "password-file: missing.pass");
  std::ofstream(config) << text;

  const ProgramRun validated =
      run_program((std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtin").string() +
                  " validate " + config.string() + " 2>&1");
  EXPECT_EQ(validated.exit_code, 1) << validated.output;
  const std::string file = config.string();
  for (const std::string& expected :
       {file + ":4:11: error: broker mqtt://10.0.0.5:1883 without TLS: ",
        file + ":5:9: error: site 'Xã Hòa Bình' may hold only lowercase letters a-z, digits and "
               "hyphens",
        file + ":7:55: error: password file '" + (dir.path() / "missing.pass").string() +
            "' does not exist"})
    EXPECT_NE(validated.output.find(expected), std::string::npos) << expected << "\n"
                                                                  << validated.output;

  ManualClock clock(tuesday_morning());
  LogRecorder log;
  RunningDaemon daemon(config, clock.clocks(), log.sink());
  EXPECT_TRUE(log.wait_for(file + ":4:11: error: broker mqtt://10.0.0.5:1883 without TLS", 1s))
      << log.all();
  EXPECT_TRUE(board_plays(panel));
  EXPECT_EQ(log.count("fleet:"), 0) << "a fleet part with errors is not joined\n" << log.all();
}

TEST(FleetLink, JoinsThroughTlsWithTheFleetsCaAndSaysWhyWithoutIt) {
  ScratchDir dir;
  MosquittoBroker broker(dir.path() / "broker",
                         {.accounts = fleet_accounts(), .tls = certificates()});
  MqttListener hub(broker.port(), "hub", "mat-khau-hub", {kStatusTopic});
  PanelSimulator panel({.port = 0});
  const std::string secure = "mqtts://127.0.0.1:" + std::to_string(broker.tls_port());
  std::filesystem::copy_file(certificates().ca, dir.path() / "fleet-ca.crt");
  ManualClock clock(tuesday_morning());
  {
    LogRecorder log;
    RunningDaemon daemon(
        write_site(dir, panel.port(), secure, "mat-khau-xa", "  tls: {ca: fleet-ca.crt}\n"),
        clock.clocks(), log.sink());
    ASSERT_TRUE(hub.next(kStatusTopic, saying("online"), 10s)) << log.all() << broker.log();
    EXPECT_TRUE(log.wait_for("fleet: connected to " + secure, 1s)) << log.all();
  }
  // Without the fleet's CA, the broker's certificate chains to nothing the system trusts.
  LogRecorder log;
  RunningDaemon daemon(write_site(dir, panel.port(), secure), clock.clocks(), log.sink());
  EXPECT_TRUE(log.wait_for("fleet: cannot connect to " + secure + ": TLS: ", 5s)) << log.all();
  EXPECT_TRUE(log.wait_for("certificate verify failed", 0ms)) << log.all();
  EXPECT_TRUE(board_plays(panel));
  EXPECT_FALSE(hub.next(kStatusTopic, saying("online"), 0ms));
}
