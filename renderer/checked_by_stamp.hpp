// Private to the renderer: what checking a media file found, kept by its stamp (size and last
// change). Validate, each reload and every board ask about the same files again and again; a
// picture is decoded, a document parsed, a video's stream read only the first time a stamp is
// seen. Any thread.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "bangtin/display_settings.hpp"
#include "bangtin/renderer.hpp"

namespace bangtin {

template <typename Value>
class CheckedByStamp {
 public:
  // `most`: files remembered before all are forgotten (those of long-gone playlists).
  explicit CheckedByStamp(std::size_t most) : most_(most) {}

  // What `check()` gives for the file as stamped, or the MediaError it (or the time before)
  // gave, with the message of the runtime_error it threw.
  template <typename Check>
  Value get(const std::filesystem::path& file, const FileStamp& stamp, const Check& check) {
    {
      const std::lock_guard lock(mutex_);
      const auto found = checked_.find(file);
      if (found != checked_.end() && found->second.stamp == stamp) return found->second.result();
    }
    Checked outcome{stamp, {}, {}};
    try {
      outcome.value = check();
    } catch (const std::runtime_error& error) {
      outcome.problem = error.what();
    }
    const std::lock_guard lock(mutex_);
    if (checked_.size() > most_) checked_.clear();
    return (checked_[file] = outcome).result();
  }

 private:
  struct Checked {
    FileStamp stamp;
    Value value{};
    std::string problem;
    Value result() const {
      if (!problem.empty()) throw MediaError(problem);
      return value;
    }
  };
  std::size_t most_;
  std::mutex mutex_;
  std::map<std::filesystem::path, Checked> checked_;
};

}  // namespace bangtin
