// bangtin proof of play — every showing of an item on a display, kept in SQLite so an office can
// report what its boards showed.
//
// A play is written when it starts and closed when it ends, so a crash or power cut loses at most
// the end time of the play in progress (it is then counted as interrupted). Each row keeps the
// text itself and its SHA-256, so a report stays complete after the item or playlist is deleted.
// PlayStore is the database, used directly by `bangtin report`; PlayJournal feeds it from the
// daemon on a thread of its own, since the event loop never waits on the disk, and keeps plays in
// memory while the database cannot be written.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "bangtin/controller.hpp"
#include "bangtin/daemon_status.hpp"
#include "bangtin/latest_value_worker.hpp"

struct sqlite3;

namespace bangtin {

struct PlayStart {
  std::string display;
  std::string playlist;
  std::string item;
  std::string text;
  SystemClock::time_point started;
};

enum class PlayOutcome { completed, interrupted };

// A play that is over, as it goes on from the journal: to the fleet's outbox.
struct EndedPlay {
  PlayStart start;
  SystemClock::time_point ended;
  PlayOutcome outcome = PlayOutcome::completed;
};
// Called on the journal thread once a play's end is in the database, once per play. It must not
// throw, and must not wait for long: the next plays wait behind it.
using EndedPlaySink = std::function<void(const EndedPlay&)>;

// One line of the report: an item on a display on one local day.
struct PlayTotals {
  std::string day;  // "2026-11-24", local to the config's timezone
  std::string display;
  std::string playlist;
  std::string item;
  std::string text;
  int plays = 0;
  int interrupted = 0;
  std::chrono::seconds on_air{0};
};

// The totals as an operator reads them (an aligned table with a total line) or as a spreadsheet
// takes them (CSV with a header row, RFC 4180 quoting).
std::string totals_table(const std::vector<PlayTotals>& rows);
std::string totals_csv(const std::vector<PlayTotals>& rows);

// A line of bangtin-hub's report: the same for one site of the fleet, on that site's local day.
struct SiteTotals {
  std::string site;
  PlayTotals totals;
};
// As above, with a site column after the day.
std::string site_totals_table(const std::vector<SiteTotals>& rows);
std::string site_totals_csv(const std::vector<SiteTotals>& rows);

// Lines of cells in columns aligned by characters (not bytes: Vietnamese letters take two or
// three of UTF-8), two spaces apart; the columns numbered in `numbers` are right-aligned.
std::string aligned_table(const std::vector<std::vector<std::string>>& cells,
                          const std::vector<std::size_t>& numbers);

// What the schedule will play on a display over days first..last (inclusive, local), as the
// totals `bangtin report` will show once it has played: the daemon's own player, run ahead.
std::vector<PlayTotals> planned_totals(const Programme& programme, const DisplayConfig& display,
                                       std::chrono::sys_days first, std::chrono::sys_days last);

class PlayStore {
 public:
  // read_write opens or creates the database for the daemon, closing plays a crash left open;
  // read_only (reports) never writes, so it runs beside the daemon and on a copied file.
  enum class Access { read_write, read_only };
  // Throws std::runtime_error naming the file when it cannot be opened.
  explicit PlayStore(const std::filesystem::path& file, Access access = Access::read_write);
  ~PlayStore();
  PlayStore(const PlayStore&) = delete;
  PlayStore& operator=(const PlayStore&) = delete;

  std::int64_t begin(const PlayStart& play);
  void end(std::int64_t play, SystemClock::time_point ended, PlayOutcome outcome);

  // Totals per local day, display and item for days first..last (inclusive), oldest first.
  std::vector<PlayTotals> totals(std::chrono::sys_days first, std::chrono::sys_days last,
                                 std::chrono::minutes utc_offset,
                                 const std::optional<std::string>& display = std::nullopt) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::filesystem::path file_;
  std::unique_ptr<sqlite3, Closer> db_;
};

class PlayJournal {
 public:
  using PlayId = std::uint64_t;
  struct Limits {
    // When the database cannot be opened or written, the next try waits `first_retry`, then
    // twice as long each time, up to `longest_retry`.
    std::chrono::milliseconds first_retry{1000};
    std::chrono::milliseconds longest_retry{60000};
    // Plays kept in memory meanwhile; those beyond are counted and not recorded.
    std::size_t plays_kept = 10000;
  };
  // Opens the store at once; when it cannot, says so in the log and in status(), and keeps trying:
  // a state directory mounted late or made writable later still gets the plays kept meanwhile.
  // `ended`, when given, also gets every play that ends (the fleet's outbox).
  PlayJournal(const std::filesystem::path& file, LogSink log, Limits limits,
              EndedPlaySink ended = {});
  PlayJournal(const std::filesystem::path& file, LogSink log)
      : PlayJournal(file, std::move(log), Limits{}) {}
  ~PlayJournal();  // writes what is queued (one last try if the store is off), then stops
  PlayJournal(const PlayJournal&) = delete;
  PlayJournal& operator=(const PlayJournal&) = delete;

  PlayId begin(PlayStart play);
  void end(PlayId play, SystemClock::time_point ended, PlayOutcome outcome);
  // Blocks until everything queued so far is in the database (tests, shutdown); returns at once,
  // false, while the database cannot be written.
  bool flush();
  ProofOfPlayStatus status() const;

 private:
  struct Entry {
    PlayId id;
    std::optional<PlayStart> start;  // set for a begin, empty for an end
    SystemClock::time_point ended;
    PlayOutcome outcome = PlayOutcome::completed;
  };
  // The entries handed in since the journal thread last took them, in order.
  using Worker = LatestValueWorker<std::vector<Entry>>;
  void run(Worker::Inbox& inbox);
  std::unique_ptr<PlayStore> open_store();
  // With status_mutex_ held: the store is off for `why` and the next try is scheduled, or it works.
  void turn_off(const std::string& why);
  void back_on(std::uint64_t plays_kept);

  const std::filesystem::path file_;
  const LogSink log_;
  const Limits limits_;
  const EndedPlaySink ended_sink_;
  // What callers see and begin()/end() decide by; the journal thread updates it as it writes.
  mutable std::mutex status_mutex_;
  std::condition_variable status_changed_;
  ProofOfPlayStatus status_;
  std::unordered_set<PlayId> dropped_;  // plays not kept whose end has yet to come
  bool said_memory_full_ = false;
  PlayId next_id_ = 1;
  std::uint64_t entries_handed_in_ = 0;  // for flush(): handed to the thread,
  std::uint64_t entries_written_ = 0;    // and gone into the database
  std::uint64_t lost_before_outage_ = 0;
  // The journal thread's own, once it runs.
  std::chrono::steady_clock::time_point next_try_;
  std::chrono::milliseconds retry_delay_;
  std::unique_ptr<PlayStore> store_;
  Worker worker_;  // last: its thread uses everything above
};

}  // namespace bangtin
