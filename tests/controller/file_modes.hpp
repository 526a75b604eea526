// For tests of who may touch the files the daemon writes: a umask set for one test, and a mode.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace bangtin::testing {

// Sets the process umask for the test and puts the old one back, whatever the test does.
class UmaskForTest {
 public:
  explicit UmaskForTest(mode_t mask) : previous_(::umask(mask)) {}
  ~UmaskForTest() { ::umask(previous_); }
  UmaskForTest(const UmaskForTest&) = delete;
  UmaskForTest& operator=(const UmaskForTest&) = delete;

 private:
  mode_t previous_;
};

// Permission, setgid and sticky bits of `path` itself (a symbolic link is not followed).
inline mode_t mode_of(const std::filesystem::path& path) {
  struct stat status {};
  EXPECT_EQ(::lstat(path.c_str(), &status), 0) << path;
  return status.st_mode & 07777;
}

}  // namespace bangtin::testing
