#include "bangtin/play_log.hpp"

#include "atomic_file.hpp"

#include <openssl/evp.h>
#include <sqlite3.h>

#include <sys/stat.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <iterator>
#include <stdexcept>
#include <unordered_map>

#include "sqlite_statement.hpp"
#include "state_directory.hpp"

namespace bangtin {

namespace {

constexpr const char* kWhat = "proof-of-play database";

// The statements of this file, whose errors all name the proof-of-play database.
class Statement : public SqliteStatement {
 public:
  Statement(sqlite3* db, const char* sql) : SqliteStatement(db, sql, kWhat) {}
};

void execute(sqlite3* db, const char* sql) { sqlite_execute(db, sql, kWhat); }

std::int64_t unix_ms(SystemClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

const char* kSchema = R"sql(
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = FULL;
  CREATE TABLE IF NOT EXISTS plays (
    id         INTEGER PRIMARY KEY,
    display    TEXT    NOT NULL,
    playlist   TEXT    NOT NULL,
    item       TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    text_hash  TEXT    NOT NULL,            -- SHA-256 of text, hex
    started_ms INTEGER NOT NULL,            -- Unix time, UTC, milliseconds
    ended_ms   INTEGER,                     -- NULL while playing, or when a crash cut it short
    outcome    TEXT    NOT NULL CHECK (outcome IN ('playing', 'completed', 'interrupted'))
  );
  CREATE INDEX IF NOT EXISTS plays_by_start ON plays (started_ms);
  -- Plays left open by a crash or power cut: they were shown, but not to their end.
  UPDATE plays SET outcome = 'interrupted' WHERE outcome = 'playing';
)sql";

}  // namespace

void PlayStore::Closer::operator()(sqlite3* db) const { sqlite3_close(db); }

PlayStore::PlayStore(const std::filesystem::path& file, Access access) : file_(file) {
  sqlite3* raw = nullptr;
  bool creating = false;
  if (access == Access::read_write) {
    try {
      make_state_directory(file.parent_path());
    } catch (const std::runtime_error& error) {
      throw std::runtime_error("cannot open proof-of-play database " + file.string() + ": " +
                               error.what());
    }
    std::error_code ignored;
    creating = !std::filesystem::exists(file, ignored);
  }
  const int flags = access == Access::read_write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                                 : SQLITE_OPEN_READONLY;
  const int status = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  db_.reset(raw);
  if (status != SQLITE_OK) {
    throw std::runtime_error("cannot open proof-of-play database " + file.string() + ": " +
                             (raw ? sqlite_problem(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(db_.get(), 2000);  // `bangtin report` may read while the daemon writes
  if (access == Access::read_only) return;
  // SQLite creates the file with its own mode, cut by the umask; set before the first write,
  // the mode is also the one SQLite gives the -wal and -shm files beside it.
  if (creating && ::chmod(file.c_str(), kStateFileMode) != 0) {
    throw std::runtime_error("cannot open proof-of-play database " + file.string() + ": " +
                             std::strerror(errno));
  }
  try {
    execute(db_.get(), kSchema);
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(file.string() + ": " + error.what());
  }
}

PlayStore::~PlayStore() = default;

std::int64_t PlayStore::begin(const PlayStart& play) {
  Statement insert(db_.get(),
                   "INSERT INTO plays (display, playlist, item, text, text_hash, started_ms, "
                   "outcome) VALUES (?, ?, ?, ?, ?, ?, 'playing')");
  insert.bind(1, play.display)
      .bind(2, play.playlist)
      .bind(3, play.item)
      .bind(4, play.text)
      .bind(5, sha256_hex(play.text))
      .bind(6, unix_ms(play.started));
  insert.step();
  return sqlite3_last_insert_rowid(db_.get());
}

void PlayStore::end(std::int64_t play, SystemClock::time_point ended, PlayOutcome outcome) {
  Statement update(db_.get(), "UPDATE plays SET ended_ms = ?, outcome = ? WHERE id = ?");
  update.bind(1, unix_ms(ended))
      .bind(2, std::string(outcome == PlayOutcome::completed ? "completed" : "interrupted"))
      .bind(3, play);
  update.step();
}

std::vector<PlayTotals> PlayStore::totals(std::chrono::sys_days first, std::chrono::sys_days last,
                                          std::chrono::minutes utc_offset,
                                          const std::optional<std::string>& display) const {
  Statement query(db_.get(), R"sql(
    SELECT date(started_ms / 1000 + ?1, 'unixepoch') AS day, display, playlist, item,
           MIN(text), COUNT(*), SUM(outcome <> 'completed'),
           SUM(COALESCE(ended_ms - started_ms, 0)) / 1000
    FROM plays
    WHERE started_ms >= ?2 AND started_ms < ?3 AND (?4 IS NULL OR display = ?4)
    GROUP BY day, display, playlist, item, text_hash
    ORDER BY day, display, MIN(started_ms))sql");
  const auto offset_ms = std::chrono::duration_cast<std::chrono::milliseconds>(utc_offset).count();
  query.bind(1, offset_ms / 1000)
      .bind(2, unix_ms(SystemClock::time_point(first)) - offset_ms)
      .bind(3, unix_ms(SystemClock::time_point(last + std::chrono::days(1))) - offset_ms);
  if (display) {
    query.bind(4, *display);
  } else {
    query.bind_null(4);
  }
  std::vector<PlayTotals> rows;
  while (query.step()) {
    rows.push_back(PlayTotals{query.text(0), query.text(1), query.text(2), query.text(3),
                              query.text(4), static_cast<int>(query.integer(5)),
                              static_cast<int>(query.integer(6)),
                              std::chrono::seconds(query.integer(7))});
  }
  return rows;
}

namespace {

// Which file a path names, {0, 0} for none: a database moved away or a state directory mounted
// over means the rows written so far are in another file. (Not an optional: GCC 12 at -O3 warns
// of an uninitialized read comparing two.)
std::pair<dev_t, ino_t> file_identity(const std::filesystem::path& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) return {};
  return {status.st_dev, status.st_ino};
}

}  // namespace

PlayJournal::PlayJournal(const std::filesystem::path& file, LogSink log, Limits limits,
                         EndedPlaySink ended)
    : file_(file),
      log_(std::move(log)),
      limits_(limits),
      ended_sink_(std::move(ended)),
      retry_delay_(limits.first_retry),
      store_(open_store()),
      worker_([this](Worker::Inbox& inbox) { run(inbox); }) {}

PlayJournal::~PlayJournal() = default;

PlayJournal::PlayId PlayJournal::begin(PlayStart play) {
  PlayId id;
  {
    const std::lock_guard lock(status_mutex_);
    id = next_id_++;
    if (status_.plays_pending >= limits_.plays_kept) {
      // Memory is bounded however long the outage: the oldest plays are the ones kept.
      ++status_.plays_lost;
      dropped_.insert(id);
      if (!said_memory_full_) {
        log_.error("proof of play: " + std::to_string(limits_.plays_kept) +
                   " plays wait in memory, the most it keeps; the next ones are not recorded until "
                   "the database can be written");
        said_memory_full_ = true;
      }
      return id;
    }
    ++status_.plays_pending;
    ++entries_handed_in_;
  }
  worker_.update([&](std::vector<Entry>& entries) {
    entries.push_back(Entry{id, std::move(play), {}, PlayOutcome::completed});
  });
  return id;
}

void PlayJournal::end(PlayId play, SystemClock::time_point ended, PlayOutcome outcome) {
  {
    const std::lock_guard lock(status_mutex_);
    if (dropped_.erase(play)) return;
    ++entries_handed_in_;
  }
  worker_.update([&](std::vector<Entry>& entries) {
    entries.push_back(Entry{play, std::nullopt, ended, outcome});
  });
}

bool PlayJournal::flush() {
  std::unique_lock lock(status_mutex_);
  const std::uint64_t handed_in = entries_handed_in_;
  status_changed_.wait(lock, [&] { return entries_written_ >= handed_in || !status_.recording; });
  return entries_written_ >= handed_in;
}

ProofOfPlayStatus PlayJournal::status() const {
  const std::lock_guard lock(status_mutex_);
  return status_;
}

std::unique_ptr<PlayStore> PlayJournal::open_store() {
  std::string why;
  try {
    return std::make_unique<PlayStore>(file_);
  } catch (const std::exception& error) {
    why = error.what();
  }
  const std::lock_guard lock(status_mutex_);
  turn_off(why);
  return nullptr;
}

void PlayJournal::turn_off(const std::string& why) {
  if (status_.recording) {
    lost_before_outage_ = status_.plays_lost;
    log_.error("proof of play is off: " + why + "; up to " + std::to_string(limits_.plays_kept) +
               " plays are kept in memory and written once it works again");
  } else if (why != status_.problem) {
    log_.error("proof of play is still off: " + why);
  }
  status_.recording = false;
  status_.problem = why;
  next_try_ = std::chrono::steady_clock::now() + retry_delay_;
  retry_delay_ = std::min(retry_delay_ * 2, limits_.longest_retry);
  status_changed_.notify_all();
}

void PlayJournal::back_on(std::uint64_t plays_kept) {
  if (status_.recording) return;
  status_.recording = true;
  status_.problem.clear();
  retry_delay_ = limits_.first_retry;
  said_memory_full_ = false;
  const auto lost = status_.plays_lost - lost_before_outage_;
  log_("proof of play is recording again: " + std::to_string(plays_kept) +
       " play(s) kept in memory go in now" +
       (lost ? ", " + std::to_string(lost) + " were not recorded (more than memory keeps)" : ""));
  status_changed_.notify_all();
}

void PlayJournal::run(Worker::Inbox& inbox) {
  std::deque<Entry> backlog;  // taken from the inbox; each stays until it is in the database
  const auto take = [&backlog](std::optional<std::vector<Entry>> entries) {
    if (entries) std::move(entries->begin(), entries->end(), std::back_inserter(backlog));
  };
  std::unordered_map<PlayId, std::int64_t> rows;  // journal ids -> database rows
  // The plays under way, for the sink to have them whole when they end; kept apart from `rows`,
  // which forgets them when the database file changes.
  std::unordered_map<PlayId, PlayStart> under_way;
  auto written_file = store_ ? file_identity(file_) : std::pair<dev_t, ino_t>{};
  bool tried_at_stop = false;
  std::uint64_t plays_kept = 0;  // in memory when the store opened again
  for (;;) {
    if (!store_) {
      const bool stopping = !inbox.pause_until(next_try_);
      if (stopping && tried_at_stop) {
        // The last try at stopping failed too: what memory kept is lost, and said.
        const std::lock_guard lock(status_mutex_);
        if (status_.plays_pending > 0) {
          log_.error("proof of play: " + std::to_string(status_.plays_pending) +
                     " play(s) kept in memory are not recorded: " + status_.problem);
        }
        status_.plays_lost += status_.plays_pending;
        status_.plays_pending = 0;
        break;
      }
      tried_at_stop = stopping;
      auto store = open_store();
      if (!store) continue;
      store_ = std::move(store);
      // Rows of another file cannot be ended in this one.
      const auto opened_file = file_identity(file_);
      if (opened_file != written_file) rows.clear();
      written_file = opened_file;
      take(inbox.take());
      const std::lock_guard lock(status_mutex_);
      plays_kept = status_.plays_pending;
      // Recording again once a play goes in: a database that opens but cannot be written (a full
      // disk) stays off, and its tries keep backing off.
      if (backlog.empty()) back_on(plays_kept);
    }
    if (backlog.empty()) take(inbox.wait());  // waits for stop only with nothing left to write
    if (backlog.empty()) break;               // stopping, and everything is written
    const Entry& entry = backlog.front();
    std::string failure;
    try {
      if (entry.start) {
        rows[entry.id] = store_->begin(*entry.start);
        if (ended_sink_) under_way[entry.id] = *entry.start;
      } else {
        if (const auto row = rows.find(entry.id); row != rows.end()) {
          store_->end(row->second, entry.ended, entry.outcome);
          rows.erase(row);
        }
        if (const auto start = under_way.find(entry.id); start != under_way.end()) {
          ended_sink_(EndedPlay{std::move(start->second), entry.ended, entry.outcome});
          under_way.erase(start);
        }
      }
    } catch (const std::exception& error) {
      failure = error.what();
      store_.reset();
    }
    const std::lock_guard lock(status_mutex_);
    if (failure.empty()) {
      if (entry.start) --status_.plays_pending;
      backlog.pop_front();
      ++entries_written_;
      back_on(plays_kept);
    } else {
      // A full or failing disk must not stop the boards: the play waits in memory.
      turn_off("cannot write " + file_.string() + ": " + failure);
    }
    status_changed_.notify_all();
  }
}

}  // namespace bangtin
