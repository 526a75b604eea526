// The SQLite handles the controller's own databases share (proof of play, the fleet's outbox):
// a prepared statement that finalizes itself and throws with SQLite's words, and a transaction
// that rolls back unless committed. Errors name the database they are about (`what`).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace bangtin {

// SQLite's message, with what the system said when it was the disk ("disk I/O error" alone does
// not tell a full disk from a failing one).
std::string sqlite_problem(sqlite3* db);

// Runs SQL without results (a schema, BEGIN, COMMIT); throws "<what>: <SQLite's message>".
void sqlite_execute(sqlite3* db, const char* sql, const std::string& what);

// One prepared statement; binds by position from 1, throws with SQLite's message on failure.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const char* sql, std::string what);
  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, const std::string& value);
  SqliteStatement& bind_null(int index);
  // True while there is a row to read.
  bool step();
  // Ready to step again, with new values bound over the old ones.
  void reset();
  std::int64_t integer(int column) const;
  // All of it: a NUL written by an older version must not cut the rest off.
  std::string text(int column) const;
  // SQLITE_INTEGER, SQLITE_TEXT, ...: a column's type in this row, as stored (SQLite keeps what
  // it is given, whatever the schema says: a file edited by hand may hold anything).
  int type(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
  };
  void check(int status) const;
  sqlite3* db_;
  std::string what_;
  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
};

// BEGIN IMMEDIATE takes the write lock at once, so what is read inside still holds at COMMIT
// whoever else writes the file; rolled back unless committed.
class SqliteTransaction {
 public:
  SqliteTransaction(sqlite3* db, std::string what);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  void commit();

 private:
  sqlite3* db_;
  std::string what_;
  bool open_ = true;
};

}  // namespace bangtin
