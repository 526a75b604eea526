// Private to the controller: who is signed in to the operator console, and who may try again.
//
// Sessions live in the daemon's memory (a restart of bangtind signs everyone out), each named by
// 256 random bits and carrying its own CSRF token, which every state-changing request must send
// back in a header: a page on another site can make a browser send the cookie, never read the
// token. A session ends after `idle` without a request, or when its account changes.
//
// Failed sign-ins are counted per address and per account, so a guesser is slowed whichever of
// the two it varies: after a few failures each new try waits, twice as long each time up to five
// minutes. An operator who mistypes is never locked out for long; nobody can try a dictionary.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace bangtin {

class ConsoleSessions {
 public:
  using Clock = std::chrono::steady_clock;
  struct Session {
    std::string id;    // the cookie's value
    std::string csrf;  // sent back in the X-CSRF-Token header of every write
    std::string account;
    std::string address;  // where it signed in from
    Clock::time_point last_seen;
  };

  explicit ConsoleSessions(std::chrono::minutes idle = std::chrono::minutes(30),
                           std::size_t most = 10000);

  // A new session; the oldest is dropped when `most` are open.
  const Session& open(std::string_view account, std::string_view address, Clock::time_point now);
  // The session with this id, seen now; nothing when there is none or it idled out.
  const Session* find(std::string_view id, Clock::time_point now);
  void close(std::string_view id);
  // Every session of the account: after its password, its role or the account itself changed.
  void close_all_of(std::string_view account);
  std::size_t size() const { return sessions_.size(); }
  static constexpr long kMostPerAccount = 20;
  std::chrono::minutes idle() const { return idle_; }

 private:
  void drop_idle(Clock::time_point now);

  std::chrono::minutes idle_;
  std::size_t most_;
  std::map<std::string, Session, std::less<>> sessions_;
};

// Whether the two tokens are equal, in a time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b);
// `bytes` random bytes from the system's generator, as lowercase hex.
std::string random_hex(std::size_t bytes);

class SignInThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  // Failures that cost nothing; each one after them doubles the wait, up to `longest`.
  explicit SignInThrottle(int free_failures = 5,
                          std::chrono::seconds longest = std::chrono::minutes(5),
                          std::size_t most_tracked = 10000);

  // How long this address, or this account, must still wait before its next try; zero: now.
  std::chrono::seconds wait_before(std::string_view address, std::string_view account,
                                   Clock::time_point now) const;
  void failed(std::string_view address, std::string_view account, Clock::time_point now);
  // A right password clears the account's count (the address's runs out by itself).
  void succeeded(std::string_view address, std::string_view account);

 private:
  struct Failures {
    int count = 0;
    Clock::time_point last;
  };
  std::chrono::seconds wait_of(const Failures& failures, Clock::time_point now) const;
  void count(std::map<std::string, Failures, std::less<>>& keys, std::string_view key,
             Clock::time_point now);

  int free_failures_;
  std::chrono::seconds longest_;
  std::size_t most_tracked_;
  std::map<std::string, Failures, std::less<>> by_address_;
  std::map<std::string, Failures, std::less<>> by_account_;
};

}  // namespace bangtin
