// The operator's tool, run as a program on the bundled example and on a broken copy of it.
#include <gtest/gtest.h>
#include <png.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <memory>

#include "bangtin/daemon_status.hpp"
#include "bangtin/play_log.hpp"
#include "output_text.hpp"
#include "program_run.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;

namespace {

const std::filesystem::path kSource = BANGTIN_SOURCE_DIR;
const std::filesystem::path kTool =
    std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtin";

using ToolRun = ProgramRun;

// The tool as an operator types it, stdout and stderr together.
ToolRun run(const std::string& arguments) {
  return run_program(kTool.string() + " " + arguments + " 2>&1");
}

// A copy of the example whose config the commands below read.
std::string example_copy(const ScratchDir& dir) {
  std::filesystem::copy_file(kSource / "examples/bangtin.yaml", dir.path() / "bangtin.yaml");
  std::filesystem::copy(kSource / "examples/playlists", dir.path() / "playlists");
  return (dir.path() / "bangtin.yaml").string();
}

// Reads an RGB PNG into a frame of the given format (mono: any lit colour is on).
Frame read_png(const std::filesystem::path& file, PixelFormat format) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  EXPECT_TRUE(png_image_begin_read_from_file(&image, file.c_str())) << file;
  image.format = PNG_FORMAT_RGB;
  std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
  EXPECT_TRUE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr));
  Frame frame = Frame::blank(static_cast<int>(image.width), static_cast<int>(image.height), format);
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x) {
      const png_byte* p = &pixels[static_cast<std::size_t>((y * frame.width + x) * 3)];
      const bool on = p[0] | p[1] | p[2];
      frame.set_pixel(x, y, on ? Rgb{255, 255, 255} : Rgb{});
    }
  return frame;
}

}  // namespace

TEST(BangtinValidate, TheBundledExampleIsValid) {
  const ToolRun result = run("validate " + (kSource / "examples/bangtin.yaml").string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("0 error(s)"), std::string::npos) << result.output;
}

TEST(BangtinValidate, ABrokenCopyGetsFileLineColumnErrorsAndExitOne) {
  ScratchDir dir;
  std::filesystem::copy_file(kSource / "examples/bangtin.yaml", dir.path() / "bangtin.yaml");
  std::filesystem::copy(kSource / "examples/playlists", dir.path() / "playlists");
  dir.write("playlists/cchc-2026.yaml",
            "playlist: cchc-2026\nitems:\n  - id: dich-vu-cong\n    text: \"Dịch vụ công\"\n"
            "    sped: 50\n  - id: gio\n    text: \"   \"\n");
  const ToolRun result = run("validate " + (dir.path() / "bangtin.yaml").string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const std::string playlist = (dir.path() / "playlists/cchc-2026.yaml").string();
  EXPECT_NE(
      result.output.find(playlist + ":5:5: error: unknown key 'sped' (did you mean 'speed'?)"),
      std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find(playlist + ":7:11: error: "), std::string::npos) << result.output;
}

TEST(BangtinRender, WritesExactlyTheFrameTheDaemonWouldShow) {
  ScratchDir dir;
  const auto png = dir.path() / "frame.png";
  const auto config = kSource / "examples/bangtin.yaml";
  const ToolRun result = run("render --config " + config.string() +
                             " --display cong-ubnd --at 2026-11-24T08:00:00 --out " + png.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;

  Loaded<Programme> programme = load_programme(config);
  ASSERT_TRUE(programme.value);
  DisplayPlayer player(*programme.value, programme.value->config.displays.front());
  const Frame expected = player.frame_at(tuesday_morning());
  EXPECT_GT(expected.lit_count(), 0);
  EXPECT_EQ(read_png(png, PixelFormat::mono), expected);
}

TEST(BangtinRender, ScalesThePreview) {
  ScratchDir dir;
  const auto png = dir.path() / "big.png";
  const ToolRun result =
      run("render --config " + (kSource / "examples/bangtin.yaml").string() +
          " --display cong-ubnd --at 2026-11-24T08:00:00 --scale 4 --out " + png.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const Frame big = read_png(png, PixelFormat::mono);
  EXPECT_EQ(big.width, 512);
  EXPECT_EQ(big.height, 128);
}

TEST(BangtinRender, NamesWhatIsWrongWithItsArguments) {
  const std::string config = (kSource / "examples/bangtin.yaml").string();
  ToolRun result = run("render --config " + config +
                       " --display nowhere --at 2026-11-24T08:00 --out /tmp/x.png");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("no display named \"nowhere\""), std::string::npos) << result.output;
  result = run("render --config " + config +
               " --display cong-ubnd --at 2026-11-24T25:00 --out /tmp/x.png");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("--at \"2026-11-24T25:00\""), std::string::npos) << result.output;
}

TEST(BangtinPlan, ShowsTheUrgentNoticeOnlyOnItsDayAndOfficeHoursOnlyOnWeekdays) {
  const std::string config = (kSource / "examples/bangtin.yaml").string();
  const ToolRun wednesday = run("plan --config " + config + " --from 2026-11-25 --to 2026-11-25");
  ASSERT_EQ(wednesday.exit_code, 0) << wednesday.output;
  EXPECT_NE(wednesday.output.find("bao-tri-he-thong"), std::string::npos) << wednesday.output;
  EXPECT_NE(wednesday.output.find("gio-lam-viec"), std::string::npos) << wednesday.output;
  const ToolRun sunday =
      run("plan --config " + config + " --from 2026-11-29 --to 2026-11-29 --csv");
  ASSERT_EQ(sunday.exit_code, 0) << sunday.output;
  EXPECT_EQ(sunday.output.find("bao-tri-he-thong"), std::string::npos) << sunday.output;
  EXPECT_EQ(sunday.output.find("gio-lam-viec"), std::string::npos) << sunday.output;
  EXPECT_NE(sunday.output.find("2026-11-29,cong-ubnd,cchc-2026,dich-vu-cong,"), std::string::npos)
      << sunday.output;
}

TEST(BangtinReport, PrintsWhatWasRecordedAndSaysWhenThereIsNothingYet) {
  ScratchDir dir;
  const std::string config = example_copy(dir);
  ToolRun result = run("report --config " + config + " --from 2026-11-01 --to 2026-11-30");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("no proof of play yet"), std::string::npos) << result.output;
  {
    PlayStore store(dir.path() / "state/plays.sqlite3");
    const auto id =
        store.begin({"cong-ubnd", "cchc-2026", "mot-cua", "Một cửa", tuesday_morning()});
    store.end(id, tuesday_morning() + std::chrono::seconds(75), PlayOutcome::completed);
  }
  result = run("report --config " + config + " --from 2026-11-01 --to 2026-11-30");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(
      result.output.find("2026-11-24  cong-ubnd  mot-cua      1            0  0:01:15  Một cửa"),
      std::string::npos)
      << result.output;
  result = run("report --config " + config + " --from 2026-11-30 --to 2026-11-01");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("--from first"), std::string::npos) << result.output;
}

TEST(BangtinValidate, WarnsThatATextDisplayShowsVietnameseFoldedToAscii) {
  ScratchDir dir;
  dir.write("playlists/a.yaml", "playlist: a\nitems:\n  - id: x\n    text: \"Một cửa\"\n");
  const auto config =
      dir.write("bangtin.yaml",
                "timezone: \"+07:00\"\ndisplays:\n  - name: cho\n    size: 96x16\n"
                "    link: modbus-text-tcp://127.0.0.1:1502?lines=1000,2000&chars=16\n");
  const ToolRun result = run("validate " + config.string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("a.yaml:4:11: warning: the font of display 'cho' cannot draw 'ộ' "
                               "(U+1ED9), 'ử' (U+1EED)"),
            std::string::npos)
      << result.output;
}

TEST(BangtinReport, TextFromAnOldDatabaseCannotBreakTheTableOrTheCsv) {
  ScratchDir dir;
  const std::string config = example_copy(dir);
  {
    // As an older version could have recorded them, before ids refused control characters.
    PlayStore store(dir.path() / "state/plays.sqlite3");
    const auto id = store.begin({"cong-ubnd", "cchc-2026", "mot,\"cua\"\n2026-11-24,forged",
                                 "Một cửa\x1b[2J, \"giờ\"\r\nhết", tuesday_morning()});
    store.end(id, tuesday_morning() + std::chrono::seconds(75), PlayOutcome::completed);
  }
  const ToolRun table = run("report --config " + config + " --from 2026-11-24 --to 2026-11-24");
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_FALSE(has_control_bytes(table.output, "\n")) << table.output;
  EXPECT_EQ(std::count(table.output.begin(), table.output.end(), '\n'), 3) << table.output;
  EXPECT_NE(table.output.find("mot,\"cua\"\\n2026-11-24,forged"), std::string::npos)
      << table.output;

  const ToolRun csv = run("report --config " + config + " --from 2026-11-24 --to 2026-11-24 --csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_FALSE(has_control_bytes(csv.output, "\r\n")) << csv.output;
  const auto records = read_csv(csv.output);
  ASSERT_EQ(records.size(), 2u) << csv.output;
  ASSERT_EQ(records[1].size(), 8u) << csv.output;
  EXPECT_EQ(records[1][3], "mot,\"cua\"\\n2026-11-24,forged");
  EXPECT_EQ(records[1][4], "1");
  EXPECT_EQ(records[1][7], "Một cửa\\x1b[2J, \"giờ\"\\r\\nhết");
}

TEST(BangtinStatus, ItemIdsAndProblemsCannotAddLinesOrDriveTheTerminal) {
  ScratchDir dir;
  const std::string config = example_copy(dir);
  DaemonStatus status;
  status.updated = "2026-11-24T08:00:00+07:00";
  status.updated_text = "08:00 Thứ Ba, 24/11/2026";
  status.playlist_problems = {"a.yaml:3:5: error: unknown key 'x\x1b[1A\nclock: trusted'"};
  DisplayStatus display;
  display.name = "cong-ubnd";
  display.link = "modbus-tcp://127.0.0.1:1502";
  display.on_air = "id\x1b]0;owned\x07\r\ndisplay cong-ubnd: connected";
  display.playlist = "cchc-2026";
  status.displays.push_back(display);
  dir.write("state/status.json", to_json(status));
  const ToolRun result = run("status --config " + config);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_FALSE(has_control_bytes(result.output, "\n")) << result.output;
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 6) << result.output;
  EXPECT_NE(result.output.find("on air: id\\x1b]0;owned\\x07\\r\\ndisplay cong-ubnd: connected"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("unknown key 'x\\x1b[1A\\nclock: trusted'"), std::string::npos)
      << result.output;
}

TEST(BangtinStatus, SaysWhetherProofOfPlayIsRecordingAndWhatItHasNot) {
  ScratchDir dir;
  const std::string config = example_copy(dir);
  DaemonStatus status;
  status.updated = "2026-11-24T08:00:00+07:00";
  status.updated_text = "08:00 Thứ Ba, 24/11/2026";
  status.proof_of_play = ProofOfPlayStatus{
      false,
      "cannot open proof-of-play database /var/lib/bangtin/plays.sqlite3: unable to open "
      "database file (Read-only file system)",
      3, 1};
  dir.write("state/status.json", to_json(status));
  ToolRun result = run("status --config " + config);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(result.output.starts_with(
      "bangtind status at 2026-11-24T08:00:00+07:00 (08:00 Thứ Ba, 24/11/2026)\n"))
      << result.output;
  EXPECT_NE(result.output.find("\nproof of play: off: cannot open proof-of-play database "
                               "/var/lib/bangtin/plays.sqlite3: unable to open database file "
                               "(Read-only file system); 3 play(s) waiting in memory, 1 play(s) "
                               "not recorded\n"),
            std::string::npos)
      << result.output;

  status.proof_of_play = ProofOfPlayStatus{true, "", 0, 1};
  dir.write("state/status.json", to_json(status));
  result = run("status --config " + config);
  EXPECT_NE(
      result.output.find("\nproof of play: recording (1 play(s) not recorded while it was off)\n"),
      std::string::npos)
      << result.output;

  // A status from a version that did not say: nothing is made up.
  status.proof_of_play.reset();
  dir.write("state/status.json", to_json(status));
  result = run("status --config " + config);
  EXPECT_EQ(result.output.find("proof of play"), std::string::npos) << result.output;
}

TEST(BangtinStatus, SaysWhatEachDisplayKeepsDrawnAgainstItsBudget) {
  ScratchDir dir;
  const std::string config = example_copy(dir);
  DaemonStatus status;
  status.updated = "2026-11-24T08:00:00+07:00";
  DisplayStatus display;
  display.name = "cong-ubnd";
  display.link = "modbus-tcp://127.0.0.1:1502";
  display.prepared = PreparedCacheStatus{12, 3 << 20, 32 << 20};
  display.health.strips_uploaded_ahead = 7;
  display.health.strips_without_room_ahead = 2;
  status.displays.push_back(display);
  dir.write("state/status.json", to_json(status));
  EXPECT_EQ(status_from_json(to_json(status))->displays.at(0), display);
  const ToolRun result = run("status --config " + config);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("  drawn and kept: 12 item(s), 3.0 of 32 MiB\n"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("  scroll strips: 7 uploaded while the scroll before them played, 2 "
                               "without room for that in the panel's memory"),
            std::string::npos)
      << result.output;
}

TEST(BangtinDisplays, PrintsEachDisplayNameOnItsOwnLineForScripts) {
  EXPECT_EQ(run("displays --config " + (kSource / "examples/lobby.yaml").string()).output,
            "sanh-ubnd\n");
  const ScratchDir dir;
  const std::string config = (dir.path() / "bangtin.yaml").string();
  std::ofstream(config)
      << "displays:\n"
         "  - {name: cong-ubnd, size: 128x32, link: modbus-tcp://127.0.0.1:1502}\n"
         "  - {name: cho-trung-tam, size: 64x16, link: ddp://127.0.0.1}\n";
  const ToolRun two = run_program(kTool.string() + " displays --config " + config);
  EXPECT_EQ(two.exit_code, 0);
  EXPECT_EQ(two.output, "cong-ubnd\ncho-trung-tam\n");
}

TEST(BangtinDisplays, SaysWhatIsWrongWithAConfigItCannotRead) {
  const ToolRun missing = run("displays --config /nonexistent/bangtin.yaml");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("/nonexistent/bangtin.yaml"), std::string::npos) << missing.output;
  const ToolRun no_config = run("displays");
  EXPECT_EQ(no_config.exit_code, 2);
  EXPECT_NE(no_config.output.find("bangtin displays --config FILE"), std::string::npos)
      << no_config.output;
}
