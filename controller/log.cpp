#include <ctime>
#include <iostream>
#include <mutex>

#include "bangtin/controller.hpp"
#include "bangtin/playlists.hpp"

namespace bangtin {

LogSink stderr_log() {
  return [](std::string_view line) {
    // Lines carry operator text (item ids, key names, file names): escaped here, at the one
    // place every line passes, no caller can forge a line or send the terminal an ESC sequence.
    const std::string shown = printable(line);
    // Link workers log from their own threads; one lock keeps lines whole.
    static std::mutex mutex;
    const auto now = SystemClock::now();
    const std::time_t seconds = SystemClock::to_time_t(now);
    std::tm local{};
    localtime_r(&seconds, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
    const std::lock_guard lock(mutex);
    std::cerr << stamp << ' ' << shown << '\n';
  };
}

}  // namespace bangtin
