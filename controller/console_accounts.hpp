// Private to the controller: who may use the operator console, and what each of them changed.
//
// One SQLite file, STATE/console.sqlite3, opened by the daemon (the console's server) and by
// `bangtin user` at the same time: WAL, a busy timeout, and every change in one transaction with
// its audit entry, so no account changes without a line in the audit saying who did it.
//
// Passwords are kept as Argon2id strings (libsodium), API tokens as their SHA-256: neither the
// file nor the log holds anything a person could sign in with. The file is 0600: the operators
// who read proof of play (the state directory's group) have no business with password hashes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace bangtin {

// viewer: reads everything; editor: also playlists and notices; admin: also users and config.
enum class Role { viewer, editor, admin };
std::string_view to_string(Role role);
std::optional<Role> role_from(std::string_view text);  // "viewer", "editor", "admin"

struct Account {
  std::string name;
  Role role = Role::viewer;
  bool operator==(const Account&) const = default;
};

// Who makes a change and from where: the console's signed-in user and the client's address, or
// the Unix user and "local" for `bangtin user`.
struct Actor {
  std::string name;
  std::string address;
};

struct AuditEntry {
  std::string at;  // UTC, ISO 8601 ("2026-11-24T01:00:00Z"); filled in by record() when empty
  std::string actor;
  std::string address;
  std::string action;  // e.g. "user.add", "playlist.save"
  std::string target;  // what was changed: an account's or a playlist's name
  std::string before;  // what it was (a playlist's text; never a password or a token)
  std::string after;
};

// The rules, for the console's forms to say before they send. Names: 1-32 of [a-z0-9._-],
// starting with a letter or digit (they end up in logs, URLs and the audit). Passwords: 10
// characters at least, 1024 bytes at most, UTF-8 without control characters. Each returns why
// the text is refused, or nothing when it is accepted.
std::optional<std::string> account_name_problem(std::string_view name);
std::optional<std::string> password_problem(std::string_view password);

// All members may be called from several threads at once. Changes refused for a reason the user
// can mend (a bad name or password, a name taken or unknown, removing the last admin) throw
// std::invalid_argument with a message to show as it is; database failures throw
// std::runtime_error naming the file.
class AccountStore {
 public:
  // Creates the file (and the state directory) and its tables when missing.
  explicit AccountStore(const std::filesystem::path& database);
  ~AccountStore();
  AccountStore(const AccountStore&) = delete;
  AccountStore& operator=(const AccountStore&) = delete;

  const std::filesystem::path& file() const { return file_; }

  // Each change is written with its audit entry (action "user.add", "user.passwd", "user.role",
  // "user.remove", "user.token", "user.revoke-tokens"; target the account), or not at all.
  // Password changes hash with Argon2id, as slow as check_password.
  void add(std::string_view name, Role role, std::string_view password, const Actor& by);
  void set_password(std::string_view name, std::string_view password, const Actor& by);
  // Refused when it would leave accounts but no admin among them: the console could then no
  // longer manage users (`bangtin user role` mends it from the shell, as it always can).
  void set_role(std::string_view name, Role role, const Actor& by);
  // Its tokens go with it; its audit entries stay. Refused for the last admin, as set_role.
  void remove(std::string_view name, const Actor& by);
  std::vector<Account> list() const;  // by name
  // The account as it is now: a session signed in before a role change or a removal is
  // checked against this on each request.
  std::optional<Account> find(std::string_view name) const;

  // Argon2id verification, slow on purpose (~0.1 s and 64 MiB here): the server calls it off its
  // event loop. An unknown name takes as long as a wrong password, so names cannot be probed by
  // timing; at most two verifications run at once in a process (64 MiB each, and the daemon's
  // unit caps its memory), others wait their turn. Passwords are compared in Unicode NFC, so a
  // Vietnamese password typed with precomposed or combining accents is the same password.
  std::optional<Account> check_password(std::string_view name, std::string_view password) const;

  // A new API token for the account's scripts: "bt_" and 43 characters of base64url (32 random
  // bytes). Shown once: only its SHA-256 is kept. Throws std::invalid_argument for an unknown name.
  std::string issue_token(std::string_view name, const Actor& by);
  // Fast (an indexed look-up of the token's hash): the account it belongs to, now.
  std::optional<Account> check_token(std::string_view token) const;
  // Returns how many tokens went.
  std::size_t revoke_tokens(std::string_view name, const Actor& by);

  // The console's own changes (playlists, notices, config). `at` is filled in when empty.
  void record(const AuditEntry& entry);
  // Newest first, `limit` entries after skipping the `offset` newest.
  std::vector<AuditEntry> audit(std::size_t limit, std::size_t offset = 0) const;
  std::size_t audit_size() const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::filesystem::path file_;
  mutable std::mutex mutex_;  // one connection, used by one thread at a time
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace bangtin
