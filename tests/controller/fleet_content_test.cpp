// What the province sends through the fleet: signed playlists and urgent notices. The signature
// (libsodium's Ed25519) and what a controller keeps of them, then the whole way with the real
// `bangtin fleet` commands, a real Mosquitto on 127.0.0.1 with its ACL, and real bangtind
// processes as the communes' controllers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <memory>

#include "bangtin/date_time_text.hpp"
#include "bangtin/panel_simulator.hpp"
#include "daemon_process.hpp"
#include "fleet_content.hpp"
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

const std::string kGroupNotice = "bangtin/v1/groups/huyen-phu-loc/notices/mat-dien";
const std::string kGroupPlaylist = "bangtin/v1/groups/huyen-phu-loc/playlists/cchc-2026";
const std::string kPlaylistBody =
    "playlist: cchc-2026\nitems:\n  - id: cong-dvc\n"
    "    text: \"Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công\"\n    targets: [street]\n";

SystemClock::time_point at(const std::string& local) {
  return *parse_local_datetime(local, std::chrono::hours(7));
}

SignedMessage message(const std::string& topic, const std::string& body,
                      const std::string& signed_at = "2026-11-24T07:00:00",
                      std::optional<std::string> expires = std::nullopt) {
  SignedMessage m;
  m.topic = topic;
  m.body = body;
  m.signed_at = at(signed_at);
  if (expires) m.expires = at(*expires);
  return m;
}

std::string refusal_of(const std::string& payload, const std::string& topic,
                       const Ed25519PublicKey& key, SystemClock::time_point now) {
  try {
    verify_message(payload, topic, key, now);
    return "";
  } catch (const SignatureRefused& refused) {
    return refused.what();
  }
}

std::string file_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Site xa-hoa-binh of group huyen-phu-loc at +07:00, trusting the key in `trust`.
Config site_config(const ScratchDir& dir, const std::filesystem::path& trust) {
  Config config;
  config.state = dir.path() / "state";
  config.utc_offset = std::chrono::hours(7);
  config.fleet = FleetConfig{};
  config.fleet->site = "xa-hoa-binh";
  config.fleet->groups = {"huyen-phu-loc"};
  config.fleet->trust = trust;
  return config;
}

}  // namespace

TEST(FleetSigning, WhatIsSignedVerifiesAndAnythingChangedDoesNot) {
  const SigningKeys province = new_signing_keys();
  const SigningKeys stranger = new_signing_keys();
  const auto now = at("2026-11-24T08:00:00");
  const std::string payload = sign_message(
      message(kGroupNotice, "playlist: x\n", "2026-11-24T07:00:00", "2026-11-24T17:00:00"),
      province.secret_key, std::chrono::hours(7));
  const SignedMessage verified = verify_message(payload, kGroupNotice, province.public_key, now);
  EXPECT_EQ(verified.body, "playlist: x\n");
  EXPECT_EQ(verified.signed_at, at("2026-11-24T07:00:00"));
  EXPECT_EQ(verified.expires, at("2026-11-24T17:00:00"));

  EXPECT_EQ(refusal_of(payload, kGroupNotice, stranger.public_key, now),
            "the signature does not verify against the trust key");
  // Sent on to another group's topic: refused, though the signature is the province's.
  EXPECT_EQ(refusal_of(payload, "bangtin/v1/groups/huyen-khac/notices/mat-dien",
                       province.public_key, now),
            "signed for " + kGroupNotice + ", not for this topic");
  EXPECT_EQ(refusal_of(payload, kGroupNotice, province.public_key, at("2026-11-24T17:00:00")),
            "expired at 2026-11-24T17:00:00+07:00");
  // Each part that counts, changed in the JSON: the body, the topic, the times.
  json tampered = json::parse(payload);
  for (const auto& [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"body", "playlist: y\n"},
           {"topic", "bangtin/v1/groups/huyen-khac/notices/mat-dien"},
           {"expires", "2027-11-24T17:00:00+07:00"},
           {"signed", "2026-11-24T07:00:01+07:00"}}) {
    json changed = tampered;
    changed[field] = value;
    EXPECT_EQ(refusal_of(changed.dump(), changed["topic"], province.public_key, now),
              "the signature does not verify against the trust key")
        << field;
  }
  tampered.erase("expires");
  EXPECT_EQ(refusal_of(tampered.dump(), kGroupNotice, province.public_key, now),
            "the signature does not verify against the trust key");
}

TEST(FleetSigning, MalformedPayloadsAreRefusedWithTheReason) {
  const SigningKeys province = new_signing_keys();
  const auto now = at("2026-11-24T08:00:00");
  const auto refused = [&](const std::string& payload) {
    return refusal_of(payload, kGroupNotice, province.public_key, now);
  };
  EXPECT_EQ(refused("playlist: x\nitems: []\n"),
            "not a signed bangtin message (not a JSON object)");
  EXPECT_EQ(refused("[1,2]"), "not a signed bangtin message (not a JSON object)");
  EXPECT_EQ(refused("{\"format\": \"bangtin-signed/9\"}"),
            "unknown format \"bangtin-signed/9\" (this controller reads bangtin-signed/1)");
  EXPECT_EQ(refused("{\"format\": \"bangtin-signed/1\", \"topic\": 5}"), "\"topic\" is not a text");
  EXPECT_EQ(refused("{\"format\": \"bangtin-signed/1\", \"topic\": \"t\", \"signed\": \"x\", "
                    "\"body\": \"\"}"),
            "not signed: no \"signature\"");
  EXPECT_EQ(refused("{\"format\": \"bangtin-signed/1\", \"topic\": \"t\", \"signed\": \"x\", "
                    "\"body\": \"\", \"signature\": \"QUJD\"}"),
            "the signature is not 64 bytes of base64");
  EXPECT_EQ(refused("{\"format\": \"\\u001b[2J\"}"),
            "unknown format \"\\x1b[2J\" (this controller reads bangtin-signed/1)");
}

TEST(FleetSigning, KeyFilesRoundTripAndDamagedOnesAreNamed) {
  ScratchDir dir;
  const SigningKeys keys = new_signing_keys();
  const auto public_file = dir.write("fleet-signing.pub", public_key_text(keys.public_key));
  const auto secret_file = dir.write("tinh.key", secret_key_text(keys.secret_key));
  EXPECT_EQ(read_public_key(public_file), keys.public_key);
  EXPECT_EQ(read_secret_key(secret_file), keys.secret_key);
  const auto wrong = dir.write("wrong.pub", secret_key_text(keys.secret_key));
  try {
    read_public_key(wrong);
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(wrong.string() + " is not a bangtin key file"),
              std::string::npos)
        << error.what();
  }
  const auto damaged = dir.write("damaged.pub", "bangtin-ed25519-public AAAA\n");
  EXPECT_THROW(read_public_key(damaged), std::runtime_error);
}

TEST(FleetTopics, EachContentTopicHasAFileOfItsOwnAndBack) {
  FleetConfig fleet;
  fleet.site = "xa-hoa-binh";
  fleet.groups = {"huyen-phu-loc"};
  const std::vector<std::pair<std::string, std::string>> kept{
      {"bangtin/v1/sites/xa-hoa-binh/playlists/lich-tiep-dan", "site.lich-tiep-dan.yaml"},
      {kGroupPlaylist, "group.huyen-phu-loc.cchc-2026.yaml"},
      {kGroupNotice, "notice.group.huyen-phu-loc.mat-dien.yaml"},
      {"bangtin/v1/all/notices/bao-so-9", "notice.all.bao-so-9.yaml"}};
  for (const auto& [topic, file] : kept) {
    EXPECT_EQ(fleet_file_name(topic, fleet), file);
    EXPECT_EQ(fleet_topic_of(file, fleet), topic);
  }
  for (const std::string topic :
       {"bangtin/v1/sites/xa-khac/playlists/x", "bangtin/v1/groups/huyen-khac/notices/x",
        "bangtin/v1/groups/huyen-phu-loc/notices/../../x", "bangtin/v1/all/notices/X",
        "bangtin/v1/all/playlists/x", "bangtin/v1/groups/huyen-phu-loc/notices/a.b",
        "bangtin/v1/groups/huyen-phu-loc/notices/", "bangtin/v1/all/notices/x/y", "other/x"})
    EXPECT_FALSE(fleet_file_name(topic, fleet)) << topic;
}

TEST(FleetContent, KeepsWhatVerifiesOnceRefusesTheRestAndDropsNoticesAtTheirExpiry) {
  ScratchDir dir;
  const SigningKeys province = new_signing_keys();
  const SigningKeys stranger = new_signing_keys();
  const auto trust = dir.write("fleet-signing.pub", public_key_text(province.public_key));
  const Config config = site_config(dir, trust);
  auto now = at("2026-11-24T08:00:00");
  LogRecorder log;
  FleetContent content(
      config, [&now] { return now; }, log.sink());
  const auto folder = fleet_playlists_folder(config);

  const std::string playlist =
      sign_message(message(kGroupPlaylist, kPlaylistBody), province.secret_key, 7h);
  EXPECT_TRUE(content.receive(kGroupPlaylist, playlist));
  EXPECT_EQ(file_text(folder / "group.huyen-phu-loc.cchc-2026.yaml"), kPlaylistBody);
  // The broker sends retained messages again at each connection: nothing new, nothing reloaded.
  EXPECT_FALSE(content.receive(kGroupPlaylist, playlist));
  // An older version, replayed by someone who kept it: refused.
  const std::string older = sign_message(
      message(kGroupPlaylist, "playlist: cchc-2026\nitems: []\n", "2026-11-24T06:00:00"),
      province.secret_key, 7h);
  EXPECT_FALSE(content.receive(kGroupPlaylist, older));
  EXPECT_EQ(file_text(folder / "group.huyen-phu-loc.cchc-2026.yaml"), kPlaylistBody);

  EXPECT_FALSE(content.receive(kGroupNotice,
                               sign_message(message(kGroupNotice, "x"), stranger.secret_key, 7h)));
  EXPECT_FALSE(content.receive(kGroupNotice,
                               sign_message(message(kGroupNotice, "x"), province.secret_key, 7h)));
  EXPECT_FALSE(content.receive("bangtin/v1/groups/huyen-khac/notices/x", "{}"));
  const auto refusals = content.refusals();
  ASSERT_EQ(refusals.size(), 4u);
  EXPECT_EQ(refusals[0].reason,
            "signed 2026-11-24T06:00:00+07:00, before the version kept "
            "(signed 2026-11-24T07:00:00+07:00)");
  EXPECT_EQ(refusals[1].reason, "the signature does not verify against the trust key");
  EXPECT_EQ(refusals[2].reason, "a notice must carry an expiry (`bangtin fleet publish --until`)");
  EXPECT_EQ(refusals[3].topic, "bangtin/v1/groups/huyen-khac/notices/x");
  EXPECT_EQ(refusals[3].at, "2026-11-24T08:00:00+07:00");

  const std::string notice =
      sign_message(message(kGroupNotice, "playlist: thong-bao-mat-dien\nitems: []\n",
                           "2026-11-24T07:30:00", "2026-11-24T17:00:00"),
                   province.secret_key, 7h);
  EXPECT_TRUE(content.receive(kGroupNotice, notice));
  EXPECT_EQ(content.kept_topics(), (std::vector<std::string>{kGroupNotice, kGroupPlaylist}));
  EXPECT_FALSE(content.remove_expired());
  now = at("2026-11-24T17:00:00");
  EXPECT_TRUE(content.remove_expired());
  EXPECT_FALSE(std::filesystem::exists(folder / "notice.group.huyen-phu-loc.mat-dien.yaml"));
  EXPECT_EQ(content.kept_topics(), (std::vector<std::string>{kGroupPlaylist}));

  // An empty retained message withdraws.
  EXPECT_TRUE(content.receive(kGroupPlaylist, ""));
  EXPECT_FALSE(std::filesystem::exists(folder / "group.huyen-phu-loc.cchc-2026.yaml"));
  EXPECT_TRUE(content.kept_topics().empty());
  EXPECT_FALSE(content.receive(kGroupPlaylist, ""));
  for (const auto& line : {"fleet: " + kGroupPlaylist + " withdrawn",
                           "fleet: " + kGroupNotice + " expired at 2026-11-24T17:00:00+07:00"})
    EXPECT_TRUE(log.wait_for(line, 0ms)) << log.all();
}

TEST(FleetContent, WhatWasKeptMustVerifyAgainstTodaysKeyAtStart) {
  ScratchDir dir;
  const SigningKeys old_key = new_signing_keys();
  const SigningKeys new_key = new_signing_keys();
  const auto trust = dir.write("fleet-signing.pub", public_key_text(old_key.public_key));
  const Config config = site_config(dir, trust);
  const auto now = at("2026-11-24T08:00:00");
  LogRecorder log;
  {
    FleetContent content(
        config, [now] { return now; }, log.sink());
    ASSERT_TRUE(
        content.receive(kGroupPlaylist, sign_message(message(kGroupPlaylist, kPlaylistBody),
                                                     old_key.secret_key, std::chrono::minutes(0))));
  }
  FleetContent same_key(
      config, [now] { return now; }, log.sink());
  EXPECT_EQ(same_key.kept_topics(), std::vector<std::string>{kGroupPlaylist});
  std::ofstream(trust) << public_key_text(new_key.public_key);
  FleetContent changed_key(
      config, [now] { return now; }, log.sink());
  EXPECT_TRUE(changed_key.kept_topics().empty());
  EXPECT_FALSE(std::filesystem::exists(fleet_playlists_folder(config) /
                                       "group.huyen-phu-loc.cchc-2026.yaml"));
  EXPECT_TRUE(log.wait_for("fleet: " + kGroupPlaylist +
                               " no longer kept: the signature does not verify against the trust "
                               "key",
                           0ms))
      << log.all();
}
