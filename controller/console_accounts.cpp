#include "console_accounts.hpp"

#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <semaphore>
#include <stdexcept>

#include "state_directory.hpp"

namespace bangtin {

namespace {

constexpr std::size_t kNameMax = 32;
constexpr std::size_t kPasswordMinCharacters = 10;
constexpr std::size_t kPasswordMaxBytes = 1024;
constexpr std::string_view kTokenPrefix = "bt_";
constexpr std::size_t kTokenBytes = 32;
// The database is only ever touched for a few milliseconds at a time (hashing happens before
// the transaction), so a writer waiting longer than this means something is stuck.
constexpr int kBusyTimeoutMs = 5000;

// A hash of a random password nobody kept, with the parameters new hashes get: check_password
// verifies against it for an unknown name, so that answer takes as long as a wrong password.
constexpr const char* kDummyHash =
    "$argon2id$v=19$m=65536,t=2,p=1$JKejWVvkPf+x3bSPXqk82w$"
    "Q30AB+ZM+HmNVfzLV0/hFOhCrjQTEN4Wa240wRVZgXw";

// Each Argon2id run takes 64 MiB; the daemon's unit caps it at 512 MiB, and a burst of logins
// must not be what kills the boards' daemon.
std::counting_semaphore<2> hashing_slots(2);

class HashingSlot {
 public:
  HashingSlot() { hashing_slots.acquire(); }
  ~HashingSlot() { hashing_slots.release(); }
  HashingSlot(const HashingSlot&) = delete;
  HashingSlot& operator=(const HashingSlot&) = delete;
};

void start_sodium() {
  static const bool started = sodium_init() >= 0;
  if (!started) throw std::runtime_error("libsodium cannot start (no system randomness?)");
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// The password in Unicode NFC, or nothing when it is not UTF-8. Vietnamese keyboards (Unikey's
// "dựng sẵn" and "tổ hợp" tables) type the same letters as one code point or as a letter and
// combining marks; both must sign in.
std::optional<std::string> nfc(std::string_view text) {
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t length =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (length < 0) return std::nullopt;
  if (!mapped) return std::string();
  std::string result(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
  sodium_memzero(mapped, static_cast<std::size_t>(length));
  std::free(mapped);
  return result;
}

// A string whose bytes are wiped when it goes, for passwords in NFC.
struct Secret {
  std::string text;
  ~Secret() { sodium_memzero(text.data(), text.size()); }
};

std::string hash_password(std::string_view password) {
  if (const auto problem = password_problem(password)) throw std::invalid_argument(*problem);
  const Secret normalized{*nfc(password)};
  char hash[crypto_pwhash_STRBYTES];
  const HashingSlot slot;
  if (crypto_pwhash_str_alg(hash, normalized.text.data(), normalized.text.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("cannot hash the password: out of memory (Argon2id needs 64 MiB)");
  return hash;
}

std::string token_hash(std::string_view token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

class Database {
 public:
  Database(sqlite3* db, const std::filesystem::path& file) : db_(db), file_(file) {}
  [[noreturn]] void fail() const {
    throw std::runtime_error("console accounts " + file_.string() + ": " + sqlite3_errmsg(db_));
  }
  void execute(const char* sql) const {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail();
  }
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_;
  const std::filesystem::path& file_;
};

// Token hashes are bytes, not text: bound as a blob, they compare as bytes.
struct Blob {
  std::string bytes;
};

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

// A prepared statement with its parameters bound in order: Query(db, sql, a, b).
class Query {
 public:
  template <typename... Values>
  Query(const Database& db, const char* sql, const Values&... values) : db_(db) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql, -1, &raw, nullptr) != SQLITE_OK) db.fail();
    statement_.reset(raw);
    int index = 0;
    (bind(++index, values), ...);
  }
  bool next() {
    const int status = sqlite3_step(statement_.get());
    if (status != SQLITE_ROW && status != SQLITE_DONE) db_.fail();
    return status == SQLITE_ROW;
  }
  void run() {
    while (next()) {
    }
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_.get(), column); }
  std::string text(int column) const {
    const auto* value = static_cast<const char*>(sqlite3_column_blob(statement_.get(), column));
    return value ? std::string(value, static_cast<std::size_t>(
                                          sqlite3_column_bytes(statement_.get(), column)))
                 : std::string();
  }

 private:
  void bind(int index, std::string_view value) {
    check(sqlite3_bind_text(statement_.get(), index, value.data(), static_cast<int>(value.size()),
                            SQLITE_TRANSIENT));
  }
  void bind(int index, const std::string& value) { bind(index, std::string_view(value)); }
  void bind(int index, const char* value) { bind(index, std::string_view(value)); }
  void bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_.get(), index, value));
  }
  void bind(int index, std::size_t value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, const Blob& value) {
    check(sqlite3_bind_blob(statement_.get(), index, value.bytes.data(),
                            static_cast<int>(value.bytes.size()), SQLITE_TRANSIENT));
  }
  void check(int status) const {
    if (status != SQLITE_OK) db_.fail();
  }

  const Database& db_;
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> statement_;
};

// BEGIN IMMEDIATE takes the write lock at once, so the checks made inside the transaction (is
// the name taken, is this the last admin) still hold when it commits, whoever else writes.
class Transaction {
 public:
  explicit Transaction(const Database& db) : db_(db) { db_.execute("BEGIN IMMEDIATE"); }
  void commit() {
    db_.execute("COMMIT");
    open_ = false;
  }
  ~Transaction() {
    if (open_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  const Database& db_;
  bool open_ = true;
};

const char* kSchema = R"sql(
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = FULL;
  CREATE TABLE IF NOT EXISTS accounts (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    password_hash TEXT NOT NULL,          -- libsodium's Argon2id string
    created_at    TEXT NOT NULL,
    password_at   TEXT NOT NULL           -- when the password was last set
  );
  CREATE TABLE IF NOT EXISTS tokens (
    hash       BLOB PRIMARY KEY,          -- SHA-256 of the whole token, "bt_..."
    account    TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS tokens_by_account ON tokens (account);
  -- Never deleted with what it describes: the audit outlives accounts and playlists.
  CREATE TABLE IF NOT EXISTS audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    address     TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    before_text TEXT NOT NULL,
    after_text  TEXT NOT NULL
  );
)sql";

void insert_audit(const Database& db, const AuditEntry& entry) {
  Query(db,
        "INSERT INTO audit (at, actor, address, action, target, before_text, after_text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        entry.at.empty() ? utc_now() : entry.at, entry.actor, entry.address, entry.action,
        entry.target, entry.before, entry.after)
      .run();
}

void audit_change(const Database& db, const Actor& by, std::string_view action,
                  std::string_view target, std::string before, std::string after) {
  insert_audit(db, AuditEntry{"", by.name, by.address, std::string(action), std::string(target),
                              std::move(before), std::move(after)});
}

std::optional<Role> role_of(const Database& db, std::string_view name) {
  Query query(db, "SELECT role FROM accounts WHERE name = ?", name);
  if (!query.next()) return std::nullopt;
  return role_from(query.text(0));
}

Role existing_role(const Database& db, std::string_view name) {
  const auto role = role_of(db, name);
  if (!role) throw std::invalid_argument("no account named \"" + std::string(name) + "\"");
  return *role;
}

// Refuses taking away the only admin's role or account.
void keep_an_admin(const Database& db, std::string_view name, Role before) {
  if (before != Role::admin) return;
  Query admins(db, "SELECT COUNT(*) FROM accounts WHERE role = 'admin'");
  admins.next();
  if (admins.integer(0) <= 1)
    throw std::invalid_argument("\"" + std::string(name) +
                                "\" is the only admin; make another account admin first");
}

std::string role_text(Role role) { return "role=" + std::string(to_string(role)); }

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::viewer:
      return "viewer";
    case Role::editor:
      return "editor";
    case Role::admin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> role_from(std::string_view text) {
  for (Role role : {Role::viewer, Role::editor, Role::admin})
    if (to_string(role) == text) return role;
  return std::nullopt;
}

std::optional<std::string> account_name_problem(std::string_view name) {
  const std::string rule =
      "an account name is 1 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit";
  if (name.empty() || name.size() > kNameMax) return rule;
  for (char c : name) {
    const bool allowed =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!allowed) return rule;
  }
  if (name.front() == '.' || name.front() == '_' || name.front() == '-') return rule;
  return std::nullopt;
}

std::optional<std::string> password_problem(std::string_view password) {
  if (password.size() > kPasswordMaxBytes) return "a password is at most 1024 bytes long";
  const auto normalized = nfc(password);
  if (!normalized) return "a password must be UTF-8 text";
  const Secret text{*normalized};
  std::size_t characters = 0;
  const auto* at = reinterpret_cast<const utf8proc_uint8_t*>(text.text.data());
  auto left = static_cast<utf8proc_ssize_t>(text.text.size());
  while (left > 0) {
    utf8proc_int32_t code_point = 0;
    const utf8proc_ssize_t used = utf8proc_iterate(at, left, &code_point);
    if (code_point < 0x20 || (code_point >= 0x7f && code_point < 0xa0))
      return "a password cannot hold control characters (tabs, line breaks and the like)";
    ++characters;
    at += used;
    left -= used;
  }
  if (characters < kPasswordMinCharacters) return "a password needs at least 10 characters";
  return std::nullopt;
}

void AccountStore::Closer::operator()(sqlite3* db) const { sqlite3_close(db); }

AccountStore::AccountStore(const std::filesystem::path& database) : file_(database) {
  start_sodium();
  const auto cannot = [&](const std::string& why) {
    return std::runtime_error("cannot open console accounts " + file_.string() + ": " + why);
  };
  try {
    make_state_directory(file_.parent_path());
  } catch (const std::runtime_error& error) {
    throw cannot(error.what());
  }
  std::error_code ignored;
  const bool creating = !std::filesystem::exists(file_, ignored);
  sqlite3* raw = nullptr;
  const int status =
      sqlite3_open_v2(file_.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  db_.reset(raw);
  if (status != SQLITE_OK) throw cannot(raw ? sqlite3_errmsg(raw) : "out of memory");
  if (creating) {
    // Set before the first write: SQLite gives the -wal and -shm files the database's mode and,
    // when root writes, its owner.
    if (::chmod(file_.c_str(), 0600) != 0) throw cannot(std::strerror(errno));
    // `sudo bangtin user add` before the daemon's first start must leave a file the daemon's
    // user (the state directory's owner) can open.
    struct stat directory {};
    if (::geteuid() == 0 && ::stat(file_.parent_path().c_str(), &directory) == 0 &&
        directory.st_uid != 0 && ::chown(file_.c_str(), directory.st_uid, directory.st_gid) != 0)
      throw cannot(std::strerror(errno));
  }
  sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
  try {
    Database(db_.get(), file_).execute(kSchema);
  } catch (const std::runtime_error& error) {
    throw cannot(error.what());
  }
}

AccountStore::~AccountStore() = default;

void AccountStore::add(std::string_view name, Role role, std::string_view password,
                       const Actor& by) {
  if (const auto problem = account_name_problem(name)) throw std::invalid_argument(*problem);
  const std::string hash = hash_password(password);
  const std::lock_guard lock(mutex_);
  const Database db(db_.get(), file_);
  Transaction transaction(db);
  if (role_of(db, name))
    throw std::invalid_argument("an account named \"" + std::string(name) + "\" already exists");
  const std::string now = utc_now();
  Query(db,
        "INSERT INTO accounts (name, role, password_hash, created_at, password_at) "
        "VALUES (?, ?, ?, ?, ?)",
        name, to_string(role), hash, now, now)
      .run();
  audit_change(db, by, "user.add", name, "", role_text(role));
  transaction.commit();
}

void AccountStore::set_password(std::string_view name, std::string_view password, const Actor& by) {
  const std::string hash = hash_password(password);
  const std::lock_guard lock(mutex_);
  const Database db(db_.get(), file_);
  Transaction transaction(db);
  existing_role(db, name);
  Query(db, "UPDATE accounts SET password_hash = ?, password_at = ? WHERE name = ?", hash,
        utc_now(), name)
      .run();
  audit_change(db, by, "user.passwd", name, "", "");
  transaction.commit();
}

void AccountStore::set_role(std::string_view name, Role role, const Actor& by) {
  const std::lock_guard lock(mutex_);
  const Database db(db_.get(), file_);
  Transaction transaction(db);
  const Role before = existing_role(db, name);
  if (before == role) return;
  if (role != Role::admin) keep_an_admin(db, name, before);
  Query(db, "UPDATE accounts SET role = ? WHERE name = ?", to_string(role), name).run();
  audit_change(db, by, "user.role", name, role_text(before), role_text(role));
  transaction.commit();
}

void AccountStore::remove(std::string_view name, const Actor& by) {
  const std::lock_guard lock(mutex_);
  const Database db(db_.get(), file_);
  Transaction transaction(db);
  const Role before = existing_role(db, name);
  keep_an_admin(db, name, before);
  Query(db, "DELETE FROM tokens WHERE account = ?", name).run();
  Query(db, "DELETE FROM accounts WHERE name = ?", name).run();
  audit_change(db, by, "user.remove", name, role_text(before), "");
  transaction.commit();
}

std::vector<Account> AccountStore::list() const {
  const std::lock_guard lock(mutex_);
  const Database db(db_.get(), file_);
  Query query(db, "SELECT name, role FROM accounts ORDER BY name");
  std::vector<Account> accounts;
  while (query.next())
    accounts.push_back(Account{query.text(0), role_from(query.text(1)).value_or(Role::viewer)});
  return accounts;
}

std::optional<Account> AccountStore::find(std::string_view name) const {
  const std::lock_guard lock(mutex_);
  const auto role = role_of(Database(db_.get(), file_), name);
  if (!role) return std::nullopt;
  return Account{std::string(name), *role};
}

std::optional<Account> AccountStore::check_password(std::string_view name,
                                                    std::string_view password) const {
  // Refused before any look-up: the same for every name, so it tells nothing about them.
  if (password.size() > kPasswordMaxBytes) return std::nullopt;
  const auto normalized = nfc(password);
  if (!normalized) return std::nullopt;
  const Secret text{*normalized};

  std::optional<Account> account;
  std::string hash = kDummyHash;
  if (!account_name_problem(name)) {
    const std::lock_guard lock(mutex_);
    const Database db(db_.get(), file_);
    Query query(db, "SELECT role, password_hash FROM accounts WHERE name = ?", name);
    if (query.next()) {
      account = Account{std::string(name), role_from(query.text(0)).value_or(Role::viewer)};
      hash = query.text(1);
    }
  }
  // The hash is checked with the lock released: a slow login must not hold up the others.
  const HashingSlot slot;
  const bool matches =
      crypto_pwhash_str_verify(hash.c_str(), text.text.data(), text.text.size()) == 0;
  if (!matches) return std::nullopt;
  return account;
}

std::string AccountStore::issue_token(std::string_view name, const Actor& by) {
  unsigned char random[kTokenBytes];
  randombytes_buf(random, sizeof random);
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  char encoded[sodium_base64_ENCODED_LEN(kTokenBytes, kVariant)];
  sodium_bin2base64(encoded, sizeof encoded, random, sizeof random, kVariant);
  sodium_memzero(random, sizeof random);
  std::string token = std::string(kTokenPrefix) + encoded;
  sodium_memzero(encoded, sizeof encoded);

  const std::lock_guard lock(mutex_);
  const Database db(db_.get(), file_);
  Transaction transaction(db);
  existing_role(db, name);
  Query(db, "INSERT INTO tokens (hash, account, created_at) VALUES (?, ?, ?)",
        Blob{token_hash(token)}, name, utc_now())
      .run();
  audit_change(db, by, "user.token", name, "", "");
  transaction.commit();
  return token;
}

std::optional<Account> AccountStore::check_token(std::string_view token) const {
  // Looked up by its hash through the index, not compared byte by byte: how long the B-tree
  // search takes can only tell how many leading bytes of a SHA-256 matched, which brings nobody
  // closer to a token that hashes to it.
  if (token.size() > 256 || !token.starts_with(kTokenPrefix)) return std::nullopt;
  const std::lock_guard lock(mutex_);
  const Database db(db_.get(), file_);
  Query query(db,
              "SELECT accounts.name, accounts.role FROM tokens JOIN accounts "
              "ON accounts.name = tokens.account WHERE tokens.hash = ?",
              Blob{token_hash(token)});
  if (!query.next()) return std::nullopt;
  return Account{query.text(0), role_from(query.text(1)).value_or(Role::viewer)};
}

std::size_t AccountStore::revoke_tokens(std::string_view name, const Actor& by) {
  const std::lock_guard lock(mutex_);
  const Database db(db_.get(), file_);
  Transaction transaction(db);
  existing_role(db, name);
  Query(db, "DELETE FROM tokens WHERE account = ?", name).run();
  const auto revoked = static_cast<std::size_t>(sqlite3_changes(db.get()));
  audit_change(db, by, "user.revoke-tokens", name, std::to_string(revoked) + " token(s)", "");
  transaction.commit();
  return revoked;
}

void AccountStore::record(const AuditEntry& entry) {
  const std::lock_guard lock(mutex_);
  insert_audit(Database(db_.get(), file_), entry);
}

std::vector<AuditEntry> AccountStore::audit(std::size_t limit, std::size_t offset) const {
  const std::lock_guard lock(mutex_);
  const Database db(db_.get(), file_);
  Query query(db,
              "SELECT at, actor, address, action, target, before_text, after_text FROM audit "
              "ORDER BY id DESC LIMIT ? OFFSET ?",
              limit, offset);
  std::vector<AuditEntry> entries;
  while (query.next())
    entries.push_back(AuditEntry{query.text(0), query.text(1), query.text(2), query.text(3),
                                 query.text(4), query.text(5), query.text(6)});
  return entries;
}

std::size_t AccountStore::audit_size() const {
  const std::lock_guard lock(mutex_);
  const Database db(db_.get(), file_);
  Query query(db, "SELECT COUNT(*) FROM audit");
  query.next();
  return static_cast<std::size_t>(query.integer(0));
}

}  // namespace bangtin
