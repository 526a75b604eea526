// The real bangtind as a child process, its log in a file the test reads: for tests of what
// only a whole process shows (signals, memory, a crash).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace bangtin::testing {

inline const std::filesystem::path kDaemon =
    std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtind";

// bangtind as a child process, its log in a file the test reads.
class DaemonProcess {
 public:
  DaemonProcess(const std::filesystem::path& config, std::filesystem::path log)
      : DaemonProcess(kDaemon, {"--config", config.string()}, std::move(log)) {}
  // Another of bangtin's programs (bangtin-hub) with these arguments.
  DaemonProcess(const std::filesystem::path& program, std::vector<std::string> args,
                std::filesystem::path log)
      : log_(std::move(log)) {
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      const int out = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      ::dup2(out, STDERR_FILENO);
      ::execv(program.c_str(), argv.data());
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
                    std::chrono::milliseconds bound = std::chrono::seconds(10)) const {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    do {
      const std::string all = log();
      int found = 0;
      for (auto at = all.find(text); at != std::string::npos; at = all.find(text, at + 1)) ++found;
      if (found >= times) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
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
  // SIGSTOP freezes it as a hung machine would (its sockets stay open), SIGCONT thaws it.
  void send(int signal) const { ::kill(pid_, signal); }
  // As a crash ends it: no chance to say goodbye, and the kernel closes its sockets.
  void kill_now() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    exited_ = true;
  }
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
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

}  // namespace bangtin::testing
