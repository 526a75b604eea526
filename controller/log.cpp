#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <mutex>

#include "bangtin/controller.hpp"
#include "bangtin/date_time_text.hpp"
#include "bangtin/playlists.hpp"

namespace bangtin {

namespace {

// "2026-12-01 08:00:03+07:00": the instant as a wall clock at the config's offset reads it, or,
// before there is a config, at the machine's zone (TZ), whose offset at this instant only the C
// library knows.
std::string stamp(SystemClock::time_point now, std::optional<std::chrono::minutes> utc_offset) {
  std::chrono::minutes offset{};
  if (utc_offset) {
    offset = *utc_offset;
  } else {
    const std::time_t seconds = SystemClock::to_time_t(now);
    std::tm local{};
    localtime_r(&seconds, &local);
    offset = std::chrono::minutes(local.tm_gmtoff / 60);
  }
  std::string text = iso_date_time_text(now, offset);
  text[10] = ' ';  // "2026-12-01T08:00:03" is for files; a log reads "2026-12-01 08:00:03"
  return text;
}

// The whole line, or as much as the descriptor takes: a log line is never worth stopping for.
void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "error") return LogLevel::error;
  if (text == "warning") return LogLevel::warning;
  if (text == "info") return LogLevel::info;
  if (text == "debug") return LogLevel::debug;
  return std::nullopt;
}

bool is_journal_stream(int fd) {
  const char* const said = std::getenv("JOURNAL_STREAM");
  if (said == nullptr) return false;
  const std::string_view text(said);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  const auto device_end = text.data() + colon;
  const auto [device_stop, device_error] = std::from_chars(text.data(), device_end, device);
  const auto [inode_stop, inode_error] =
      std::from_chars(device_end + 1, text.data() + text.size(), inode);
  if (device_error != std::errc{} || device_stop != device_end || inode_error != std::errc{} ||
      inode_stop != text.data() + text.size())
    return false;
  struct stat status {};
  if (::fstat(fd, &status) != 0) return false;
  return status.st_dev == device && status.st_ino == inode;
}

LogSink fd_log(int fd, LogFormat format) {
  const bool journal = is_journal_stream(fd);
  return LogSink([fd, journal, format = std::move(format)](LogLevel level, std::string_view line) {
    if (static_cast<int>(level) > static_cast<int>(format.most_detail)) return;
    // Lines carry operator text (item ids, key names, file names): escaped here, at the one
    // place every line passes, no caller can forge a line or send the terminal an ESC sequence.
    const std::string shown = printable(line);
    const std::string whole = (journal ? "<" + std::to_string(static_cast<int>(level)) + ">"
                                       : stamp(format.clock(), format.utc_offset) + " ") +
                              shown + "\n";
    // Link workers log from their own threads; one lock keeps lines in order and whole.
    static std::mutex mutex;
    const std::lock_guard lock(mutex);
    write_all(fd, whole);
  });
}

LogSink stderr_log(LogFormat format) { return fd_log(STDERR_FILENO, std::move(format)); }

}  // namespace bangtin
