#include "hub_store.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "bangtin/date_time_text.hpp"
#include "sqlite_statement.hpp"
#include "state_directory.hpp"

namespace bangtin {

namespace {

constexpr const char* kWhat = "hub database";

const char* kSchema = R"sql(
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = FULL;
  CREATE TABLE IF NOT EXISTS sites (
    site       TEXT    PRIMARY KEY,
    state      TEXT    NOT NULL CHECK (state IN ('online', 'offline')),
    reason     TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    clock      TEXT    NOT NULL,            -- the site's clock.time, as it wrote it
    heard_ms   INTEGER NOT NULL,            -- Unix time, UTC, milliseconds, by the hub's clock
    changed_ms INTEGER NOT NULL             -- when the state last changed
  );
  -- The batches stored: a batch already here is not counted again.
  CREATE TABLE IF NOT EXISTS batches (
    site        TEXT    NOT NULL,
    batch       INTEGER NOT NULL,
    plays       INTEGER NOT NULL,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (site, batch)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS plays (
    id          INTEGER PRIMARY KEY,
    site        TEXT    NOT NULL,
    batch       INTEGER NOT NULL,
    display     TEXT    NOT NULL,
    playlist    TEXT    NOT NULL,
    item        TEXT    NOT NULL,
    shown       TEXT    NOT NULL,
    day         TEXT    NOT NULL,           -- the site's local date of started, 2026-11-24
    started_ms  INTEGER NOT NULL,           -- Unix time, UTC, milliseconds
    ended_ms    INTEGER NOT NULL,
    ended_early INTEGER NOT NULL CHECK (ended_early IN (0, 1))
  );
  CREATE INDEX IF NOT EXISTS plays_by_day ON plays (day, site);
)sql";

}  // namespace

void HubStore::Closer::operator()(sqlite3* db) const { sqlite3_close(db); }

HubStore::HubStore(const std::filesystem::path& file, Access access,
                   std::chrono::milliseconds busy_wait) {
  const std::string named = "cannot open the hub database " + printable(file.string()) + ": ";
  std::error_code ignored;
  const bool creating = access == Access::read_write && !std::filesystem::exists(file, ignored);
  const int flags = access == Access::read_write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                                 : SQLITE_OPEN_READONLY;
  sqlite3* raw = nullptr;
  const int status = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  db_.reset(raw);
  if (status != SQLITE_OK)
    throw std::runtime_error(named + (raw ? sqlite_problem(raw) : "out of memory"));
  sqlite3_busy_timeout(db_.get(), static_cast<int>(busy_wait.count()));
  if (access == Access::read_only) return;
  // Set before the first write, the mode is also the one SQLite gives the -wal and -shm files.
  if (creating && ::chmod(file.c_str(), kStateFileMode) != 0)
    throw std::runtime_error(named + std::strerror(errno));
  try {
    sqlite_execute(db_.get(), kSchema, kWhat);
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(named + error.what());
  }
}

HubStore::~HubStore() = default;

HubStore::BatchOutcome HubStore::add_batch(const PlaysBatch& batch, std::int64_t received_ms) {
  SqliteTransaction transaction(db_.get(), kWhat);
  SqliteStatement key(db_.get(),
                      "INSERT INTO batches (site, batch, plays, received_ms) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT DO NOTHING",
                      kWhat);
  key.bind(1, batch.site)
      .bind(2, batch.batch)
      .bind(3, static_cast<std::int64_t>(batch.plays.size()))
      .bind(4, received_ms);
  key.step();
  if (sqlite3_changes(db_.get()) == 0) return BatchOutcome::already_had;  // rolled back: nothing
  SqliteStatement insert(db_.get(),
                         "INSERT INTO plays (site, batch, display, playlist, item, shown, day, "
                         "started_ms, ended_ms, ended_early) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         kWhat);
  for (const ReceivedPlay& play : batch.plays) {
    insert.bind(1, batch.site)
        .bind(2, batch.batch)
        .bind(3, play.display)
        .bind(4, play.playlist)
        .bind(5, play.item)
        .bind(6, play.shown)
        .bind(7, play.day)
        .bind(8, play.started_ms)
        .bind(9, play.ended_ms)
        .bind(10, std::int64_t{play.ended_early});
    insert.step();
    insert.reset();
  }
  transaction.commit();
  return BatchOutcome::stored;
}

void HubStore::set_status(const SiteStatus& status, std::int64_t heard_ms) {
  SqliteStatement upsert(db_.get(), R"sql(
    INSERT INTO sites (site, state, reason, version, clock, heard_ms, changed_ms)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
    ON CONFLICT (site) DO UPDATE SET
      changed_ms = CASE WHEN state = excluded.state THEN changed_ms ELSE excluded.heard_ms END,
      state = excluded.state, reason = excluded.reason,
      -- An offline will carries no version or clock: the last ones known stay.
      version = CASE WHEN excluded.version = '' THEN version ELSE excluded.version END,
      clock = CASE WHEN excluded.clock = '' THEN clock ELSE excluded.clock END,
      heard_ms = excluded.heard_ms)sql",
                         kWhat);
  upsert.bind(1, status.site)
      .bind(2, std::string(status.online ? "online" : "offline"))
      .bind(3, status.reason)
      .bind(4, status.version)
      .bind(5, status.clock)
      .bind(6, heard_ms);
  upsert.step();
}

std::vector<SiteTotals> HubStore::totals(const std::string& first_day, const std::string& last_day,
                                         const std::optional<std::string>& site,
                                         const std::optional<std::string>& display) const {
  SqliteStatement query(db_.get(), R"sql(
    SELECT site, day, display, playlist, item, shown, COUNT(*), SUM(ended_early),
           SUM(ended_ms - started_ms) / 1000
    FROM plays
    WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR site = ?3) AND (?4 IS NULL OR display = ?4)
    GROUP BY day, site, display, playlist, item, shown
    ORDER BY day, site, display, MIN(started_ms))sql",
                        kWhat);
  query.bind(1, first_day).bind(2, last_day);
  if (site) {
    query.bind(3, *site);
  } else {
    query.bind_null(3);
  }
  if (display) {
    query.bind(4, *display);
  } else {
    query.bind_null(4);
  }
  std::vector<SiteTotals> rows;
  while (query.step()) {
    rows.push_back(
        {query.text(0),
         PlayTotals{query.text(1), query.text(2), query.text(3), query.text(4), query.text(5),
                    static_cast<int>(query.integer(6)), static_cast<int>(query.integer(7)),
                    std::chrono::seconds(query.integer(8))}});
  }
  return rows;
}

std::vector<SiteState> HubStore::sites() const {
  SqliteStatement query(
      db_.get(),
      "SELECT site, state, reason, version, clock, heard_ms, changed_ms FROM sites "
      "ORDER BY site",
      kWhat);
  std::vector<SiteState> sites;
  while (query.step()) {
    sites.push_back({query.text(0), query.text(1) == "online", query.text(2), query.text(3),
                     query.text(4), query.integer(5), query.integer(6)});
  }
  return sites;
}

std::string sites_table(const std::vector<SiteState>& sites) {
  const auto when = [](std::int64_t ms) {
    return iso_date_time_text(SystemClock::time_point(std::chrono::milliseconds(ms)),
                              std::chrono::minutes(0));
  };
  std::vector<std::vector<std::string>> cells{
      {"site", "state", "since", "last heard", "reason", "version"}};
  for (const SiteState& site : sites) {
    cells.push_back({printable(site.site), site.online ? "online" : "offline",
                     when(site.changed_ms), when(site.heard_ms), printable(site.reason),
                     printable(site.version)});
  }
  return aligned_table(cells, {});
}

}  // namespace bangtin
