#include "fleet_outbox.hpp"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "bangtin/date_time_text.hpp"
#include "sqlite_statement.hpp"
#include "state_directory.hpp"

namespace bangtin {

namespace {

// Each step brings the file from the version before it (its index) to the next; `PRAGMA
// user_version` says how far a file has come. A new version of the outbox adds a step and never
// changes an old one.
const char* const kMigrations[] = {
    // 0 -> 1: the first outbox.
    R"sql(
      -- The last batch number given, kept apart from the batches (they leave when acknowledged)
      -- so that a number is never given twice.
      CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT INTO counters VALUES ('last_batch', 0);
      -- Plays added and not yet sealed into a batch, in the order they ended.
      CREATE TABLE unsealed_plays (
        id          INTEGER PRIMARY KEY,
        display     TEXT    NOT NULL,
        playlist    TEXT    NOT NULL,
        item        TEXT    NOT NULL,
        shown       TEXT    NOT NULL,
        started_ms  INTEGER NOT NULL,   -- Unix time, UTC, milliseconds
        ended_ms    INTEGER NOT NULL,
        ended_early INTEGER NOT NULL
      );
      -- Sealed batches awaiting the broker's acknowledgement, as the exact bytes they are sent as.
      CREATE TABLE batches (
        number  INTEGER PRIMARY KEY,
        plays   INTEGER NOT NULL,
        payload TEXT    NOT NULL
      );
    )sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

using Clock = std::chrono::system_clock;

std::int64_t unix_ms(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Clock::time_point from_unix_ms(std::int64_t ms) {
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(ms)));
}

// Names and texts come from the operator's files, checked to be UTF-8; a byte that is not is sent
// as U+FFFD rather than refused (as the status does).
std::string dump(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

void FleetOutbox::Closer::operator()(sqlite3* db) const { sqlite3_close(db); }

FleetOutbox::FleetOutbox(const std::filesystem::path& file, std::string site,
                         std::chrono::minutes utc_offset, WallClock clock, Limits limits)
    : file_(file),
      site_(std::move(site)),
      utc_offset_(utc_offset),
      clock_(std::move(clock)),
      limits_(limits) {
  if (limits_.plays_per_batch == 0) limits_.plays_per_batch = 1;
  std::error_code ignored;
  const bool creating = !std::filesystem::exists(file, ignored);
  sqlite3* raw = nullptr;
  const int status =
      sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  db_.reset(raw);
  if (status != SQLITE_OK)
    throw std::runtime_error("cannot open " + what() + ": " +
                             (raw ? sqlite_problem(raw) : "out of memory"));
  // The journal thread adds while the sender seals: each waits its turn for the write lock.
  sqlite3_busy_timeout(db_.get(), 5000);
  // Set before the first write, the mode is also the one SQLite gives the -wal and -shm files.
  if (creating && ::chmod(file.c_str(), kStateFileMode) != 0)
    throw std::runtime_error("cannot open " + what() + ": " + std::strerror(errno));
  try {
    sqlite_execute(db_.get(), "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", what());
    SqliteTransaction migration(db_.get(), what());
    SqliteStatement version(db_.get(), "PRAGMA user_version", what());
    version.step();
    const auto found = version.integer(0);
    if (found > kSchemaVersion || found < 0)
      throw std::runtime_error(what() + ": its schema is version " + std::to_string(found) +
                               ", made by a newer bangtin (this one knows up to " +
                               std::to_string(kSchemaVersion) + ")");
    for (auto step = found; step < kSchemaVersion; ++step)
      sqlite_execute(db_.get(), kMigrations[step], what());
    // A new outbox numbers from the moment it was made (ms since 1970), not from 1: one that
    // replaces a damaged or lost file goes on above the numbers the hub has, instead of being
    // taken for copies of them (one batch per millisecond of an outbox's life would be needed
    // to reach the next one's start).
    if (found == 0) {
      SqliteStatement start(db_.get(), "UPDATE counters SET value = ? WHERE name = 'last_batch'",
                            what());
      start.bind(1, unix_ms(clock_()));
      start.step();
    }
    if (found != kSchemaVersion)
      sqlite_execute(db_.get(), ("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str(),
                     what());
    migration.commit();
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(std::string("cannot open ") + error.what());
  }
}

FleetOutbox::~FleetOutbox() = default;

std::string FleetOutbox::what() const { return "fleet outbox " + file_.string(); }

void FleetOutbox::add(const std::vector<OutboxPlay>& plays) {
  if (plays.empty()) return;
  SqliteTransaction transaction(db_.get(), what());
  SqliteStatement insert(db_.get(),
                         "INSERT INTO unsealed_plays (display, playlist, item, shown, started_ms, "
                         "ended_ms, ended_early) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         what());
  for (const OutboxPlay& play : plays) {
    insert.bind(1, play.display)
        .bind(2, play.playlist)
        .bind(3, play.item)
        .bind(4, play.shown)
        .bind(5, unix_ms(play.started))
        .bind(6, unix_ms(play.ended))
        .bind(7, std::int64_t{play.ended_early});
    insert.step();
    insert.reset();
  }
  transaction.commit();
}

std::vector<OutboxBatch> FleetOutbox::next_batches(std::size_t at_most, std::int64_t after) {
  std::vector<OutboxBatch> batches;
  if (at_most == 0) return batches;
  SqliteTransaction transaction(db_.get(), what());
  {
    SqliteStatement sealed(db_.get(),
                           "SELECT number, plays, payload FROM batches WHERE number > ? "
                           "ORDER BY number LIMIT ?",
                           what());
    sealed.bind(1, after).bind(2, static_cast<std::int64_t>(at_most));
    std::vector<std::int64_t> damaged;
    while (sealed.step()) {
      const auto number = sealed.integer(0);
      if (sealed.type(1) != SQLITE_INTEGER || sealed.type(2) != SQLITE_TEXT ||
          sealed.text(2).empty()) {
        damaged.push_back(number);
        continue;
      }
      batches.push_back(
          OutboxBatch{number, static_cast<std::size_t>(sealed.integer(1)), sealed.text(2)});
    }
    for (const auto number : damaged) {
      problems_.push_back(what() + ": batch " + std::to_string(number) +
                          " is damaged (its payload is not text); removed, not sent");
      acknowledged(number);
    }
  }
  while (batches.size() < at_most) {
    const auto now = clock_();
    // A clock set back counts as time passed: plays must not wait for it to catch up.
    const bool may_be_partial =
        !sealed_any_ || now < last_sealed_ || now - last_sealed_ >= limits_.gather;
    auto batch = seal(may_be_partial);
    if (!batch) break;
    batches.push_back(std::move(*batch));
  }
  transaction.commit();
  return batches;
}

std::optional<OutboxBatch> FleetOutbox::seal(bool may_be_partial) {
  for (;;) {
    SqliteStatement counter(db_.get(), "SELECT value FROM counters WHERE name = 'last_batch'",
                            what());
    const std::int64_t number = (counter.step() ? counter.integer(0) : 0) + 1;
    const std::string opening =
        "{\"site\":" + dump(site_) + ",\"batch\":" + std::to_string(number) + ",\"plays\":[";
    const std::string closing = "]}";

    SqliteStatement rows(db_.get(),
                         "SELECT id, display, playlist, item, shown, started_ms, ended_ms, "
                         "ended_early FROM unsealed_plays ORDER BY id LIMIT ?",
                         what());
    rows.bind(1, static_cast<std::int64_t>(limits_.plays_per_batch));
    std::string plays;
    std::size_t count = 0;
    std::size_t rows_read = 0;
    std::int64_t last_taken = 0;  // rows up to this id go: sealed, or damaged
    std::size_t damaged = 0;
    bool full = false;
    while (rows.step()) {
      const auto id = rows.integer(0);
      bool readable = rows.type(5) == SQLITE_INTEGER && rows.type(6) == SQLITE_INTEGER &&
                      rows.type(7) == SQLITE_INTEGER;
      for (int column = 1; column <= 4; ++column) readable &= rows.type(column) == SQLITE_TEXT;
      if (!readable) {
        problems_.push_back(what() + ": play " + std::to_string(id) +
                            " is damaged (a field of the wrong type); removed, not sent");
        ++damaged;
        ++rows_read;
        last_taken = id;
        continue;
      }
      nlohmann::ordered_json play = {
          {"display", rows.text(1)},
          {"playlist", rows.text(2)},
          {"item", rows.text(3)},
          {"shown", rows.text(4)},
          {"started", iso_date_time_text(from_unix_ms(rows.integer(5)), utc_offset_)},
          {"ended", iso_date_time_text(from_unix_ms(rows.integer(6)), utc_offset_)},
          {"ended_early", rows.integer(7) != 0}};
      const std::string text = dump(play);
      const std::size_t size = opening.size() + plays.size() + 1 + text.size() + closing.size();
      if (count > 0 && size > limits_.bytes_per_batch) {
        full = true;
        break;
      }
      if (count > 0) plays += ',';
      plays += text;
      ++count;
      ++rows_read;
      last_taken = id;
    }
    if (rows_read == limits_.plays_per_batch) full = true;
    if (count == 0 && damaged == 0) return std::nullopt;  // nothing to seal
    if (count > 0 && !full && !may_be_partial) return std::nullopt;
    SqliteStatement remove(db_.get(), "DELETE FROM unsealed_plays WHERE id <= ?", what());
    remove.bind(1, last_taken).step();
    if (count == 0) continue;  // only damaged rows: they are gone, look again
    SqliteStatement(db_.get(), "UPDATE counters SET value = ? WHERE name = 'last_batch'", what())
        .bind(1, number)
        .step();
    OutboxBatch batch{number, count, opening + plays + closing};
    SqliteStatement(db_.get(), "INSERT INTO batches (number, plays, payload) VALUES (?, ?, ?)",
                    what())
        .bind(1, number)
        .bind(2, static_cast<std::int64_t>(count))
        .bind(3, batch.payload)
        .step();
    sealed_any_ = true;
    last_sealed_ = clock_();
    return batch;
  }
}

void FleetOutbox::acknowledged(std::int64_t batch) {
  SqliteStatement(db_.get(), "DELETE FROM batches WHERE number = ?", what()).bind(1, batch).step();
}

OutboxCounts FleetOutbox::counts() const {
  OutboxCounts counts;
  SqliteStatement unsealed(db_.get(), "SELECT COUNT(*) FROM unsealed_plays", what());
  if (unsealed.step()) counts.plays_unsealed = static_cast<std::size_t>(unsealed.integer(0));
  SqliteStatement sealed(db_.get(), "SELECT COUNT(*), COALESCE(SUM(plays), 0) FROM batches",
                         what());
  if (sealed.step()) {
    counts.batches = static_cast<std::size_t>(sealed.integer(0));
    counts.plays_in_batches = static_cast<std::size_t>(sealed.integer(1));
  }
  return counts;
}

std::vector<std::string> FleetOutbox::take_problems() { return std::exchange(problems_, {}); }

}  // namespace bangtin
