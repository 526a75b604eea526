// Pictures and QR codes through the real programs: `bangtin render` draws what the daemon's
// player draws, `bangtin validate` names what a board cannot show at its place in the playlist,
// the daemon takes up a replaced picture file by itself, and proof of play names the picture.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "bangtin/panel_simulator.hpp"
#include "bangtin/play_log.hpp"
#include "program_run.hpp"
#include "running_daemon.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path kTool =
    std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtin";
constexpr Rgb kAmber{255, 176, 0};  // how write_png draws a lit mono pixel

ProgramRun run_tool(const std::string& arguments) {
  return run_program(kTool.string() + " " + arguments + " 2>&1");
}

std::string board_yaml(const std::string& name, int port, const std::string& size = "128x32",
                       const std::string& pixel = "mono") {
  return "  - name: " + name + "\n    size: " + size + "\n    pixel: " + pixel +
         "\n    link: modbus-tcp://127.0.0.1:" + std::to_string(port) + "?unit=1\n    fps: 25\n";
}

std::filesystem::path write_config(const ScratchDir& dir, const std::string& displays,
                                   const std::string& playlist) {
  dir.write("playlists/media.yaml", playlist);
  return dir.write("bangtin.yaml",
                   "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n" + displays);
}

// The frame the daemon's player gives for the display at that instant.
Frame player_frame(const std::filesystem::path& config, const std::string& display,
                   SystemClock::time_point at) {
  Loaded<Programme> programme = load_programme(config);
  EXPECT_TRUE(programme.value);
  if (!programme.value) return {};
  const DisplayConfig* shown = find_display(programme.value->config, display);
  EXPECT_NE(shown, nullptr);
  DisplayPlayer player(*programme.value, *shown);
  EXPECT_TRUE(player.problems().empty()) << player.problems().front();
  return player.frame_at(at);
}

// What `bangtin render` wrote for the display at 2026-11-24 + `local_time`, as rgb888.
Frame rendered(const std::filesystem::path& config, const std::string& display,
               const std::string& local_time, const std::filesystem::path& png) {
  const ProgramRun result =
      run_tool("render --config " + config.string() + " --display " + display +
               " --at 2026-11-24T" + local_time + " --out " + png.string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return read_png(png);
}

// A picture of two halves: white at the left and dark at the right (or the other way round), so
// that a replaced file shows at a glance; with `colour`, a red-green gradient on every other row
// of the dark half.
Frame two_halves(int width, int height, bool white_left, bool colour = false) {
  Frame picture = Frame::blank(width, height, PixelFormat::rgb888);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const bool left = x < width / 2;
      if (left == white_left)
        picture.set_pixel(x, y, Rgb{255, 255, 255});
      else if (colour && y % 2 == 0)
        picture.set_pixel(x, y,
                          Rgb{static_cast<std::uint8_t>(x * 255 / width),
                              static_cast<std::uint8_t>(y * 255 / height), 40});
    }
  return picture;
}

// A picture file written as an operator's tools would, its folders made first.
void put_picture(const ScratchDir& dir, const std::string& name, const Frame& picture) {
  const auto file = dir.path() / name;
  std::filesystem::create_directories(file.parent_path());
  write_png(picture, file);
}

std::string qr_read(const std::filesystem::path& png) {
  const auto run = run_program("zbarimg -q --raw '" + png.string() + "' 2>/dev/null");
  std::string text = run.output;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::string kPosterPlaylist = R"(playlist: media
items:
  - id: poster
    image: media/poster.png
    text: "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia"
    speed: 50
)";

const std::string kQrPlaylist = R"(playlist: media
items:
  - id: ma-qr
    qr: dichvucong.gov.vn
    qr-level: L
    duration: 20s
)";

}  // namespace

TEST(MediaRender, AnImageItemIsDrawnByTheToolExactlyAsByThePlayer) {
  ScratchDir dir;
  put_picture(dir, "playlists/media/poster.png", two_halves(96, 48, true, true));
  const auto config = write_config(
      dir, board_yaml("cong-ubnd", 1502) + board_yaml("sanh", 1503, "192x64", "rgb888"),
      kPosterPlaylist);
  for (const char* time : {"08:00:00", "08:00:03"}) {
    SCOPED_TRACE(time);
    const auto at = tuesday_morning() + (std::string(time) == "08:00:00" ? 0s : 3s);
    const Frame board = player_frame(config, "cong-ubnd", at);
    ASSERT_EQ(board.geometry(), (PanelGeometry{128, 32, PixelFormat::mono}));
    EXPECT_GT(board.lit_count(), 32 * 32 / 4);
    EXPECT_EQ(rendered(config, "cong-ubnd", time, dir.path() / "board.png"),
              to_rgb888(board, kAmber));
    const Frame lobby = player_frame(config, "sanh", at);
    ASSERT_EQ(lobby.format, PixelFormat::rgb888);
    EXPECT_EQ(rendered(config, "sanh", time, dir.path() / "lobby.png"), lobby);
    // The picture's white half is there, at the left, beside the text.
    EXPECT_EQ(lobby.pixel(10, 32), (Rgb{255, 255, 255}));
  }
}

TEST(MediaRender, AQrItemIsDrawnByTheToolExactlyAsByThePlayerAndReadsBack) {
  ScratchDir dir;
  const auto config = write_config(
      dir, board_yaml("cong-ubnd", 1502) + board_yaml("sanh", 1503, "320x180", "rgb888"),
      kQrPlaylist);
  const Frame board = player_frame(config, "cong-ubnd", tuesday_morning() + 5s);
  EXPECT_GT(board.lit_count(), 29 * 29 / 3);
  const auto png = dir.path() / "qr.png";
  EXPECT_EQ(rendered(config, "cong-ubnd", "08:00:05", png), to_rgb888(board, kAmber));
  EXPECT_EQ(qr_read(png), "dichvucong.gov.vn");

  const Frame lobby = player_frame(config, "sanh", tuesday_morning() + 5s);
  EXPECT_EQ(rendered(config, "sanh", "08:00:05", dir.path() / "sanh.png"), lobby);
  EXPECT_EQ(qr_read(dir.path() / "sanh.png"), "dichvucong.gov.vn");

  // Scaled up as an operator previews it, and as round LEDs.
  const auto big = dir.path() / "qr-x4.png";
  const ProgramRun scaled =
      run_tool("render --config " + config.string() +
               " --display cong-ubnd --at 2026-11-24T08:00:05 --scale 4 --out " + big.string());
  ASSERT_EQ(scaled.exit_code, 0) << scaled.output;
  EXPECT_EQ(qr_read(big), "dichvucong.gov.vn");
}

TEST(MediaValidate, AnUndecodablePictureIsAnErrorAtItsName) {
  ScratchDir dir;
  dir.write("playlists/media/poster.png", "Nộp hồ sơ trực tuyến: not a picture\n");
  const auto config = write_config(dir, board_yaml("cong-ubnd", 1502), kPosterPlaylist);
  const ProgramRun result = run_tool("validate " + config.string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const std::string at = (dir.path() / "playlists/media.yaml").string() + ":4:12: error: ";
  EXPECT_TRUE(contains(result.output, at)) << result.output;
  const auto line = result.output.substr(result.output.find(at));
  EXPECT_TRUE(contains(line.substr(0, line.find('\n')), "poster.png")) << result.output;

  // The same file as a real picture: no error.
  write_png(two_halves(64, 32, true), dir.path() / "playlists/media/poster.png");
  const ProgramRun fixed = run_tool("validate " + config.string());
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
}

TEST(MediaValidate, AVideoOnAPanelAndAPictureOnAMessageDisplayAreErrors) {
  ScratchDir dir;
  dir.write("playlists/media/gioi-thieu.mp4", "not looked at: the panel cannot play it anyway");
  put_picture(dir, "playlists/media/poster.png", two_halves(64, 32, true));
  const std::string playlist = (dir.path() / "playlists/media.yaml").string();

  auto config = write_config(dir, board_yaml("cong-ubnd", 1502),
                             "playlist: media\nitems:\n  - id: video\n    video: "
                             "media/gioi-thieu.mp4\n");
  ProgramRun result = run_tool("validate " + config.string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, playlist + ":4:12: error: ")) << result.output;
  EXPECT_TRUE(contains(result.output, "window displays")) << result.output;
  EXPECT_TRUE(contains(result.output, "item 'video' cannot be drawn on display 'cong-ubnd'"))
      << result.output;

  const std::string message_display =
      "  - name: cho\n    size: 96x16\n"
      "    link: modbus-text-tcp://127.0.0.1:1502?lines=1000,2000&chars=16\n";
  config = write_config(dir, message_display, kPosterPlaylist);
  result = run_tool("validate " + config.string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, playlist + ":4:12: error: ")) << result.output;
  EXPECT_TRUE(contains(result.output, "shows no pictures, QR codes, videos or documents"))
      << result.output;

  config = write_config(dir, message_display, kQrPlaylist);
  result = run_tool("validate " + config.string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, playlist + ":4:9: error: ")) << result.output;
}

TEST(MediaValidate, AVideoOnAPanelIsExplainedInPlainWords) {
  ScratchDir dir;
  dir.write("playlists/media/gioi-thieu.mp4", "video");
  const auto config = write_config(dir, board_yaml("cong-ubnd", 1502),
                                   "playlist: media\nitems:\n  - id: video\n    video: "
                                   "media/gioi-thieu.mp4\n");
  const ProgramRun result = run_tool("validate " + config.string());
  EXPECT_TRUE(contains(result.output, "a video plays on window displays (lobby screens) only"))
      << result.output;
}

TEST(MediaValidate, AQrCodeTooLargeForTheBoardIsAnErrorAtItsText) {
  ScratchDir dir;
  const auto config = write_config(dir, board_yaml("cong-ubnd", 1502),
                                   "playlist: media\nitems:\n  - id: ma-qr\n    qr: "
                                   "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html\n");
  const ProgramRun result = run_tool("validate " + config.string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(
      contains(result.output, (dir.path() / "playlists/media.yaml").string() + ":4:9: error: "))
      << result.output;
  EXPECT_TRUE(contains(result.output, "at most 14 characters")) << result.output;
}

TEST(MediaDaemon, AReplacedPictureIsOnTheBoardWithoutARestart) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto poster = dir.path() / "playlists/media/poster.png";
  put_picture(dir, "playlists/media/poster.png", two_halves(128, 32, true));
  const auto config = write_config(dir, board_yaml("cong-ubnd", panel.port()),
                                   "playlist: media\nitems:\n  - id: poster\n    image: "
                                   "media/poster.png\n    duration: 1h\n");
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  RunningDaemon daemon(config, clock.clocks(), log.sink());
  const Frame before = player_frame(config, "cong-ubnd", tuesday_morning());
  for (int y = 0; y < 32; ++y) ASSERT_TRUE(before.lit(10, y) && !before.lit(100, y));
  ASSERT_TRUE(panel_shows(panel, before)) << log.all();

  // The new poster: white at the right now, and another size of file, so its stamp differs
  // however coarse the file system's clock. write_png puts it in place by renaming.
  const auto old_bytes = std::filesystem::file_size(poster);
  write_png(two_halves(64, 16, false), poster);
  ASSERT_NE(std::filesystem::file_size(poster), old_bytes);
  const Frame after = player_frame(config, "cong-ubnd", tuesday_morning());
  ASSERT_NE(after, before);
  for (int y = 0; y < 32; ++y) ASSERT_TRUE(after.lit(100, y) && !after.lit(10, y));
  EXPECT_TRUE(panel_shows(panel, after)) << log.all();
  EXPECT_TRUE(log.wait_for("playlists reloaded", 2s)) << log.all();

  // Written over in place too (no rename): the board follows again.
  const auto renamed_bytes = std::filesystem::file_size(poster);
  {
    const std::string bytes = encode_png(two_halves(32, 8, true));
    std::ofstream out(poster, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ASSERT_NE(std::filesystem::file_size(poster), renamed_bytes);
  const Frame again = player_frame(config, "cong-ubnd", tuesday_morning());
  ASSERT_NE(again, after);
  EXPECT_TRUE(panel_shows(panel, again)) << log.all();
}

TEST(MediaDaemon, ProofOfPlayNamesThePicture) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  put_picture(dir, "playlists/media/poster.png", two_halves(64, 32, true));
  const auto config = write_config(dir, board_yaml("cong-ubnd", panel.port()),
                                   "playlist: media\nitems:\n  - id: poster\n    image: "
                                   "media/poster.png\n    duration: 5s\n  - id: ma-qr\n    qr: "
                                   "dvc.gov.vn\n    text: Tra cứu hồ sơ\n    duration: 5s\n");
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  {
    RunningDaemon daemon(config, clock.clocks(), log.sink());
    for (auto t = tuesday_morning(); t <= tuesday_morning() + 12s; t += 2s) {
      clock.set(t);
      ASSERT_TRUE(panel_shows(panel, player_frame(config, "cong-ubnd", t))) << log.all();
    }
  }
  PlayStore store(dir.path() / "state/plays.sqlite3", PlayStore::Access::read_only);
  using namespace std::chrono;
  const auto day = sys_days(year{2026} / November / 24);
  const auto rows = store.totals(day, day, hours(7));
  ASSERT_EQ(rows.size(), 2u) << log.all();
  for (const PlayTotals& row : rows) {
    if (row.item == "poster")
      EXPECT_EQ(row.text, "[Ảnh: poster.png]");
    else
      EXPECT_EQ(row.text, "[Mã QR: dvc.gov.vn] Tra cứu hồ sơ");
    EXPECT_GE(row.plays, 1);
  }
  // The plan names them the same way, before anything has played.
  const ProgramRun plan =
      run_tool("plan --config " + config.string() + " --from 2026-11-24 --to 2026-11-24 --csv");
  EXPECT_EQ(plan.exit_code, 0) << plan.output;
  EXPECT_TRUE(contains(plan.output, "[Ảnh: poster.png]")) << plan.output;
  EXPECT_TRUE(contains(plan.output, "[Mã QR: dvc.gov.vn] Tra cứu hồ sơ")) << plan.output;
}

namespace {

// Starts a daemon on a playlist naming media/poster.png before the picture is there (with
// media/logo.png in use by another playlist when `logo`), then uploads the picture: the board
// must show it without anyone touching a playlist.
void expect_upload_picked_up(bool logo) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "playlists/media");
  if (logo) {
    put_picture(dir, "playlists/media/logo.png", two_halves(32, 32, true));
    dir.write("playlists/0-logo.yaml",
              "playlist: logo\nitems:\n  - id: logo\n    image: media/logo.png\n"
              "    text: UBND xã\n    duration: 1h\n    schedule:\n      days: [sun]\n");
  }
  const auto config = write_config(dir, board_yaml("cong-ubnd", panel.port()),
                                   "playlist: media\nitems:\n  - id: poster\n    image: "
                                   "media/poster.png\n    duration: 1h\n");
  ManualClock clock(tuesday_morning());
  LogRecorder log;
  RunningDaemon daemon(config, clock.clocks(), log.sink());
  ASSERT_TRUE(log.wait_for("no file media/poster.png", 2s)) << log.all();
  Loaded<Programme> programme = load_programme(config);
  ASSERT_TRUE(programme.value);
  DisplayPlayer idle(*programme.value, programme.value->config.displays.front());
  ASSERT_TRUE(panel_shows(panel, idle.frame_at(tuesday_morning()))) << log.all();

  put_picture(dir, "playlists/media/poster.png", two_halves(128, 32, false));
  const Frame poster = player_frame(config, "cong-ubnd", tuesday_morning());
  for (int y = 0; y < 32; ++y) ASSERT_TRUE(poster.lit(100, y) && !poster.lit(10, y));
  EXPECT_TRUE(panel_shows(panel, poster)) << log.all();
}

}  // namespace

TEST(MediaDaemon, APictureUploadedAfterItsPlaylistIsPickedUpInAWatchedFolder) {
  expect_upload_picked_up(true);
}

TEST(MediaDaemon, APictureUploadedAfterItsPlaylistIsPickedUp) { expect_upload_picked_up(false); }
