// The fleet's outbox: proof of play waiting to leave for the hub (controller/FLEET.md, "Plays").
//
// Plays that ended are added; they are sealed into numbered batches, each kept as the exact
// bytes it is published with, and a batch stays until the broker has acknowledged it. So a batch
// sent twice (its PUBACK lost with the connection) is byte for byte the same, and the hub counts
// it once by (site, batch). Numbers rise by one per batch and survive restarts: they are stored.
//
// A plain class on one SQLite file, without threads or a network: the daemon uses it from its
// threads (never its loop), a simulation of many sites uses it as it is. Not for use from two
// threads at once; two instances on the same file (one adding, one sending) are fine.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace bangtin {

struct OutboxPlay {
  std::string display;
  std::string playlist;
  std::string item;
  std::string shown;  // the text as it was on the board
  std::chrono::system_clock::time_point started;
  std::chrono::system_clock::time_point ended;
  bool ended_early = false;  // interrupted: cut short, not shown to its end
};

// A sealed batch: its number, how many plays it carries, and the payload as published.
struct OutboxBatch {
  std::int64_t number = 0;
  std::size_t plays = 0;
  std::string payload;
};

struct OutboxCounts {
  std::size_t plays_unsealed = 0;  // added, not yet in a batch
  std::size_t batches = 0;         // sealed, not yet acknowledged
  std::size_t plays_in_batches = 0;
};

class FleetOutbox {
 public:
  struct Limits {
    // A batch is sealed when it holds this many plays, or when the next play would take its
    // payload past `bytes_per_batch` (a play alone larger than that goes alone).
    std::size_t plays_per_batch = 500;
    std::size_t bytes_per_batch = 256 * 1024;
    // A batch that is not full is sealed only when this long has passed since the last one was:
    // a quiet site's play leaves at once, a busy site's plays leave together.
    std::chrono::seconds gather{30};
  };
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  // Opens or creates `file` (its directory must exist), bringing an older schema up to date.
  // Throws std::runtime_error naming the file when it cannot: not a database, damaged, made by a
  // newer bangtin, not writable. Times in payloads are ISO 8601 with `utc_offset`.
  FleetOutbox(const std::filesystem::path& file, std::string site, std::chrono::minutes utc_offset,
              WallClock clock, Limits limits);
  FleetOutbox(const std::filesystem::path& file, std::string site, std::chrono::minutes utc_offset,
              WallClock clock)
      : FleetOutbox(file, std::move(site), utc_offset, std::move(clock), Limits{}) {}
  ~FleetOutbox();
  FleetOutbox(const FleetOutbox&) = delete;
  FleetOutbox& operator=(const FleetOutbox&) = delete;

  // All of them or none (one transaction). Throws std::runtime_error when the file cannot be
  // written.
  void add(const std::vector<OutboxPlay>& plays);
  // The oldest sealed batches numbered above `after`, at most `at_most`, sealing new ones from
  // the plays added as the limits allow. Unacknowledged batches come again on every call with a
  // lower `after`: the sender passes the last number it published on this connection, 0 after
  // connecting. Rows it cannot read (a damaged or hand-edited file) are removed and said by
  // take_problems().
  std::vector<OutboxBatch> next_batches(std::size_t at_most, std::int64_t after);
  // The broker acknowledged the batch: it is removed. Again for the same batch does nothing.
  void acknowledged(std::int64_t batch);
  OutboxCounts counts() const;
  // What was found damaged since the last call, in words for the log.
  std::vector<std::string> take_problems();

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  // Seals the next batch from the unsealed plays, inside next_batches()'s transaction.
  std::optional<OutboxBatch> seal(bool may_be_partial);
  std::string what() const;

  std::filesystem::path file_;
  std::string site_;
  std::chrono::minutes utc_offset_;
  WallClock clock_;
  Limits limits_;
  std::unique_ptr<sqlite3, Closer> db_;
  std::chrono::system_clock::time_point last_sealed_{};  // by this instance; none yet: the epoch
  bool sealed_any_ = false;
  std::vector<std::string> problems_;
};

}  // namespace bangtin
