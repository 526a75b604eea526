// A province and its communes, end to end: real bangtind processes as the sites, a real
// Mosquitto on 127.0.0.1 with an account and an ACL for each, and the province's side through
// the real `bangtin fleet` commands. A signed notice reaches every board of its group; what is
// unsigned, wrongly signed or broken is refused and said in the site's status; a site that boots
// without its broker plays what it last had.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <memory>

#include "bangtin/date_time_text.hpp"
#include "bangtin/panel_simulator.hpp"
#include "daemon_process.hpp"
#include "fleet_signing.hpp"
#include "mosquitto_broker.hpp"
#include "mqtt_listener.hpp"
#include "program_run.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::filesystem::path kCli = std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtin";
const std::string kGroup = "huyen-phu-loc";

std::string status_topic(const std::string& site) { return "bangtin/v1/" + site + "/status"; }

BrokerAccount site_account(const std::string& site, const std::string& group) {
  return {site,
          "mk-" + site,
          {"topic write bangtin/v1/" + site + "/#", "topic read bangtin/v1/sites/" + site + "/#",
           "topic read bangtin/v1/groups/" + group + "/#", "topic read bangtin/v1/all/#"}};
}

BrokerAccount province_account() {
  return {"tinh",
          "mk-tinh",
          {"topic write bangtin/v1/sites/#", "topic write bangtin/v1/groups/#",
           "topic write bangtin/v1/all/#"}};
}

BrokerAccount hub_account() { return {"hub", "mk-hub", {"topic read bangtin/v1/+/status"}}; }

void make_private(const std::filesystem::path& file) {
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// The province's keys and its publisher's file, made with the real commands.
struct Province {
  explicit Province(const ScratchDir& dir, int broker_port) : dir_(dir) {
    const ProgramRun made = run_program(kCli.string() + " fleet keygen --secret " + key().string() +
                                        " --public " + trust().string() + " 2>&1");
    if (made.exit_code != 0) throw std::runtime_error("keygen: " + made.output);
    make_private(dir.write("tinh/tinh.pass", "mk-tinh\n"));
    dir.write("tinh/tinh.yaml",
              "fleet:\n  broker: mqtt://127.0.0.1:" + std::to_string(broker_port) +
                  "\n  site: so-tttt\n"
                  "  credentials: {username: tinh, password-file: tinh.pass}\n");
  }
  std::filesystem::path key() const { return dir_.path() / "tinh.key"; }
  std::filesystem::path trust() const { return dir_.path() / "fleet-signing.pub"; }
  ProgramRun fleet(const std::string& arguments) const {
    return run_program(kCli.string() + " fleet " + arguments + " --connection " +
                       (dir_.path() / "tinh/tinh.yaml").string() + " 2>&1");
  }
  const ScratchDir& dir_;
};

// A commune: one board on its own simulator, in the fleet as `site` of `group`, trusting the
// province's key; its own playlist shows the office hours, a second at a time.
struct Site {
  Site(const ScratchDir& dir, const std::string& name, const std::string& group, int broker_port,
       const std::filesystem::path& trust)
      : site(name), panel({.port = 0}) {
    const std::string at = name + "/";
    dir.write(at + "playlists/rieng.yaml",
              "playlist: rieng\nitems:\n  - id: gio-lam-viec\n    text: \"Giờ làm việc\"\n"
              "    effect: static\n    duration: 1s\n");
    make_private(dir.write(at + "fleet.pass", "mk-" + name + "\n"));
    std::filesystem::copy_file(trust, dir.path() / name / "fleet-signing.pub");
    config = dir.write(at + "bangtin.yaml",
                       "timezone: \"+07:00\"\nplaylists: playlists/\nfleet:\n"
                       "  broker: mqtt://127.0.0.1:" +
                           std::to_string(broker_port) + "\n  site: " + name + "\n  groups: [" +
                           group + "]\n  credentials: {username: " + name +
                           ", password-file: fleet.pass}\n  trust: fleet-signing.pub\n"
                           "  keepalive: 5\ndisplays:\n  - name: bang\n    size: 128x32\n"
                           "    groups: [street]\n    link: modbus-tcp://127.0.0.1:" +
                           std::to_string(panel.port()) + "?unit=1\n");
    state = dir.path() / name / "state";
    start(dir);
  }
  void start(const ScratchDir& dir) {
    daemon.reset();
    daemon = std::make_unique<DaemonProcess>(config, dir.path() / site / "bangtind.log");
  }
  json status_file() const {
    std::ifstream in(state / "status.json");
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str(), nullptr, false);
  }
  std::string site;
  PanelSimulator panel;
  std::filesystem::path config;
  std::filesystem::path state;
  std::unique_ptr<DaemonProcess> daemon;
};

std::function<bool(const ReceivedMessage&)> on_air(const std::string& item) {
  return [item](const ReceivedMessage& message) {
    const json status = json::parse(message.payload, nullptr, false);
    return status.is_object() && status.value("state", "") == "online" &&
           status["displays"].size() == 1 && status["displays"][0].value("connected", false) &&
           status["displays"][0].value("on_air", "") == item;
  };
}

std::function<bool(const ReceivedMessage&)> online_and_connected() {
  return [](const ReceivedMessage& message) {
    const json status = json::parse(message.payload, nullptr, false);
    return status.is_object() && status.value("state", "") == "online" &&
           status["displays"].size() == 1 && status["displays"][0].value("connected", false);
  };
}

// A status whose fleet part `wanted` accepts.
std::function<bool(const ReceivedMessage&)> fleet_part(std::function<bool(const json&)> wanted) {
  return [wanted](const ReceivedMessage& message) {
    const json status = json::parse(message.payload, nullptr, false);
    return status.is_object() && status.contains("fleet") && wanted(status["fleet"]);
  };
}

// An hour from now, as the province writes a local time.
std::string in_an_hour() {
  return iso_local_date_time_text(std::chrono::system_clock::now() + 1h, 7h).substr(0, 16);
}

}  // namespace

TEST(FleetSites, ASignedNoticeToAGroupIsOnEveryBoardOfThatGroupWithinTwoSeconds) {
  ScratchDir dir;
  const std::vector<std::string> in_group{"xa-hoa-binh", "xa-an-lac", "xa-tan-my"};
  const std::string elsewhere = "xa-khac";
  std::vector<BrokerAccount> accounts{province_account(), hub_account()};
  for (const auto& site : in_group) accounts.push_back(site_account(site, kGroup));
  accounts.push_back(site_account(elsewhere, "huyen-khac"));
  MosquittoBroker broker(dir.path() / "broker", {.accounts = accounts});
  const Province province(dir, broker.port());

  std::vector<std::unique_ptr<Site>> sites;
  std::vector<std::unique_ptr<MqttListener>> hubs;  // one per site: each waits on its own
  for (const auto& name : in_group) {
    sites.push_back(std::make_unique<Site>(dir, name, kGroup, broker.port(), province.trust()));
    hubs.push_back(std::make_unique<MqttListener>(broker.port(), "hub", "mk-hub",
                                                  std::vector<std::string>{status_topic(name)}));
  }
  Site other(dir, elsewhere, "huyen-khac", broker.port(), province.trust());
  MqttListener other_hub(broker.port(), "hub", "mk-hub", {status_topic(elsewhere)});
  for (std::size_t i = 0; i < sites.size(); ++i)
    ASSERT_TRUE(hubs[i]->next(status_topic(in_group[i]), online_and_connected(), 10s))
        << sites[i]->daemon->log() << broker.log();
  ASSERT_TRUE(other_hub.next(status_topic(elsewhere), online_and_connected(), 10s));

  const auto sent = std::chrono::steady_clock::now();
  const ProgramRun published = province.fleet(
      "publish --key " + province.key().string() + " --group " + kGroup +
      " --notice mat-dien --text 'Mất điện lúc 14 giờ, xin lỗi quý khách' --until " + in_an_hour());
  ASSERT_EQ(published.exit_code, 0) << published.output;
  EXPECT_NE(published.output.find("bangtin/v1/groups/huyen-phu-loc/notices/mat-dien published"),
            std::string::npos)
      << published.output;
  double slowest = 0;
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const auto shown = hubs[i]->next(status_topic(in_group[i]), on_air("mat-dien"), 5s);
    ASSERT_TRUE(shown) << sites[i]->daemon->log();
    const double after = std::chrono::duration<double>(shown->at - sent).count();
    slowest = std::max(slowest, after);
    EXPECT_LT(after, 2.0) << in_group[i];
    const json status = json::parse(shown->payload);
    EXPECT_EQ(status["displays"][0]["playlist"], "thong-bao-mat-dien");
    // The board itself gets frames of it.
    const auto seen = sites[i]->panel.commits();
    EXPECT_TRUE(sites[i]->panel.wait_for_commit(seen, 2s));
  }
  std::printf(
      "signed notice on all %zu boards of the group %.2f s after `bangtin fleet publish` "
      "began (the command included)\n",
      sites.size(), slowest);
  // Not its group: not subscribed, nothing kept, its own item on air.
  const json theirs = other.status_file();
  EXPECT_NE(theirs["displays"][0].value("on_air", ""), "mat-dien");
  EXPECT_TRUE(theirs["fleet"]["kept"].empty()) << theirs.dump();

  // Withdrawn: off every board.
  ASSERT_EQ(province.fleet("withdraw --group " + kGroup + " --notice mat-dien").exit_code, 0);
  for (std::size_t i = 0; i < sites.size(); ++i)
    EXPECT_TRUE(hubs[i]->next(status_topic(in_group[i]), on_air("gio-lam-viec"), 5s));
}

TEST(FleetSites, UnsignedWronglySignedOrBrokenContentIsRefusedAndSaidInTheStatus) {
  ScratchDir dir;
  MosquittoBroker broker(
      dir.path() / "broker",
      {.accounts = {province_account(), hub_account(), site_account("xa-hoa-binh", kGroup)}});
  const Province province(dir, broker.port());
  Site site(dir, "xa-hoa-binh", kGroup, broker.port(), province.trust());
  MqttListener hub(broker.port(), "hub", "mk-hub", {status_topic("xa-hoa-binh")});
  ASSERT_TRUE(hub.next(status_topic("xa-hoa-binh"), online_and_connected(), 10s));

  // Someone with the province's broker password but not its key.
  const std::string topic = "bangtin/v1/groups/huyen-phu-loc/notices/gia-mao";
  {
    MqttListener intruder(broker.port(), "tinh", "mk-tinh");
    ASSERT_TRUE(intruder.publish(topic,
                                 "playlist: gia-mao\nitems:\n  - id: gia-mao\n    text: \"Giả\"\n"
                                 "    priority: urgent\n",
                                 true));
    const auto other_key = dir.write("khac/other.pub", "");
    std::filesystem::remove(other_key);
    ASSERT_EQ(
        run_program(kCli.string() + " fleet keygen --secret " +
                    (dir.path() / "khac/other.key").string() + " --public " + other_key.string())
            .exit_code,
        0);
    const ProgramRun forged = run_program(
        kCli.string() + " fleet sign --key " + (dir.path() / "khac/other.key").string() +
        " --group " + kGroup + " --notice gia-mao --text 'Giả mạo' --until " + in_an_hour());
    ASSERT_EQ(forged.exit_code, 0) << forged.output;
    ASSERT_TRUE(intruder.publish(topic, forged.output.substr(0, forged.output.find('\n')), true));
  }
  const auto refused =
      hub.next(status_topic("xa-hoa-binh"),
               fleet_part([](const json& fleet) { return fleet["refused"].size() == 2; }), 5s);
  ASSERT_TRUE(refused) << site.daemon->log();
  const json fleet = json::parse(refused->payload)["fleet"];
  EXPECT_EQ(fleet["refused"][0]["topic"], topic);
  EXPECT_EQ(fleet["refused"][0]["reason"], "not a signed bangtin message (not a JSON object)");
  EXPECT_EQ(fleet["refused"][1]["reason"], "the signature does not verify against the trust key");
  EXPECT_TRUE(fleet["kept"].empty());
  EXPECT_EQ(json::parse(refused->payload)["displays"][0]["on_air"], "gio-lam-viec");

  // A good playlist, then a broken version of it: the province reads where, and the good one
  // stays on the board.
  const auto playlist = dir.write("tinh/cchc-2026.yaml",
                                  "playlist: cchc-2026\nitems:\n  - id: cong-dvc\n"
                                  "    text: \"Nộp hồ sơ trực tuyến\"\n    priority: high\n"
                                  "    targets: [street, sanh-cho]\n");
  ASSERT_EQ(province
                .fleet("publish --key " + province.key().string() + " --group " + kGroup +
                       " --playlist " + playlist.string())
                .exit_code,
            0);
  ASSERT_TRUE(hub.next(status_topic("xa-hoa-binh"), on_air("cong-dvc"), 5s)) << site.daemon->log();
  // Signed by the real key, but not what `bangtin fleet publish` would let through: signed by
  // hand, as a province's own script might.
  const std::string broken_topic = "bangtin/v1/groups/huyen-phu-loc/playlists/cchc-2026";
  const ProgramRun signed_broken = run_program(
      kCli.string() + " fleet sign --key " + province.key().string() + " --group " + kGroup +
      " --playlist " + dir.write("tinh/broken.yaml", "playlist: cchc-2026\nitems: [\n").string() +
      " 2>&1");
  EXPECT_EQ(signed_broken.exit_code, 1) << "sign checks the playlist first";
  EXPECT_NE(signed_broken.output.find("broken.yaml:"), std::string::npos) << signed_broken.output;
  SignedMessage broken;
  broken.topic = broken_topic;
  broken.signed_at = std::chrono::system_clock::now();
  broken.body =
      "playlist: cchc-2026\nitems:\n  - id: cong-dvc\n    text: \"x\"\n    effect: nhay\n";
  {
    MqttListener tinh(broker.port(), "tinh", "mk-tinh");
    ASSERT_TRUE(tinh.publish(broken_topic,
                             sign_message(broken, read_secret_key(province.key()), 7h), true));
  }
  const auto reported =
      hub.next(status_topic("xa-hoa-binh"),
               fleet_part([](const json& fleet) { return !fleet["problems"].empty(); }), 5s);
  ASSERT_TRUE(reported) << site.daemon->log();
  const json with_problems = json::parse(reported->payload);
  const std::string problem = with_problems["fleet"]["problems"][0];
  EXPECT_TRUE(problem.starts_with(broken_topic + ":5:13: error: ")) << problem;
  EXPECT_EQ(with_problems["displays"][0]["on_air"], "cong-dvc") << "the last good version plays";
  EXPECT_TRUE(site.daemon->wait_for_log("the last good version stays on air"))
      << site.daemon->log();
}

TEST(FleetSites, ASiteThatBootsWithoutItsBrokerPlaysWhatItLastHad) {
  ScratchDir dir;
  auto broker = std::make_unique<MosquittoBroker>(
      dir.path() / "broker",
      MosquittoBroker::Options{
          .accounts = {province_account(), hub_account(), site_account("xa-hoa-binh", kGroup)}});
  const Province province(dir, broker->port());
  Site site(dir, "xa-hoa-binh", kGroup, broker->port(), province.trust());
  {
    MqttListener hub(broker->port(), "hub", "mk-hub", {status_topic("xa-hoa-binh")});
    ASSERT_TRUE(hub.next(status_topic("xa-hoa-binh"), online_and_connected(), 10s));
    const auto playlist = dir.write("tinh/cchc-2026.yaml",
                                    "playlist: cchc-2026\nitems:\n  - id: cong-dvc\n"
                                    "    text: \"Nộp hồ sơ trực tuyến\"\n    effect: static\n"
                                    "    duration: 1s\n");
    ASSERT_EQ(province
                  .fleet("publish --key " + province.key().string() + " --site xa-hoa-binh" +
                         " --playlist " + playlist.string())
                  .exit_code,
              0);
    ASSERT_TRUE(hub.next(status_topic("xa-hoa-binh"), on_air("cong-dvc"), 5s))
        << site.daemon->log();
  }
  EXPECT_EQ(site.daemon->terminate(5s), 0);
  broker.reset();  // the broker is gone: a cut line, a province's server down

  site.start(dir);
  EXPECT_TRUE(site.daemon->wait_for_log("fleet: cannot connect to ")) << site.daemon->log();
  EXPECT_TRUE(site.daemon->wait_for_log("display bang: playing cong-dvc from cchc-2026"))
      << site.daemon->log();
  const json status = site.status_file();
  EXPECT_EQ(status["fleet"]["kept"],
            json::array({"bangtin/v1/sites/xa-hoa-binh/playlists/cchc-2026"}));
}
