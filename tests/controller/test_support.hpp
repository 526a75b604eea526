// Shared by the controller tests: a scratch directory, a clock moved by hand, and a log that
// tests can wait on.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "bangtin/controller.hpp"
#include "log_recorder.hpp"

namespace bangtin::testing {

class ScratchDir {
 public:
  ScratchDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("bangtin-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
  }

 private:
  std::filesystem::path path_;
};

// Wall and monotonic clocks moved by hand, together as real time moves them, or the wall clock
// alone as when someone sets the date.
class ManualClock {
 public:
  explicit ManualClock(SystemClock::time_point start) : wall_(start.time_since_epoch()) {}
  void set(SystemClock::time_point t) {
    const auto moved = t.time_since_epoch() - wall_.load();
    wall_ = t.time_since_epoch();
    monotonic_ = monotonic_.load() + moved;
  }
  void set_wall_only(SystemClock::time_point t) { wall_ = t.time_since_epoch(); }
  Clocks clocks() {
    using namespace std::chrono;
    return Clocks{[this] { return SystemClock::time_point(wall_.load()); },
                  [this] { return steady_clock::time_point(monotonic_.load()); },
                  sys_days(year{2020} / January / 1)};
  }

 private:
  std::atomic<SystemClock::duration> wall_;
  std::atomic<std::chrono::steady_clock::duration> monotonic_{std::chrono::hours(1000)};
};

// 2026-11-24 08:00:00 at +07:00.
inline SystemClock::time_point tuesday_morning() {
  using namespace std::chrono;
  return sys_days(year{2026} / November / 24) + hours(1);
}

}  // namespace bangtin::testing
