// Runs a program through the shell, as an operator would type it, and keeps what it printed.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace bangtin::testing {

struct ProgramRun {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string output;  // whatever the command line sends to stdout
};

// `command_line` is given to /bin/sh; append " 2>&1" to keep stderr too.
inline ProgramRun run_program(const std::string& command_line) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command_line.c_str(), "r"), pclose);
  ProgramRun result;
  std::array<char, 4096> buffer;
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get()))
    result.output.append(buffer.data(), n);
  const int status = pclose(pipe.release());
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace bangtin::testing
