// status.json: times in ISO 8601 with the config's offset for programs, the panels' clock text for
// people, and files written by older versions still read.
#include <gtest/gtest.h>

#include "bangtin/daemon_status.hpp"

namespace bangtin {
namespace {

DaemonStatus tuesday_status() {
  DaemonStatus status;
  status.updated = "2026-11-24T08:00:05+07:00";
  status.updated_text = "08:00 Thứ Ba, 24/11/2026";
  DisplayStatus display;
  display.name = "cong-ubnd";
  display.link = "modbus-tcp://127.0.0.1:1502";
  display.health.connected = true;
  display.on_air = "mot-cua";
  display.playlist = "cchc-2026";
  display.since = "2026-11-24T08:00:05+07:00";
  display.until = "2026-11-24T08:00:25+07:00";
  display.brightness_percent = 40;
  status.displays.push_back(display);
  return status;
}

TEST(DaemonStatusJson, WritesTimesInIso8601WithTheOffsetAndTheClockTextBeside) {
  const std::string json = to_json(tuesday_status());
  EXPECT_NE(json.find("\"updated\": \"2026-11-24T08:00:05+07:00\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"updated_text\": \"08:00 Thứ Ba, 24/11/2026\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"since\": \"2026-11-24T08:00:05+07:00\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"until\": \"2026-11-24T08:00:25+07:00\""), std::string::npos) << json;
  EXPECT_EQ(status_from_json(json), tuesday_status());
}

TEST(DaemonStatusJson, ReadsAFileOfTheOlderFormWithTheClockTextAsItsTime) {
  // As bangtind wrote it before the times carried their offset.
  const std::string older = R"({
  "clock_note": "",
  "clock_trusted": true,
  "displays": [
    {
      "bytes_per_frame": 512,
      "connected": true,
      "errors": 0,
      "frames_per_second": 30.0,
      "frames_shown": 1200,
      "link": "modbus-tcp://127.0.0.1:1502",
      "name": "cong-ubnd",
      "on_air": "mot-cua",
      "playlist": "cchc-2026",
      "problems": [],
      "readback_mismatches": 0,
      "reads_back": false,
      "reconnects": 0,
      "since": "2026-11-24T08:00:05",
      "until": "2026-11-24T08:00:25"
    }
  ],
  "playlist_problems": [],
  "running": true,
  "updated": "08:00 Thứ Ba, 24/11/2026"
}
)";
  const auto status = status_from_json(older);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->updated, "08:00 Thứ Ba, 24/11/2026");
  EXPECT_EQ(status->updated_text, "");
  ASSERT_EQ(status->displays.size(), 1u);
  EXPECT_EQ(status->displays[0].since, "2026-11-24T08:00:05");
  EXPECT_FALSE(status->proof_of_play);
  const std::string text = status_text(*status);
  EXPECT_TRUE(text.starts_with("bangtind status at 08:00 Thứ Ba, 24/11/2026\n")) << text;
  EXPECT_NE(text.find("on air: mot-cua (cchc-2026) since 2026-11-24T08:00:05 until "
                      "2026-11-24T08:00:25\n"),
            std::string::npos)
      << text;
}

TEST(DaemonStatusJson, NeverThrowsOnWhatIsNotAStatus) {
  for (const char* text : {"", "[]", "{", "{\"displays\": 3}", "{\"updated\": 5, \"displays\": []}",
                           "{\"displays\": [{\"since\": [1]}]}"})
    EXPECT_FALSE(status_from_json(text)) << text;
}

TEST(DaemonStatusText, SaysTheTimeBothWaysAndTimesOnTheSameDayByTheClockAlone) {
  DaemonStatus status = tuesday_status();
  status.running = false;
  std::string text = status_text(status);
  EXPECT_TRUE(
      text.starts_with("bangtind status at 2026-11-24T08:00:05+07:00 (08:00 Thứ Ba, "
                       "24/11/2026); bangtind has stopped since\n"))
      << text;
  EXPECT_NE(text.find("\n  on air: mot-cua (cchc-2026) since 08:00:05 until 08:00:25\n"),
            std::string::npos)
      << text;

  // A play across midnight ends on another day: that time keeps its date.
  status.displays[0].since = "2026-11-24T23:59:50+07:00";
  status.displays[0].until = "2026-11-25T00:00:10+07:00";
  status.updated = "2026-11-24T23:59:55+07:00";
  text = status_text(status);
  EXPECT_NE(text.find("since 23:59:50 until 2026-11-25T00:00:10+07:00\n"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace bangtin
