// Private to the controller: SQLite as its databases use it (proof of play, the hub's store). A
// prepared statement that throws with SQLite's message, prefixed with what the database is, so an
// operator reading the log knows which file went wrong.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace bangtin {

// SQLite's message, with what the system said when it was the disk ("disk I/O error" alone does
// not tell a full disk from a failing one).
inline std::string sqlite_problem(sqlite3* db) {
  std::string problem = sqlite3_errmsg(db);
  const int kind = sqlite3_errcode(db) & 0xff;
  const bool disk = kind == SQLITE_IOERR || kind == SQLITE_FULL || kind == SQLITE_CANTOPEN;
  if (const int system_error = sqlite3_system_errno(db); disk && system_error != 0)
    problem += std::string(" (") + std::strerror(system_error) + ")";
  return problem;
}

// One prepared statement; binds by position from 1, throws "WHAT: SQLite's message" on failure.
class Statement {
 public:
  Statement(sqlite3* db, const char* what, const char* sql) : db_(db), what_(what) {
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
  // For a statement run again with new values.
  void reset() {
    sqlite3_reset(statement_.get());
    sqlite3_clear_bindings(statement_.get());
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
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
  };
  void check(int status) const {
    if (status != SQLITE_OK && status != SQLITE_ROW && status != SQLITE_DONE)
      throw std::runtime_error(std::string(what_) + ": " + sqlite_problem(db_));
  }
  sqlite3* db_;
  const char* what_;
  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
};

// Runs SQL without results (a schema, BEGIN, COMMIT); throws "WHAT: SQLite's message".
inline void execute(sqlite3* db, const char* what, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error(std::string(what) + ": " + why);
  }
}

}  // namespace bangtin
