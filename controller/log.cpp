#include <ctime>
#include <iostream>
#include <mutex>

#include "bangtin/controller.hpp"
#include "bangtin/date_time_text.hpp"
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
    // In the system's time zone (TZ), which may differ from the config's offset; only the C
    // library knows that zone's offset at this instant.
    const std::time_t seconds = SystemClock::to_time_t(now);
    std::tm local{};
    localtime_r(&seconds, &local);
    const std::string stamp =
        iso_local_date_time_text(now, std::chrono::seconds(local.tm_gmtoff), ' ');
    const std::lock_guard lock(mutex);
    std::cerr << stamp << ' ' << shown << '\n';
  };
}

}  // namespace bangtin
