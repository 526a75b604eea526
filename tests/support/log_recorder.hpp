// For tests of anything that logs: collects the lines, so a test waits for the one it expects
// instead of sleeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace bangtin::testing {

class LogRecorder {
 public:
  std::function<void(std::string_view)> sink() {
    return [this](std::string_view line) {
      {
        const std::lock_guard lock(mutex_);
        lines_.emplace_back(line);
      }
      changed_.notify_all();
    };
  }
  // Waits until a line containing `text` has been logged.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return count_locked(text) > 0; });
  }
  // Waits until `times` lines containing `text` have been logged.
  bool wait_for_count(const std::string& text, int times, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return count_locked(text) >= times; });
  }
  int count(const std::string& text) {
    const std::lock_guard lock(mutex_);
    return count_locked(text);
  }
  std::string all() {
    const std::lock_guard lock(mutex_);
    std::string text;
    for (const auto& line : lines_) text += line + "\n";
    return text;
  }

 private:
  int count_locked(const std::string& text) const {
    int found = 0;
    for (const auto& line : lines_) found += line.find(text) != std::string::npos;
    return found;
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

}  // namespace bangtin::testing
