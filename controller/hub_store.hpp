// Private to the controller: bangtin-hub's database (SQLite), what the province knows of its
// fleet. Each site's last status, and every play each site reported, kept by (site, batch) so
// that a batch sent twice (its PUBACK lost on the way) counts once.
//
// Several hubs may share one file (WAL, and a wait of up to kBusyWait for the other's
// transaction): each batch is one transaction that writes its key and its plays together, so a
// crash halfway counts none of it and another hub, or this one again, may store it whole.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bangtin/play_log.hpp"
#include "hub_messages.hpp"

struct sqlite3;

namespace bangtin {

// What the hub last heard of a site.
struct SiteState {
  std::string site;
  bool online = false;
  std::string reason;
  std::string version;
  std::string clock;            // the site's own clock in its last status
  std::int64_t heard_ms = 0;    // Unix time, UTC, by the hub's clock: the last status
  std::int64_t changed_ms = 0;  // when it last went online or offline
};

class HubStore {
 public:
  // How long a write waits for another hub's transaction on the same file before it fails.
  static constexpr std::chrono::milliseconds kBusyWait{10000};

  // read_write opens or creates the database (its folder must exist); read_only (reports) never
  // writes, so it runs beside the hubs. Throws std::runtime_error naming the file.
  enum class Access { read_write, read_only };
  explicit HubStore(const std::filesystem::path& file, Access access = Access::read_write,
                    std::chrono::milliseconds busy_wait = kBusyWait);
  ~HubStore();
  HubStore(const HubStore&) = delete;
  HubStore& operator=(const HubStore&) = delete;

  enum class BatchOutcome { stored, already_had };
  // One transaction. Throws std::runtime_error when the database cannot be written (nothing of
  // the batch is then kept, and it may be tried again).
  BatchOutcome add_batch(const PlaysBatch& batch, std::int64_t received_ms);
  void set_status(const SiteStatus& status, std::int64_t heard_ms);

  // Totals per site's local day, site, display and item, for days first..last ("2026-11-01",
  // inclusive), oldest first.
  std::vector<SiteTotals> totals(const std::string& first_day, const std::string& last_day,
                                 const std::optional<std::string>& site = std::nullopt,
                                 const std::optional<std::string>& display = std::nullopt) const;
  // Every site heard of, by name.
  std::vector<SiteState> sites() const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Closer> db_;
};

// The sites as an operator reads them: site, state, since, last heard, reason, version.
std::string sites_table(const std::vector<SiteState>& sites);

}  // namespace bangtin
