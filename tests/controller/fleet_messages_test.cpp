// What bangtind says on the fleet's broker: its topics, the status JSON and what counts as a
// change of it (the clock and frame rates alone do not), without a broker.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fleet_messages.hpp"

using namespace bangtin;
using nlohmann::json;

namespace {

DaemonStatus two_boards() {
  DaemonStatus status;
  status.updated = "2026-11-24T08:00:05+07:00";
  DisplayStatus gate;
  gate.name = "cong-ubnd";
  gate.on_air = "dich-vu-cong";
  gate.playlist = "cchc-2026";
  gate.health.connected = true;
  gate.health.frames_per_second = 24.9;
  DisplayStatus lobby;
  lobby.name = "sanh-ubnd";
  status.displays = {gate, lobby};
  status.playlist_problems = {"a.yaml:3:5: error: ...", "b.yaml:1:1: warning: ..."};
  return status;
}

}  // namespace

TEST(FleetMessages, TopicsAreTheSitesAndWhatItListensTo) {
  EXPECT_EQ(fleet_status_topic("xa-hoa-binh"), "bangtin/v1/xa-hoa-binh/status");
  FleetConfig fleet;
  fleet.site = "xa-hoa-binh";
  fleet.groups = {"huyen-phu-loc", "tinh-2026"};
  EXPECT_EQ(fleet_subscriptions(fleet),
            (std::vector<std::string>{"bangtin/v1/sites/xa-hoa-binh/#",
                                      "bangtin/v1/groups/huyen-phu-loc/#",
                                      "bangtin/v1/groups/tinh-2026/#", "bangtin/v1/all/#"}));
}

TEST(FleetMessages, TheStatusSaysWhatEachBoardShowsAndTheClock) {
  const json online = json::parse(online_payload(fleet_status("xa-hoa-binh", two_boards())));
  EXPECT_EQ(online["site"], "xa-hoa-binh");
  EXPECT_EQ(online["state"], "online");
  EXPECT_EQ(online["version"], std::string(bangtin_version()));
  EXPECT_EQ(online["clock"], (json{{"time", "2026-11-24T08:00:05+07:00"}, {"trusted", true}}));
  EXPECT_EQ(online["displays"][0], (json{{"name", "cong-ubnd"},
                                         {"on_air", "dich-vu-cong"},
                                         {"playlist", "cchc-2026"},
                                         {"connected", true},
                                         {"frames_per_second", 24.9}}));
  EXPECT_EQ(online["displays"][1]["on_air"], "");
  EXPECT_EQ(online["playlist_problems"], 2) << "counted; their texts name local files";

  DaemonStatus untrusted = two_boards();
  untrusted.clock_trusted = false;
  untrusted.clock_note = "the clock says 1970";
  const json frozen = json::parse(online_payload(fleet_status("xa-hoa-binh", untrusted)));
  EXPECT_EQ(frozen["clock"]["trusted"], false);
  EXPECT_EQ(frozen["clock"]["note"], "the clock says 1970");
}

TEST(FleetMessages, OfflineFromTheWillAndFromAStop) {
  EXPECT_EQ(json::parse(last_will_payload("xa-hoa-binh")),
            (json{{"site", "xa-hoa-binh"}, {"state", "offline"}, {"reason", "connection lost"}}));
  const json stopped = json::parse(stopped_payload(fleet_status("xa-hoa-binh", two_boards())));
  EXPECT_EQ(stopped["state"], "offline");
  EXPECT_EQ(stopped["reason"], "stopped");
  EXPECT_EQ(stopped["clock"]["time"], "2026-11-24T08:00:05+07:00");
  EXPECT_FALSE(stopped.contains("displays"));
}

TEST(FleetMessages, OnlyWhatBoardsShowAndWhetherTheyAreReachedCountAsChanges) {
  const FleetStatus before = fleet_status("xa-hoa-binh", two_boards());
  DaemonStatus later = two_boards();
  later.updated = "2026-11-24T08:00:06+07:00";
  later.displays[0].health.frames_per_second = 25.1;
  EXPECT_FALSE(differs_beyond_the_moment(before, fleet_status("xa-hoa-binh", later)));

  const auto changed = [&](auto change) {
    DaemonStatus status = two_boards();
    change(status);
    return differs_beyond_the_moment(before, fleet_status("xa-hoa-binh", status));
  };
  EXPECT_TRUE(changed([](DaemonStatus& s) { s.displays[0].on_air = "mot-cua"; }));
  EXPECT_TRUE(changed([](DaemonStatus& s) { s.displays[0].health.connected = false; }));
  EXPECT_TRUE(changed([](DaemonStatus& s) { s.displays.pop_back(); }));
  EXPECT_TRUE(changed([](DaemonStatus& s) { s.playlist_problems.clear(); }));
  EXPECT_TRUE(changed([](DaemonStatus& s) { s.clock_trusted = false; }));
}

TEST(FleetMessages, ANameThatIsNotUtf8StillMakesJson) {
  DaemonStatus status = two_boards();
  status.displays[0].on_air = "bad\xff";
  const json online = json::parse(online_payload(fleet_status("xa-hoa-binh", status)));
  EXPECT_EQ(online["displays"][0]["on_air"], "bad\xEF\xBF\xBD");
}
