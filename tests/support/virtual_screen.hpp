// For tests that open windows: an X server of their own (Xvfb from Debian's xvfb package), on a
// free display number it reports itself, stopped when the test ends.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

extern char** environ;

namespace bangtin::testing {

inline const std::filesystem::path kXvfb = "/usr/bin/Xvfb";

// An X server of its own for the test; -displayfd reports the display once it accepts clients.
class VirtualScreen {
 public:
  VirtualScreen(int width, int height) {
    int ready[2];
    if (pipe(ready) != 0) throw std::runtime_error("pipe failed");
    const std::string fd = std::to_string(ready[1]);
    const std::string screen = std::to_string(width) + "x" + std::to_string(height) + "x24";
    const char* argv[] = {kXvfb.c_str(),  "-displayfd", fd.c_str(), "-screen", "0",
                          screen.c_str(), "-nolisten",  "tcp",      nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addclose(&actions, ready[0]);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    const int spawned = posix_spawn(&pid_, kXvfb.c_str(), &actions, nullptr,
                                    const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(ready[1]);
    if (spawned != 0) throw std::runtime_error("cannot start Xvfb");
    pollfd wait_for{ready[0], POLLIN, 0};
    std::string number;
    char c = 0;
    while (poll(&wait_for, 1, 15000) == 1 && read(ready[0], &c, 1) == 1 && c != '\n') number += c;
    close(ready[0]);
    if (number.empty()) throw std::runtime_error("Xvfb did not report a display");
    display_ = ":" + number;
  }
  ~VirtualScreen() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  const std::string& display() const { return display_; }

 private:
  pid_t pid_ = 0;
  std::string display_;
};

}  // namespace bangtin::testing
