#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>
#include <csignal>

#include "bangtin/play_log.hpp"
#include "output_text.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

constexpr minutes kVietnam = hours(7);

PlayStart play(const std::string& display, const std::string& item, SystemClock::time_point at,
               const std::string& text = "Dịch vụ công trực tuyến") {
  return PlayStart{display, "cchc-2026", item, text, at};
}

sys_days date(int y, unsigned m, unsigned d) { return sys_days(year{y} / month{m} / d); }

}  // namespace

TEST(PlayStore, TotalsPlaysAndTimeOnAirPerLocalDayDisplayAndItem) {
  ScratchDir dir;
  PlayStore store(dir.path() / "plays.sqlite3");
  const auto morning = tuesday_morning();  // 08:00 on 24/11 in Vietnam
  for (int i = 0; i < 3; ++i) {
    const auto id = store.begin(play("cong-ubnd", "dich-vu-cong", morning + i * 30s));
    store.end(id, morning + i * 30s + 20s, PlayOutcome::completed);
  }
  const auto id = store.begin(play("sanh-ubnd", "dich-vu-cong", morning));
  store.end(id, morning + 5s, PlayOutcome::interrupted);
  // 23:30 UTC on the 24th is 06:30 on the 25th in Vietnam: it counts for the 25th.
  const auto late = date(2026, 11, 24) + 23h + 30min;
  store.end(store.begin(play("cong-ubnd", "dich-vu-cong", late)), late + 20s,
            PlayOutcome::completed);

  const auto rows = store.totals(date(2026, 11, 1), date(2026, 11, 30), kVietnam);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].day, "2026-11-24");
  EXPECT_EQ(rows[0].display, "cong-ubnd");
  EXPECT_EQ(rows[0].plays, 3);
  EXPECT_EQ(rows[0].on_air, 60s);
  EXPECT_EQ(rows[1].display, "sanh-ubnd");
  EXPECT_EQ(rows[1].interrupted, 1);
  EXPECT_EQ(rows[1].on_air, 5s);
  EXPECT_EQ(rows[2].day, "2026-11-25");
  EXPECT_EQ(rows[2].plays, 1);

  const auto gate_only =
      store.totals(date(2026, 11, 24), date(2026, 11, 24), kVietnam, "cong-ubnd");
  ASSERT_EQ(gate_only.size(), 1u);
  EXPECT_EQ(gate_only[0].plays, 3);
  EXPECT_TRUE(store.totals(date(2026, 12, 1), date(2026, 12, 31), kVietnam).empty());
}

TEST(PlayStore, APlayCutByACrashCountsAsInterruptedAfterRestart) {
  ScratchDir dir;
  const auto file = dir.path() / "plays.sqlite3";
  {
    PlayStore store(file);
    store.end(store.begin(play("cong-ubnd", "mot-cua", tuesday_morning())), tuesday_morning() + 20s,
              PlayOutcome::completed);
    store.begin(play("cong-ubnd", "gio-lam-viec", tuesday_morning() + 20s));  // power cut here
  }
  PlayStore reopened(file);
  const auto rows = reopened.totals(date(2026, 11, 24), date(2026, 11, 24), kVietnam);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].item, "mot-cua");
  EXPECT_EQ(rows[0].interrupted, 0);
  EXPECT_EQ(rows[1].item, "gio-lam-viec");
  EXPECT_EQ(rows[1].plays, 1);
  EXPECT_EQ(rows[1].interrupted, 1);
}

TEST(PlayStore, KeepsTheTextSoAReportOutlivesTheItemAndTellsEditsApart) {
  ScratchDir dir;
  PlayStore store(dir.path() / "plays.sqlite3");
  const auto t = tuesday_morning();
  store.end(store.begin(play("cong-ubnd", "mat-dien", t, "Thông báo: tạm ngừng 14:00")), t + 10s,
            PlayOutcome::completed);
  store.end(store.begin(play("cong-ubnd", "mat-dien", t + 60s, "Thông báo: tạm ngừng 15:00")),
            t + 70s, PlayOutcome::completed);
  const auto rows = store.totals(date(2026, 11, 24), date(2026, 11, 24), kVietnam);
  ASSERT_EQ(rows.size(), 2u);  // same id, two different texts shown
  EXPECT_EQ(rows[0].text, "Thông báo: tạm ngừng 14:00");
  EXPECT_EQ(rows[1].text, "Thông báo: tạm ngừng 15:00");
}

TEST(PlayStore, AnUnwritablePlaceIsAClearError) {
  try {
    PlayStore store("/proc/bangtin/plays.sqlite3");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/proc/bangtin/plays.sqlite3"), std::string::npos)
        << error.what();
  }
}

TEST(PlayJournal, WritesOnItsOwnThreadAndFlushes) {
  ScratchDir dir;
  const auto file = dir.path() / "plays.sqlite3";
  LogRecorder log;
  PlayJournal journal(file, log.sink());
  const auto t = tuesday_morning();
  for (int i = 0; i < 10; ++i) {
    const auto id = journal.begin(play("cong-ubnd", "dich-vu-cong", t + i * 10s));
    journal.end(id, t + i * 10s + 10s, PlayOutcome::completed);
  }
  journal.flush();
  PlayStore reader(file);
  const auto rows = reader.totals(date(2026, 11, 24), date(2026, 11, 24), kVietnam);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].plays, 10);
  EXPECT_EQ(rows[0].on_air, 100s);
  EXPECT_EQ(log.all(), "");
}

namespace {

// Retries in milliseconds, so that a test sees the back-off work without waiting for it.
const PlayJournal::Limits kQuickRetries{10ms, 40ms, 10000};

void record_plays(PlayJournal& journal, SystemClock::time_point from, int count,
                  const std::string& item = "dich-vu-cong") {
  for (int i = 0; i < count; ++i) {
    const auto id = journal.begin(play("cong-ubnd", item, from + i * 10s));
    journal.end(id, from + i * 10s + 10s, PlayOutcome::completed);
  }
}

int plays_in(const std::filesystem::path& file) {
  PlayStore reader(file, PlayStore::Access::read_only);
  int plays = 0;
  for (const auto& row : reader.totals(date(2026, 11, 24), date(2026, 11, 24), kVietnam))
    plays += row.plays;
  return plays;
}

}  // namespace

// Root ignores permissions, so the database is kept from opening by a directory in its place.
TEST(PlayJournal, PlaysWhileTheDatabaseCannotBeOpenedGoInOnceItCan) {
  ScratchDir dir;
  const auto file = dir.path() / "state/plays.sqlite3";
  std::filesystem::create_directories(file);
  LogRecorder log;
  PlayJournal journal(file, log.sink(), kQuickRetries);
  EXPECT_TRUE(
      log.wait_for("proof of play is off: cannot open proof-of-play database " + file.string(), 1s))
      << log.all();
  record_plays(journal, tuesday_morning(), 5);
  ProofOfPlayStatus off = journal.status();
  EXPECT_FALSE(off.recording);
  EXPECT_NE(off.problem.find(file.string()), std::string::npos) << off.problem;
  EXPECT_EQ(off.plays_pending, 5u);
  EXPECT_EQ(off.plays_lost, 0u);
  EXPECT_FALSE(journal.flush());

  std::filesystem::remove(file);  // the directory in the way
  EXPECT_TRUE(log.wait_for("proof of play is recording again: 5 play(s) kept in memory", 5s))
      << log.all();
  EXPECT_TRUE(journal.flush());
  EXPECT_EQ(journal.status(), (ProofOfPlayStatus{true, "", 0, 0}));
  EXPECT_EQ(plays_in(file), 5);
  record_plays(journal, tuesday_morning() + 1h, 2);  // and it goes on recording
  EXPECT_TRUE(journal.flush());
  EXPECT_EQ(plays_in(file), 7);
  EXPECT_EQ(log.count("proof of play is off"), 1) << log.all();  // not at every try
}

TEST(PlayJournal, AStateDirectoryUnderAFileIsOffUntilTheFileMakesWay) {
  ScratchDir dir;
  const auto not_yet_mounted = dir.write("mnt", "a file where the state's parent should be");
  const auto file = not_yet_mounted / "state/plays.sqlite3";
  LogRecorder log;
  PlayJournal journal(file, log.sink(), kQuickRetries);
  EXPECT_FALSE(journal.status().recording);
  EXPECT_NE(journal.status().problem.find("Not a directory"), std::string::npos)
      << journal.status().problem;
  record_plays(journal, tuesday_morning(), 3);

  std::filesystem::remove(not_yet_mounted);
  std::filesystem::create_directory(not_yet_mounted);
  EXPECT_TRUE(log.wait_for("proof of play is recording again", 5s)) << log.all();
  EXPECT_TRUE(journal.flush());
  EXPECT_EQ(plays_in(file), 3);
}

TEST(PlayJournal, BeyondWhatMemoryKeepsPlaysAreCountedAsNotRecorded) {
  ScratchDir dir;
  const auto file = dir.path() / "plays.sqlite3";
  std::filesystem::create_directories(file);
  LogRecorder log;
  PlayJournal journal(file, log.sink(), PlayJournal::Limits{10ms, 40ms, 3});
  record_plays(journal, tuesday_morning(), 5);
  EXPECT_EQ(journal.status(), (ProofOfPlayStatus{false, journal.status().problem, 3, 2}));
  EXPECT_EQ(log.count("3 plays wait in memory, the most it keeps"), 1) << log.all();

  std::filesystem::remove(file);
  EXPECT_TRUE(
      log.wait_for("recording again: 3 play(s) kept in memory go in now, 2 were not "
                   "recorded",
                   5s))
      << log.all();
  EXPECT_TRUE(journal.flush());
  EXPECT_EQ(plays_in(file), 3);
  EXPECT_EQ(journal.status(), (ProofOfPlayStatus{true, "", 0, 2}));
}

namespace {

// A disk that is full for the test: files may not grow past `bytes` (root included), and a
// write that would grow one fails with EFBIG instead of killing the process.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(std::uintmax_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &previous_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = previous_;
    limit.rlim_cur = static_cast<rlim_t>(bytes);
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &previous_);
    std::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit previous_{};
  void (*previous_handler_)(int) = nullptr;
};

}  // namespace

TEST(PlayJournal, PlaysThatCannotBeWrittenWaitAndGoInOnceTheDiskHasRoom) {
  ScratchDir dir;
  const auto file = dir.path() / "plays.sqlite3";
  LogRecorder log;
  PlayJournal journal(file, log.sink(), kQuickRetries);
  record_plays(journal, tuesday_morning(), 2);
  ASSERT_TRUE(journal.flush());
  {
    // The write-ahead log, where SQLite appends each write, cannot grow any more.
    const FileSizeLimit disk_full(std::filesystem::file_size(file.string() + "-wal"));
    record_plays(journal, tuesday_morning() + 1h, 4);
    EXPECT_TRUE(log.wait_for("proof of play is off: cannot write " + file.string(), 5s))
        << log.all();
    const ProofOfPlayStatus off = journal.status();
    EXPECT_FALSE(off.recording);
    EXPECT_EQ(off.plays_pending, 4u);
  }
  EXPECT_TRUE(log.wait_for("proof of play is recording again: 4 play(s) kept in memory", 5s))
      << log.all();
  EXPECT_TRUE(journal.flush());
  EXPECT_EQ(plays_in(file), 6);
  EXPECT_EQ(journal.status(), (ProofOfPlayStatus{true, "", 0, 0}));
}

TEST(PlayJournal, StoppingWhileOffSaysWhatIsNotRecorded) {
  ScratchDir dir;
  const auto file = dir.path() / "plays.sqlite3";
  std::filesystem::create_directories(file);
  LogRecorder log;
  {
    PlayJournal journal(file, log.sink(), PlayJournal::Limits{1h, 1h, 10000});
    record_plays(journal, tuesday_morning(), 2);
  }  // stops without waiting for the next try
  EXPECT_EQ(log.count("proof of play: 2 play(s) kept in memory are not recorded: cannot open "
                      "proof-of-play database " +
                      file.string()),
            1)
      << log.all();
}

TEST(PlayReport, TableLinesUpVietnameseTextAndTotals) {
  const std::vector<PlayTotals> rows{
      {"2026-11-24", "cong-ubnd", "cchc-2026", "dich-vu-cong", "Dịch vụ công", 120, 2, 3725s},
      {"2026-11-24", "sanh-ubnd", "cchc-2026", "mot-cua", "Một cửa", 5, 0, 100s}};
  EXPECT_EQ(totals_table(rows),
            "day         display    item          plays  interrupted   on air  text\n"
            "2026-11-24  cong-ubnd  dich-vu-cong    120            2  1:02:05  Dịch vụ công\n"
            "2026-11-24  sanh-ubnd  mot-cua           5            0  0:01:40  Một cửa\n"
            "total                                  125               1:03:45\n");
}

TEST(PlayReport, CsvQuotesTextWithCommasAndQuotes) {
  const std::vector<PlayTotals> rows{{"2026-11-24", "cong-ubnd", "cchc-2026", "gio",
                                      "Sáng 7:30, chiều 13:30 \"đúng giờ\"", 3, 0, 60s}};
  EXPECT_EQ(
      totals_csv(rows),
      "day,display,playlist,item,plays,interrupted,on_air_seconds,text\r\n"
      "2026-11-24,cong-ubnd,cchc-2026,gio,3,0,60,\"Sáng 7:30, chiều 13:30 \"\"đúng giờ\"\"\"\r\n");
}

TEST(PlayReport, ACellThatASpreadsheetWouldRunAsAFormulaStaysText) {
  const std::vector<PlayTotals> rows{
      {"2026-11-24", "cong-ubnd", "cchc", "=cmd|' /C calc'!A0", "+1-2", 1, 0, 1s},
      {"2026-11-24", "cong-ubnd", "cchc", "@SUM(A1)", "-3, giảm", 1, 0, 1s}};
  EXPECT_EQ(totals_csv(rows),
            "day,display,playlist,item,plays,interrupted,on_air_seconds,text\r\n"
            "2026-11-24,cong-ubnd,cchc,'=cmd|' /C calc'!A0,1,0,1,'+1-2\r\n"
            "2026-11-24,cong-ubnd,cchc,'@SUM(A1),1,0,1,\"'-3, giảm\"\r\n");
}

namespace {

// An id and a text as an old database or a hand-edited playlist may hold them: a comma, quotes,
// a line break with a fake row after it, and an escape sequence that clears a terminal.
const PlayTotals kHostileRow{"2026-11-24",
                             "cong\x1b[2J",
                             "cchc,2026",
                             "a,\"b\"\r\n2026-11-24,fake,row",
                             "Dòng 1\nDòng 2, \"trích\" \x1b]0;x\x07\x9b",
                             3,
                             0,
                             60s};

}  // namespace

TEST(PlayReport, CsvCellsStayCellsWhateverTheTextHolds) {
  const std::string csv = totals_csv({kHostileRow, kHostileRow});
  EXPECT_FALSE(has_control_bytes(csv, "\r\n")) << csv;
  // One physical line per record: a line-based tool splits it where a spreadsheet does.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\r'), 3) << csv;
  const auto records = read_csv(csv);
  ASSERT_EQ(records.size(), 3u) << csv;
  for (const auto& record : records) ASSERT_EQ(record.size(), 8u) << csv;
  EXPECT_EQ(records[1][1], "cong\\x1b[2J");
  EXPECT_EQ(records[1][2], "cchc,2026");
  EXPECT_EQ(records[1][3], "a,\"b\"\\r\\n2026-11-24,fake,row");
  EXPECT_EQ(records[1][4], "3");
  EXPECT_EQ(records[1][7], "Dòng 1\\nDòng 2, \"trích\" \\x1b]0;x\\x07\\x9b");
}

TEST(PlayReport, TableKeepsOneLinePerRowWhateverTheTextHolds) {
  const std::string table = totals_table({kHostileRow});
  EXPECT_FALSE(has_control_bytes(table, "\n")) << table;
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 3) << table;  // header, row, total
  EXPECT_NE(table.find("2026-11-24  cong\\x1b[2J  a,\"b\"\\r\\n2026-11-24,fake,row      3"),
            std::string::npos)
      << table;
}
