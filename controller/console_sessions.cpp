#include "console_sessions.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace bangtin {

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
    throw std::runtime_error("the system's random generator failed");
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * bytes);
  for (const unsigned char byte : random) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0xF];
  }
  return text;
}

ConsoleSessions::ConsoleSessions(std::chrono::minutes idle, std::size_t most)
    : idle_(idle), most_(std::max<std::size_t>(1, most)) {}

const ConsoleSessions::Session& ConsoleSessions::open(std::string_view account,
                                                      std::string_view address,
                                                      Clock::time_point now) {
  drop_idle(now);
  // One account opening session after session must not sign everyone else out: past a few of
  // its own, its oldest goes.
  const auto own = [&](const auto& entry) { return entry.second.account == account; };
  while (std::count_if(sessions_.begin(), sessions_.end(), own) >= kMostPerAccount) {
    auto oldest = sessions_.end();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
      if (own(*it) &&
          (oldest == sessions_.end() || it->second.last_seen < oldest->second.last_seen))
        oldest = it;
    sessions_.erase(oldest);
  }
  while (sessions_.size() >= most_) {
    sessions_.erase(std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.last_seen < b.second.last_seen;
    }));
  }
  Session session{random_hex(32), random_hex(32), std::string(account), std::string(address), now};
  const std::string id = session.id;
  return sessions_.emplace(id, std::move(session)).first->second;
}

const ConsoleSessions::Session* ConsoleSessions::find(std::string_view id, Clock::time_point now) {
  const auto found = sessions_.find(id);
  if (found == sessions_.end()) return nullptr;
  if (now - found->second.last_seen > idle_) {
    sessions_.erase(found);
    return nullptr;
  }
  found->second.last_seen = std::max(found->second.last_seen, now);
  return &found->second;
}

void ConsoleSessions::close(std::string_view id) {
  if (const auto found = sessions_.find(id); found != sessions_.end()) sessions_.erase(found);
}

void ConsoleSessions::close_all_of(std::string_view account) {
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.account == account; });
}

void ConsoleSessions::drop_idle(Clock::time_point now) {
  std::erase_if(sessions_, [&](const auto& entry) { return now - entry.second.last_seen > idle_; });
}

SignInThrottle::SignInThrottle(int free_failures, std::chrono::seconds longest,
                               std::size_t most_tracked)
    : free_failures_(free_failures),
      longest_(longest),
      most_tracked_(std::max<std::size_t>(1, most_tracked)) {}

std::chrono::seconds SignInThrottle::wait_of(const Failures& failures,
                                             Clock::time_point now) const {
  if (failures.count < free_failures_) return std::chrono::seconds(0);
  const int doublings = std::min(failures.count - free_failures_, 20);
  const auto wait =
      std::min<std::chrono::seconds>(std::chrono::seconds(1) * (1 << doublings), longest_);
  const auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - failures.last);
  return wait > waited ? wait - waited : std::chrono::seconds(0);
}

std::chrono::seconds SignInThrottle::wait_before(std::string_view address, std::string_view account,
                                                 Clock::time_point now) const {
  std::chrono::seconds wait{0};
  if (const auto found = by_address_.find(address); found != by_address_.end())
    wait = std::max(wait, wait_of(found->second, now));
  if (const auto found = by_account_.find(account); found != by_account_.end())
    wait = std::max(wait, wait_of(found->second, now));
  return wait;
}

void SignInThrottle::count(std::map<std::string, Failures, std::less<>>& keys, std::string_view key,
                           Clock::time_point now) {
  // Counts older than the longest wait have served their purpose: a fresh start.
  std::erase_if(keys, [&](const auto& entry) { return now - entry.second.last > 3 * longest_; });
  auto found = keys.find(key);
  if (found == keys.end()) {
    // A flood of addresses (IPv6 makes them cheap) must not grow the memory without bound, nor
    // push out a count whose wait still runs (the one of an account under attack).
    if (keys.size() >= most_tracked_) {
      auto oldest = keys.end();
      for (auto it = keys.begin(); it != keys.end(); ++it)
        if (wait_of(it->second, now).count() == 0 &&
            (oldest == keys.end() || it->second.last < oldest->second.last))
          oldest = it;
      if (oldest == keys.end()) return;  // every count still matters; this one goes untracked
      keys.erase(oldest);
    }
    found = keys.emplace(std::string(key), Failures{}).first;
  }
  ++found->second.count;
  found->second.last = now;
}

void SignInThrottle::failed(std::string_view address, std::string_view account,
                            Clock::time_point now) {
  count(by_address_, address, now);
  count(by_account_, account, now);
}

void SignInThrottle::succeeded(std::string_view /*address*/, std::string_view account) {
  // The address's count stays: an account of one's own must not wipe the record of guesses
  // made from the same place at other accounts.
  if (const auto found = by_account_.find(account); found != by_account_.end())
    by_account_.erase(found);
}

}  // namespace bangtin
