// The daemon's log as an operator reads it: on a terminal or in a file, each line stamped at the
// config's offset; in the journal, no stamp (the journal stamps) and the priority the journal
// reads, so `journalctl -p warning` finds the warnings. Lines finer than --log-level are left out.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>

#include "bangtin/controller.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;

namespace {

// 2026-12-01 01:00:03 UTC: 08:00:03 in Vietnam.
SystemClock::time_point december_morning() {
  return std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours(1) +
         std::chrono::seconds(3);
}

// An environment variable set for one test, and put back as it was.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* was = std::getenv(name)) was_ = was;
    set(value);
  }
  ~ScopedEnv() { set(was_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void set(const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name_, value->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
    ::tzset();
  }
  const char* name_;
  std::optional<std::string> was_;
};

// What systemd puts in JOURNAL_STREAM for the stream it connects to `fd`.
std::string journal_stream_of(int fd) {
  struct stat status {};
  EXPECT_EQ(::fstat(fd, &status), 0);
  return std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino);
}

// A file the sink writes to through a descriptor of its own, as stderr would be.
class LogFile {
 public:
  explicit LogFile(const ScratchDir& dir, const std::string& name = "log")
      : path_(dir.path() / name),
        fd_(::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {}
  ~LogFile() { ::close(fd_); }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
  int fd() const { return fd_; }
  std::string text() const {
    std::ifstream in(path_);
    std::stringstream all;
    all << in.rdbuf();
    return all.str();
  }

 private:
  std::filesystem::path path_;
  int fd_;
};

LogFormat at_vietnam_offset(LogLevel most_detail = LogLevel::info) {
  return LogFormat{most_detail, std::chrono::minutes(7 * 60), [] { return december_morning(); }};
}

void log_one_of_each(const LogSink& log) {
  log.error("display cong-ubnd: not started: no such port");
  log.warning("CLOCK: the wall clock went back 2 h");
  log("display cong-ubnd: playing dich-vu-cong from cchc-2026 (12.0 s)");
  log.debug("display cong-ubnd: strip uploaded in 0.8 s");
}

}  // namespace

TEST(LogLevels, ReadAsLogLevelTakesThem) {
  EXPECT_EQ(parse_log_level("error"), LogLevel::error);
  EXPECT_EQ(parse_log_level("warning"), LogLevel::warning);
  EXPECT_EQ(parse_log_level("info"), LogLevel::info);
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("warn"), std::nullopt);
  EXPECT_EQ(parse_log_level("INFO"), std::nullopt);
  EXPECT_EQ(parse_log_level(""), std::nullopt);
}

TEST(StderrLog, EachLineIsStampedAtTheConfigsOffset) {
  const ScopedEnv no_journal("JOURNAL_STREAM", std::nullopt);
  const ScopedEnv machine_zone("TZ", "UTC0");  // the machine's zone differs from the config's
  ScratchDir dir;
  LogFile file(dir);
  fd_log(file.fd(), at_vietnam_offset())("bangtind started");
  EXPECT_EQ(file.text(), "2026-12-01 08:00:03+07:00 bangtind started\n");
}

TEST(StderrLog, BeforeTheConfigIsReadLinesAreStampedInTheMachinesZone) {
  const ScopedEnv no_journal("JOURNAL_STREAM", std::nullopt);
  const ScopedEnv machine_zone("TZ", "<-03>3");  // three hours west of UTC, all year
  ScratchDir dir;
  LogFile file(dir);
  fd_log(file.fd(), LogFormat{LogLevel::info, std::nullopt, [] { return december_morning(); }})
      .error("bangtind: cannot start: bangtin.yaml is not a usable config");
  EXPECT_EQ(file.text(),
            "2026-11-30 22:00:03-03:00 bangtind: cannot start: bangtin.yaml is not a usable "
            "config\n");
}

TEST(StderrLog, LinesFinerThanTheLevelAreLeftOut) {
  const ScopedEnv no_journal("JOURNAL_STREAM", std::nullopt);
  ScratchDir dir;
  LogFile warnings(dir, "warnings");
  log_one_of_each(fd_log(warnings.fd(), at_vietnam_offset(LogLevel::warning)));
  EXPECT_EQ(warnings.text(),
            "2026-12-01 08:00:03+07:00 display cong-ubnd: not started: no such port\n"
            "2026-12-01 08:00:03+07:00 CLOCK: the wall clock went back 2 h\n");

  LogFile errors(dir, "errors");
  log_one_of_each(fd_log(errors.fd(), at_vietnam_offset(LogLevel::error)));
  EXPECT_EQ(errors.text(),
            "2026-12-01 08:00:03+07:00 display cong-ubnd: not started: no such port\n");

  LogFile info(dir, "info");
  log_one_of_each(fd_log(info.fd(), at_vietnam_offset()));
  EXPECT_EQ(info.text().find("strip uploaded"), std::string::npos) << info.text();
  EXPECT_NE(info.text().find("08:00:03+07:00 display cong-ubnd: playing dich-vu-cong"),
            std::string::npos)
      << info.text();

  LogFile debug(dir, "debug");
  log_one_of_each(fd_log(debug.fd(), at_vietnam_offset(LogLevel::debug)));
  EXPECT_NE(debug.text().find("08:00:03+07:00 display cong-ubnd: strip uploaded in 0.8 s\n"),
            std::string::npos)
      << debug.text();
}

TEST(StderrLog, InTheJournalLinesCarryTheirPriorityAndNoStamp) {
  ScratchDir dir;
  LogFile file(dir);
  const ScopedEnv journal("JOURNAL_STREAM", journal_stream_of(file.fd()));
  log_one_of_each(fd_log(file.fd(), at_vietnam_offset(LogLevel::debug)));
  EXPECT_EQ(file.text(),
            "<3>display cong-ubnd: not started: no such port\n"
            "<4>CLOCK: the wall clock went back 2 h\n"
            "<6>display cong-ubnd: playing dich-vu-cong from cchc-2026 (12.0 s)\n"
            "<7>display cong-ubnd: strip uploaded in 0.8 s\n");
}

TEST(StderrLog, TheJournalIsKnownByItsStreamNotByTheVariableAlone) {
  ScratchDir dir;
  LogFile journal_file(dir, "journal");
  LogFile other_file(dir, "redirected");
  {
    // stderr redirected elsewhere after systemd connected it (a wrapper script's 2>file): the
    // variable is still there, the stream is another.
    const ScopedEnv journal("JOURNAL_STREAM", journal_stream_of(journal_file.fd()));
    EXPECT_TRUE(is_journal_stream(journal_file.fd()));
    EXPECT_FALSE(is_journal_stream(other_file.fd()));
    fd_log(other_file.fd(), at_vietnam_offset())("bangtind started");
    EXPECT_EQ(other_file.text(), "2026-12-01 08:00:03+07:00 bangtind started\n");
  }
  {
    const ScopedEnv unset("JOURNAL_STREAM", std::nullopt);
    EXPECT_FALSE(is_journal_stream(journal_file.fd()));
  }
  for (const char* malformed : {"", "12", ":", "12:", ":34", "x:y", "12:34:56", "12:34 "}) {
    const ScopedEnv broken("JOURNAL_STREAM", std::string(malformed));
    EXPECT_FALSE(is_journal_stream(journal_file.fd())) << malformed;
  }
}

TEST(StderrLog, StderrOnAPipeIsTheJournalOnlyWhenTheVariableNamesThatPipe) {
  // systemd connects stderr to the journal with a socket; a pipe is the descriptor kind a test
  // can make that fstat(2) tells apart the same way, by device and inode.
  int journal_pipe[2];
  int other_pipe[2];
  ASSERT_EQ(::pipe2(journal_pipe, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(other_pipe, O_CLOEXEC), 0);
  const int saved_stderr = ::dup(STDERR_FILENO);
  const auto logged_through_stderr = [&](int pipe_write_end, int pipe_read_end) {
    ::dup2(pipe_write_end, STDERR_FILENO);
    stderr_log(at_vietnam_offset()).warning("display cho: link down");
    ::dup2(saved_stderr, STDERR_FILENO);
    char buffer[256] = {};
    const ssize_t got = ::read(pipe_read_end, buffer, sizeof buffer);
    return std::string(buffer, got > 0 ? static_cast<std::size_t>(got) : 0);
  };
  {
    const ScopedEnv journal("JOURNAL_STREAM", journal_stream_of(journal_pipe[1]));
    EXPECT_EQ(logged_through_stderr(journal_pipe[1], journal_pipe[0]),
              "<4>display cho: link down\n");
    EXPECT_EQ(logged_through_stderr(other_pipe[1], other_pipe[0]),
              "2026-12-01 08:00:03+07:00 display cho: link down\n");
  }
  {
    const ScopedEnv unset("JOURNAL_STREAM", std::nullopt);
    EXPECT_EQ(logged_through_stderr(journal_pipe[1], journal_pipe[0]),
              "2026-12-01 08:00:03+07:00 display cho: link down\n");
  }
  ::close(saved_stderr);
  for (const int fd : {journal_pipe[0], journal_pipe[1], other_pipe[0], other_pipe[1]}) ::close(fd);
}

TEST(LogSinks, ASinkOfLinesAloneTakesEveryLevel) {
  std::vector<std::string> lines;
  const LogSink sink = [&](std::string_view line) { lines.emplace_back(line); };
  log_one_of_each(sink);
  EXPECT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1], "CLOCK: the wall clock went back 2 h");
  LogSink{}.error("nowhere: a default sink drops lines");  // and does not throw
}
