#include "sqlite_statement.hpp"

#include <cstring>

namespace bangtin {

std::string sqlite_problem(sqlite3* db) {
  std::string problem = sqlite3_errmsg(db);
  const int kind = sqlite3_errcode(db) & 0xff;
  const bool disk = kind == SQLITE_IOERR || kind == SQLITE_FULL || kind == SQLITE_CANTOPEN;
  if (const int system_error = sqlite3_system_errno(db); disk && system_error != 0)
    problem += std::string(" (") + std::strerror(system_error) + ")";
  return problem;
}

void sqlite_execute(sqlite3* db, const char* sql, const std::string& what) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error(what + ": " + why);
  }
}

SqliteStatement::SqliteStatement(sqlite3* db, const char* sql, std::string what)
    : db_(db), what_(std::move(what)) {
  sqlite3_stmt* raw = nullptr;
  check(sqlite3_prepare_v2(db, sql, -1, &raw, nullptr));
  statement_.reset(raw);
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  check(sqlite3_bind_int64(statement_.get(), index, value));
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::string& value) {
  check(sqlite3_bind_text(statement_.get(), index, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT));
  return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  check(sqlite3_bind_null(statement_.get(), index));
  return *this;
}

bool SqliteStatement::step() {
  const int status = sqlite3_step(statement_.get());
  if (status == SQLITE_ROW) return true;
  if (status == SQLITE_DONE) return false;
  check(status);
  return false;
}

void SqliteStatement::reset() { sqlite3_reset(statement_.get()); }

std::int64_t SqliteStatement::integer(int column) const {
  return sqlite3_column_int64(statement_.get(), column);
}

std::string SqliteStatement::text(int column) const {
  const auto* value = sqlite3_column_text(statement_.get(), column);
  if (!value) return "";
  return std::string(reinterpret_cast<const char*>(value),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement_.get(), column)));
}

int SqliteStatement::type(int column) const {
  return sqlite3_column_type(statement_.get(), column);
}

void SqliteStatement::check(int status) const {
  if (status != SQLITE_OK && status != SQLITE_ROW && status != SQLITE_DONE)
    throw std::runtime_error(what_ + ": " + sqlite_problem(db_));
}

SqliteTransaction::SqliteTransaction(sqlite3* db, std::string what)
    : db_(db), what_(std::move(what)) {
  sqlite_execute(db_, "BEGIN IMMEDIATE", what_);
}

SqliteTransaction::~SqliteTransaction() {
  if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteTransaction::commit() {
  sqlite_execute(db_, "COMMIT", what_);
  open_ = false;
}

}  // namespace bangtin
