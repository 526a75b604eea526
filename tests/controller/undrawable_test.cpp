// A display or item the renderer cannot draw: `bangtin validate` says so at the display, zone or
// item in the words the daemon's player uses, and the daemon still sends the board frames (the
// idle clock, or a dark frame when nothing can be drawn) while its status says why.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "bangtin/daemon_status.hpp"
#include "running_daemon.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

std::string board(const std::string& name, const std::string& size, const std::string& pixel,
                  int port, const std::string& more = "") {
  return "  - name: " + name + "\n    size: " + size + "\n    pixel: " + pixel +
         "\n    link: modbus-tcp://127.0.0.1:" + std::to_string(port) + "?unit=1\n" + more;
}

const std::string kWelcome =
    "playlist: chao\nitems:\n  - id: chao-mung\n    text: \"Chào mừng bà con\"\n";

// A thousand rounds of some sixty pages shown five seconds each: longer than a day, which the
// renderer refuses.
std::string too_long_playlist() {
  std::string text;
  for (int i = 0; i < 60; ++i) text += "Cải cách hành chính vì người dân. ";
  return "playlist: dai\nitems:\n  - id: qua-dai\n    text: \"" + text +
         "\"\n    effect: page\n    passes: 1000\n";
}

std::filesystem::path write_config(const ScratchDir& dir, const std::string& displays,
                                   const std::string& playlist) {
  dir.write("playlists/test.yaml", playlist);
  return dir.write("bangtin.yaml",
                   "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n" + displays);
}

std::vector<Diagnostic> errors_of(const Loaded<Programme>& loaded) {
  std::vector<Diagnostic> errors;
  for (const Diagnostic& d : loaded.diagnostics)
    if (d.severity == Severity::error) errors.push_back(d);
  return errors;
}

std::string all_of(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& d : diagnostics) text += d.to_string() + "\n";
  return text;
}

bool contains(const std::vector<std::string>& lines, const std::string& wanted) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
    return line.find(wanted) != std::string::npos;
  });
}

DaemonStatus status_in(const ScratchDir& dir) {
  std::ifstream in(dir.path() / "state/status.json");
  std::stringstream text;
  text << in.rdbuf();
  const auto status = status_from_json(text.str());
  EXPECT_TRUE(status) << text.str();
  return status.value_or(DaemonStatus{});
}

// The error for an rgb888 board 8 pixels high, in the config `config`.
std::string too_low(const std::filesystem::path& config) {
  return config.string() +
         ":4:5: error: display 'bang-nho' is 8 pixels high; its font DejaVuSans.ttf needs at "
         "least 9 rows to draw Vietnamese marks whole, so no item and no idle content can be "
         "drawn there and it stays dark (make it at least 9 pixels high, or set 'glyphs: crisp', "
         "which needs 8)";
}

}  // namespace

TEST(Undrawable, ABoardTooLowForItsFontIsOneErrorAtTheDisplayAndThePlayerSaysTheSame) {
  ScratchDir dir;
  const auto config = write_config(dir, board("bang-nho", "64x8", "rgb888", 1502), kWelcome);
  const Loaded<Programme> loaded = load_programme(config, render_checks());
  const auto errors = errors_of(loaded);
  ASSERT_EQ(errors.size(), 1u) << all_of(loaded.diagnostics);
  EXPECT_EQ(errors[0].to_string(), too_low(config));

  const DisplayPlayer player(*loaded.value, loaded.value->config.displays[0]);
  EXPECT_EQ(player.problems(), std::vector<std::string>{errors[0].to_string()});

  // What the error suggests is enough.
  const auto crisp =
      write_config(dir, board("bang-nho", "64x8", "rgb888", 1502, "    glyphs: crisp\n"), kWelcome);
  const Loaded<Programme> fixed = load_programme(crisp, render_checks());
  EXPECT_TRUE(errors_of(fixed).empty()) << all_of(fixed.diagnostics);
}

TEST(Undrawable, AnItemTheRendererRefusesIsAnErrorAtTheItemInThePlayersWords) {
  ScratchDir dir;
  const auto config =
      write_config(dir, board("cong-ubnd", "128x32", "mono", 1502), too_long_playlist());
  const Loaded<Programme> loaded = load_programme(config, render_checks());
  const auto errors = errors_of(loaded);
  ASSERT_EQ(errors.size(), 1u) << all_of(loaded.diagnostics);
  EXPECT_EQ(errors[0].where.line, 3);
  EXPECT_EQ(errors[0].where.column, 5);
  EXPECT_NE(errors[0].message.find("item 'qua-dai' cannot be drawn on display 'cong-ubnd' and is "
                                   "left out there: page with 1000 passes would play for"),
            std::string::npos)
      << errors[0].message;

  // Loaded as the daemon loads it (no render checks): the player leaves the item out.
  const Loaded<Programme> as_daemon = load_programme(config);
  const DisplayPlayer player(*as_daemon.value, as_daemon.value->config.displays[0]);
  const std::vector<std::string> problems = player.problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], errors[0].to_string());
  EXPECT_EQ(problems[1],
            "display 'cong-ubnd' shows the idle clock: none of its 1 item(s) can be drawn");
}

TEST(Undrawable, ATitleZoneTooLowIsAnErrorAtTheZoneAndTheRestOfTheDisplayPlays) {
  ScratchDir dir;
  const auto config = write_config(
      dir,
      board("sanh", "128x32", "rgb888", 1502,
            "    zones:\n"
            "      - {name: tieu-de, rect: \"0,0,128,6\", role: title, text: \"CẢI CÁCH\"}\n"
            "      - {rect: \"0,6,128,26\", role: content}\n"),
      kWelcome);
  const Loaded<Programme> loaded = load_programme(config, render_checks());
  const auto errors = errors_of(loaded);
  ASSERT_EQ(errors.size(), 1u) << all_of(loaded.diagnostics);
  EXPECT_EQ(errors[0].where.line, 9);
  EXPECT_NE(errors[0].message.find("the title zone 'tieu-de' of display 'sanh' is 6 pixels high"),
            std::string::npos)
      << errors[0].message;

  DisplayPlayer player(*loaded.value, loaded.value->config.displays[0]);
  const Frame frame = player.frame_at(tuesday_morning() + 1s);
  ASSERT_NE(player.on_air()->item, nullptr);
  int title_lit = 0;
  int content_lit = 0;
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 128; ++x) (y < 6 ? title_lit : content_lit) += frame.pixel(x, y) != Rgb{};
  EXPECT_EQ(title_lit, 0);
  EXPECT_GT(content_lit, 50);
}

TEST(Undrawable, ADisplayThatCanDrawNothingStillMakesFrames) {
  ScratchDir dir;
  const auto config = write_config(dir, board("bang-nho", "64x8", "rgb888", 1502), kWelcome);
  const Loaded<Programme> loaded = load_programme(config);
  DisplayPlayer player(*loaded.value, loaded.value->config.displays[0]);
  const Frame dark = Frame::blank(64, 8, PixelFormat::rgb888);
  EXPECT_EQ(player.frame_at(tuesday_morning()), dark);
  EXPECT_EQ(player.frame_at(tuesday_morning() + 1min), dark);
  EXPECT_EQ(player.untimed_frame(), dark);
  // A message display draws the clock in its own font: it is still told the time.
  EXPECT_EQ(player.text_shown(), "08:01 Thứ Ba, 24/11/2026");
}

TEST(Undrawable, BangtinValidateExitsOneAndBangtinRenderSaysWhyTheFrameIsDark) {
  ScratchDir dir;
  const auto config = write_config(dir, board("bang-nho", "64x8", "rgb888", 1502), kWelcome);
  const auto tool = std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtin";
  const auto output = dir.path() / "output.txt";
  const auto run = [&](const std::string& arguments) {
    const int status =
        std::system((tool.string() + " " + arguments + " >" + output.string() + " 2>&1").c_str());
    std::ifstream in(output);
    std::stringstream text;
    text << in.rdbuf();
    return std::pair{WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
  };

  const auto [validate_exit, validate_output] = run("validate " + config.string());
  EXPECT_EQ(validate_exit, 1) << validate_output;
  EXPECT_NE(validate_output.find(too_low(config)), std::string::npos) << validate_output;

  const auto png = dir.path() / "frame.png";
  const auto [render_exit, render_output] = run("render --config " + config.string() +
                                                " --display bang-nho --at 2026-11-24T08:00:00 "
                                                "--out " +
                                                png.string());
  EXPECT_EQ(render_exit, 0) << render_output;
  EXPECT_NE(render_output.find("is 8 pixels high"), std::string::npos) << render_output;
  EXPECT_TRUE(std::filesystem::exists(png));
}

TEST(UndrawableDaemon, AnItemThatCannotBeDrawnLeavesTheIdleClockOnTheBoardAndStatusSaysWhy) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto config =
      write_config(dir, board("cong-ubnd", "128x32", "mono", panel.port()), too_long_playlist());
  // The idle clock, as a board with nothing to play shows it.
  ScratchDir nothing;
  const auto idle_config = write_config(nothing, board("cong-ubnd", "128x32", "mono", 1502),
                                        "playlist: trong\nitems: []\n");
  const Loaded<Programme> idle = load_programme(idle_config);
  const Frame clock =
      DisplayPlayer(*idle.value, idle.value->config.displays[0]).frame_at(tuesday_morning());
  ASSERT_GT(clock.lit_count(), 100);

  ManualClock time(tuesday_morning());
  LogRecorder log;
  {
    RunningDaemon daemon(config, time.clocks(), log.sink());
    EXPECT_TRUE(panel_shows(panel, clock)) << log.all();
  }  // stopping writes the status a last time
  EXPECT_GE(log.count("item 'qua-dai' cannot be drawn on display 'cong-ubnd'"), 1) << log.all();
  const DaemonStatus status = status_in(dir);
  ASSERT_EQ(status.displays.size(), 1u);
  const auto& problems = status.displays[0].problems;
  EXPECT_TRUE(contains(problems, "test.yaml:3:5: error: item 'qua-dai' cannot be drawn"));
  EXPECT_TRUE(contains(problems, "shows the idle clock: none of its 1 item(s) can be drawn"));
  EXPECT_NE(status_text(status).find("  problem: display 'cong-ubnd' shows the idle clock"),
            std::string::npos)
      << status_text(status);
}

TEST(UndrawableDaemon, ABoardThatCanDrawNothingStillGetsFramesAndStatusSaysWhy) {
  PanelSimulator panel({.port = 0, .width = 64, .height = 8, .format = PixelFormat::rgb888});
  ScratchDir dir;
  const auto config =
      write_config(dir, board("bang-nho", "64x8", "rgb888", panel.port()), kWelcome);
  ManualClock time(tuesday_morning());
  LogRecorder log;
  {
    RunningDaemon daemon(config, time.clocks(), log.sink());
    const auto first = panel.wait_for_commit(0, 5s);
    ASSERT_TRUE(first) << log.all();
    EXPECT_EQ(*first, Frame::blank(64, 8, PixelFormat::rgb888));
    // And it keeps coming: the link shows life.
    const auto later = panel.wait_for_commit(panel.commits(), 5s);
    EXPECT_TRUE(later) << log.all();
  }
  EXPECT_EQ(log.count("frame not made"), 0) << log.all();
  const DaemonStatus status = status_in(dir);
  ASSERT_EQ(status.displays.size(), 1u);
  EXPECT_GT(status.displays[0].health.frames_shown, 0u);
  EXPECT_TRUE(contains(status.displays[0].problems, "display 'bang-nho' is 8 pixels high"))
      << status_text(status);
}
