// The real bangtind, given each hostile playlist of issue 8 while it plays: the error is logged
// at its place, the board keeps playing the last good version, memory stays flat, and SIGTERM
// still stops it. These files once hung the loader or ate memory until the OOM killer came.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "bangtin/panel_simulator.hpp"
#include "hostile_yaml.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path kDaemon =
    std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtind";

const std::string kGoodPlaylist =
    "playlist: test\nitems:\n  - id: dich-vu-cong\n"
    "    text: \"Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia\"\n    speed: 50\n";

// bangtind as a child process, its log in a file the test reads.
class DaemonProcess {
 public:
  DaemonProcess(const std::filesystem::path& config, std::filesystem::path log)
      : log_(std::move(log)) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const int out = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      ::dup2(out, STDERR_FILENO);
      ::execl(kDaemon.c_str(), kDaemon.c_str(), "--config", config.c_str(), nullptr);
      ::_exit(127);
    }
  }
  ~DaemonProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  std::string log() const {
    std::ifstream in(log_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // Polls the log file (another process's output) until `text` appears `times` times.
  bool wait_for_log(const std::string& text, int times = 1,
                    std::chrono::milliseconds bound = 10s) const {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    do {
      const std::string all = log();
      int found = 0;
      for (auto at = all.find(text); at != std::string::npos; at = all.find(text, at + 1)) ++found;
      if (found >= times) return true;
      std::this_thread::sleep_for(20ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  }
  // Resident memory in KiB, from the kernel.
  long resident_kib() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(status, line);)
      if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
    return -1;
  }
  bool running() const { return !exited_ && ::kill(pid_, 0) == 0; }
  // SIGTERM, then the exit status, or -1 when it had not exited within the bound.
  int terminate(std::chrono::milliseconds bound) {
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

}  // namespace

TEST(DaemonHostilePlaylists, EachIsLoggedAtItsPlaceWhileTheLastGoodKeepsPlayingAndSigtermStops) {
  PanelSimulator panel({.port = 0});
  ScratchDir dir;
  const auto playlist = dir.write("playlists/test.yaml", kGoodPlaylist);
  const auto config = dir.write("bangtin.yaml",
                                "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n"
                                "  - name: cong-ubnd\n    size: 128x32\n    pixel: mono\n"
                                "    link: modbus-tcp://127.0.0.1:" +
                                    std::to_string(panel.port()) + "?unit=1\n    fps: 25\n");
  DaemonProcess daemon(config, dir.path() / "bangtind.log");
  ASSERT_TRUE(daemon.wait_for_log("link connected")) << daemon.log();
  ASSERT_TRUE(daemon.wait_for_log("dich-vu-cong")) << daemon.log();
  ASSERT_TRUE(panel.wait_for_commit(panel.commits(), 5s));
  const long resident_before = daemon.resident_kib();
  ASSERT_GT(resident_before, 0);

  const struct {
    std::string bytes;
    std::string place;
  } hostile[] = {
      {",\n", ":1:1: error: malformed YAML"},
      {",\n-\n", ":1:1: error: malformed YAML"},
      {"playlist: test\nitems:\n  - id: a\n    text: \"Họp lúc 8 giờ\n    effect: scroll\n",
       ":4:11: error: the quote opened here is never closed"},
      {"playlist: test\nitems:\n  - id: a\n    text: \"Họp\n  - id: b\n    text: \"Hai\"\n",
       ":4:11: error: the quote opened here is never closed"},
      {billion_laughs(), ":7:10: error: aliases expand the file"},
  };
  int rejected = 0;
  for (const auto& file : hostile) {
    dir.write("playlists/test.yaml", file.bytes);
    ++rejected;
    EXPECT_TRUE(daemon.wait_for_log(playlist.string() + file.place)) << file.place << "\n"
                                                                     << daemon.log();
    EXPECT_TRUE(daemon.wait_for_log("the last good version stays on air", rejected))
        << daemon.log();
    // The board keeps getting frames of what was on air.
    const auto seen = panel.commits();
    EXPECT_TRUE(panel.wait_for_commit(seen, 5s)) << file.place;
    EXPECT_TRUE(daemon.running());
  }
  const long resident_after = daemon.resident_kib();
  std::printf("bangtind resident memory: %ld KiB before the hostile files, %ld KiB after\n",
              resident_before, resident_after);
  // A billion laughs used to take it past 500 MB; a few MB of caches may come and go.
  EXPECT_LT(resident_after, resident_before + 20 * 1024)
      << "before " << resident_before << " KiB, after " << resident_after << " KiB";
  EXPECT_EQ(daemon.terminate(5s), 0) << daemon.log();
  EXPECT_TRUE(daemon.wait_for_log("bangtind stopped", 1, 1s)) << daemon.log();
}
