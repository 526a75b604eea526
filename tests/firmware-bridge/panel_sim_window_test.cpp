// The bangtin-panel-sim program run for real: its --help, --version and --listen spelled as a
// config's link: URI; and with --window, on an X server of its own (Xvfb):
// frames sent over Modbus TCP must appear in its window with the LED-dot look, at the panel's
// brightness. With --window, --snapshot saves what the window shows (read back from SDL), which is
// what these tests compare; the last screenshot stays under the build directory for a person to
// look at (firmware-bridge-sim-window.png).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bangtin/frame.hpp"
#include "bangtin/panel_link.hpp"
#include "bangtin/renderer.hpp"
#include "loopback_port.hpp"
#include "program_run.hpp"
#include "project_version.hpp"
#include "virtual_screen.hpp"

extern char** environ;

namespace bangtin {
namespace {

using namespace std::chrono_literals;

using bangtin::testing::kXvfb;
using bangtin::testing::VirtualScreen;
const std::filesystem::path kSimulator =
    BANGTIN_BINARY_DIR "/firmware-bridge/sim/bangtin-panel-sim";

// A child process with its stderr on a pipe we read; SIGTERM and reaped when destroyed.
class Child {
 public:
  Child(const std::vector<std::string>& arguments, const std::vector<std::string>& environment) {
    int pipe_ends[2];
    if (pipe2(pipe_ends, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<char*> argv;
    for (const std::string& argument : arguments)
      argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> variables = environment;
    for (char** variable = environ; *variable; ++variable) variables.emplace_back(*variable);
    std::vector<char*> envp;
    for (std::string& variable : variables) envp.push_back(variable.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], 2);
    const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_ends[1]);
    stderr_ = pipe_ends[0];
    if (spawned != 0) throw std::runtime_error("cannot start " + arguments[0]);
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    close(stderr_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // One line of the child's stderr; nothing when none comes within the timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd readable{stderr_, POLLIN, 0};
      char c = 0;
      if (left <= 0ms || poll(&readable, 1, static_cast<int>(left.count())) != 1 ||
          read(stderr_, &c, 1) != 1)
        return std::nullopt;
      if (c == '\n') return line;
      line += c;
    }
  }
  // Stops it with SIGTERM; its exit status.
  int stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  // Waits for it to end by itself; its exit status.
  int wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  int stderr_ = -1;
};

// Waits until the snapshot file holds `expected`; the last picture read otherwise.
std::optional<Frame> wait_for_snapshot(const std::filesystem::path& path, const Frame& expected) {
  std::optional<Frame> last;
  const auto deadline = std::chrono::steady_clock::now() + 6s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(path)) {
      try {
        last = read_png(path);
        if (*last == expected) return last;
      } catch (const std::runtime_error&) {
        // replaced atomically, so only a file from before the first write could fail; try again
      }
    }
    std::this_thread::sleep_for(50ms);
  }
  return last;
}

TEST(PanelSimWindow, ShowsCommittedFramesAsLedDotsAtThePanelsBrightness) {
  ASSERT_TRUE(std::filesystem::exists(kXvfb)) << "install xvfb";
  ASSERT_TRUE(std::filesystem::exists(kSimulator)) << kSimulator;
  const VirtualScreen screen(1024, 768);
  const std::filesystem::path snapshot =
      std::filesystem::path(BANGTIN_BINARY_DIR) / "firmware-bridge-sim-window.png";
  std::filesystem::remove(snapshot);
  Child simulator({kSimulator.string(), "--listen", "127.0.0.1:0", "--size", "64x16", "--scale",
                   "6", "--window", "--snapshot", snapshot.string()},
                  {"DISPLAY=" + screen.display(), "SDL_VIDEODRIVER=x11"});
  const std::optional<std::string> started = simulator.read_line(10s);
  ASSERT_TRUE(started.has_value()) << "the simulator said nothing";
  std::smatch port;
  ASSERT_TRUE(std::regex_search(*started, port, std::regex("modbus-tcp://127\\.0\\.0\\.1:(\\d+)")))
      << *started;

  const TextRenderer renderer(PanelGeometry{64, 16, PixelFormat::mono}, find_vietnamese_font());
  const Frame frame = renderer.still("Một cửa").frame_at(0ns);
  ASSERT_GT(frame.lit_count(), 20);
  const auto link = open_link("modbus-tcp://127.0.0.1:" + port[1].str());
  link->connect();
  link->show(frame);
  const Rgb amber{255, 176, 0};
  const auto full = wait_for_snapshot(snapshot, led_dot_preview(frame, 6, amber));
  ASSERT_TRUE(full.has_value()) << "no snapshot written";
  EXPECT_EQ(*full, led_dot_preview(frame, 6, amber)) << "see " << snapshot;

  link->set_light(PanelLight{50, true});  // register 128 of 255
  const Frame dimmed = led_dot_preview(frame, 6, Rgb{128, 88, 0});
  EXPECT_EQ(wait_for_snapshot(snapshot, dimmed), dimmed) << "see " << snapshot;
  link->close();
  EXPECT_EQ(simulator.stop(), 0);
}

TEST(PanelSimWindow, ATextDisplayHasNoPixelsToShowInAWindow) {
  ASSERT_TRUE(std::filesystem::exists(kSimulator)) << kSimulator;
  Child simulator({kSimulator.string(), "--profile", "text", "--window", "--listen", "off"}, {});
  const std::optional<std::string> said = simulator.read_line(10s);
  ASSERT_TRUE(said.has_value());
  EXPECT_NE(said->find("--window shows pixels, and a text display has none"), std::string::npos)
      << *said;
  EXPECT_EQ(simulator.wait(), 2);
}

TEST(PanelSimProgram, AnswersHelpAndVersion) {
  const testing::ProgramRun help =
      testing::run_program(kSimulator.string() + " --help 2>/dev/null");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("Usage: bangtin-panel-sim"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("--version"), std::string::npos) << help.output;
  const testing::ProgramRun version =
      testing::run_program(kSimulator.string() + " --version 2>/dev/null");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output, "bangtin-panel-sim " + testing::cmake_project_version() + "\n");
}

// The first line the simulator says: the doors it serves, as link: URIs.
std::string announced(Child& simulator) {
  return simulator.read_line(10s).value_or("(the simulator said nothing)");
}

TEST(PanelSimProgram, ListensWhereAConfigsModbusTcpLinkPoints) {
  const std::string uri = "modbus-tcp://127.0.0.1:" + std::to_string(testing::free_loopback_port());
  Child simulator({kSimulator.string(), "--listen", uri + "?unit=7", "--size", "64x16"}, {});
  EXPECT_NE(announced(simulator).find(uri), std::string::npos);
  // The controller's own link, as bangtind opens the same URI, over libmodbus.
  const auto link = open_link(uri + "?unit=7");
  const std::optional<PanelIdentity> identity = link->connect();
  ASSERT_TRUE(identity.has_value());
  EXPECT_EQ(identity->width, 64);
  EXPECT_EQ(identity->height, 16);
  link->show(Frame::blank(64, 16, PixelFormat::mono));
  link->close();
  EXPECT_EQ(simulator.stop(), 0);
}

TEST(PanelSimProgram, TakesTheOtherNetworkLinksAsAConfigWritesThem) {
  const std::string port = std::to_string(testing::free_loopback_port());
  Child e131({kSimulator.string(), "--listen", "e131://127.0.0.1:" + port + "?universe=5"}, {});
  const std::string e131_doors = announced(e131);
  EXPECT_NE(e131_doors.find("on e131://127.0.0.1:" + port + "?universe=5"), std::string::npos)
      << e131_doors;
  EXPECT_EQ(e131_doors.find("modbus"), std::string::npos) << e131_doors;
  EXPECT_EQ(e131.stop(), 0);

  Child ddp({kSimulator.string(), "--listen", "ddp://127.0.0.1:" + port}, {});
  EXPECT_NE(announced(ddp).find("on ddp://127.0.0.1:" + port), std::string::npos);
  EXPECT_EQ(ddp.stop(), 0);

  const std::string text_uri =
      "modbus-text-tcp://127.0.0.1:" + port + "?unit=1&lines=1000,2000&chars=16&brightness=3";
  Child text({kSimulator.string(), "--listen", text_uri}, {});
  const std::string text_doors = announced(text);
  EXPECT_NE(text_doors.find("text display, 2 lines of 16 characters, on " + text_uri),
            std::string::npos)
      << text_doors;
  EXPECT_EQ(text.stop(), 0);

  // The spelling it took before stays.
  Child plain({kSimulator.string(), "--listen", "127.0.0.1:" + port}, {});
  EXPECT_NE(announced(plain).find("modbus-tcp://127.0.0.1:" + port), std::string::npos);
  EXPECT_EQ(plain.stop(), 0);
}

TEST(PanelSimProgram, RefusesALinkItCannotServeSayingWhy) {
  const auto refused = [](const std::string& listen) {
    return testing::run_program(kSimulator.string() + " --listen '" + listen + "' 2>&1");
  };
  const testing::ProgramRun typo = refused("modbus-tcp://127.0.0.1:1502?unti=2");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.output.find("unknown option \"unti\""), std::string::npos) << typo.output;
  const testing::ProgramRun serial = refused("modbus-rtu:///dev/ttyUSB0?baud=9600");
  EXPECT_EQ(serial.exit_code, 2);
  EXPECT_NE(serial.output.find("--rtu"), std::string::npos) << serial.output;
  const testing::ProgramRun pixels = refused("modbus-tcp://127.0.0.1:1502' --profile 'text");
  EXPECT_EQ(pixels.exit_code, 2);
  EXPECT_NE(pixels.output.find("is a pixel panel's link"), std::string::npos) << pixels.output;
  const testing::ProgramRun neither = refused("localhost");
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.output.find("--listen must be a link: URI"), std::string::npos)
      << neither.output;
}

}  // namespace
}  // namespace bangtin
