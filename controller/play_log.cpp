#include "bangtin/play_log.hpp"

#include <openssl/evp.h>
#include <sqlite3.h>

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "state_directory.hpp"

namespace bangtin {

namespace {

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

// One prepared statement; binds by position from 1, throws with SQLite's message on failure.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    sqlite3_stmt* raw = nullptr;
    check(sqlite3_prepare_v2(db, sql, -1, &raw, nullptr));
    statement_.reset(raw);
  }
  Statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_.get(), index, value));
    return *this;
  }
  Statement& bind(int index, const std::string& value) {
    check(sqlite3_bind_text(statement_.get(), index, value.data(), static_cast<int>(value.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind_null(int index) {
    check(sqlite3_bind_null(statement_.get(), index));
    return *this;
  }
  // True while there is a row to read.
  bool step() {
    const int status = sqlite3_step(statement_.get());
    if (status == SQLITE_ROW) return true;
    if (status == SQLITE_DONE) return false;
    check(status);
    return false;
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_.get(), column); }
  // All of it: a NUL written by an older version must not cut the rest off the report.
  std::string text(int column) const {
    const auto* value = sqlite3_column_text(statement_.get(), column);
    if (!value) return "";
    return std::string(reinterpret_cast<const char*>(value),
                       static_cast<std::size_t>(sqlite3_column_bytes(statement_.get(), column)));
  }

 private:
  void check(int status) const {
    if (status != SQLITE_OK && status != SQLITE_ROW && status != SQLITE_DONE)
      throw std::runtime_error(std::string("proof-of-play database: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> statement_;
};

void execute(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error("proof-of-play database: " + why);
  }
}

std::int64_t unix_ms(SystemClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr))
    throw std::runtime_error("SHA-256 failed");
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
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
                             (raw ? sqlite3_errmsg(raw) : "out of memory"));
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

PlayJournal::PlayJournal(const std::filesystem::path& file, LogSink log)
    : store_(file), log_(std::move(log)), thread_([this] { run(); }) {}

PlayJournal::~PlayJournal() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

PlayJournal::PlayId PlayJournal::begin(PlayStart play) {
  PlayId id;
  {
    const std::lock_guard lock(mutex_);
    id = next_id_++;
    queue_.push_back(Entry{id, std::move(play), {}, PlayOutcome::completed});
  }
  changed_.notify_all();
  return id;
}

void PlayJournal::end(PlayId play, SystemClock::time_point ended, PlayOutcome outcome) {
  {
    const std::lock_guard lock(mutex_);
    queue_.push_back(Entry{play, std::nullopt, ended, outcome});
  }
  changed_.notify_all();
}

void PlayJournal::flush() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.empty() && !writing_; });
}

void PlayJournal::run() {
  std::unordered_map<PlayId, std::int64_t> rows;  // journal ids -> database rows
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and everything is written
    Entry entry = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    try {
      if (entry.start) {
        rows[entry.id] = store_.begin(*entry.start);
      } else if (const auto row = rows.find(entry.id); row != rows.end()) {
        store_.end(row->second, entry.ended, entry.outcome);
        rows.erase(row);
      }
    } catch (const std::exception& error) {
      // A full disk must not stop the boards: the play goes unrecorded and the log says so.
      log_(std::string("proof of play not recorded: ") + error.what());
    }
    lock.lock();
    writing_ = false;
    changed_.notify_all();
  }
}

}  // namespace bangtin
