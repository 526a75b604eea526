// Proof of play on its way to the fleet (controller/FLEET.md, "Plays"): the journal's thread
// adds each ended play to the outbox (fleet_outbox_feed), and FleetPlaysSender publishes the
// outbox's batches on bangtin/v1/<site>/plays and removes each once the broker acknowledges it.
//
// The sender lives on the loop and never touches the disk there: the outbox is read and written
// on a thread of the sender's own, which hands batches to the loop; the loop hands back
// acknowledgements. It keeps a few batches awaiting PUBACK at a time, so a week's backlog leaves
// steadily instead of all at once.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "bangtin/controller.hpp"
#include "bangtin/play_log.hpp"
#include "fleet_outbox.hpp"

namespace bangtin {

class MqttClient;

// The outbox's file in a state directory: beside plays.sqlite3, not in it. The plays database is
// the office's record, read by `bangtin report` and copied about; the outbox is a delivery queue
// that empties as the broker acknowledges. Apart, a damaged outbox cannot take the local report
// down with it, and the plays database keeps the schema older versions wrote.
std::filesystem::path fleet_outbox_file(const std::filesystem::path& state_directory);

// What the journal calls with each ended play (PlayJournal's `ended`): adds it to the outbox
// there and then. While the outbox cannot be opened or written, plays wait in memory (up to
// `plays_kept`; those beyond are counted and said) and go in with the next play that ends.
EndedPlaySink fleet_outbox_feed(const std::filesystem::path& file, const std::string& site,
                                std::chrono::minutes utc_offset, LogSink log,
                                std::size_t plays_kept = 10000);

struct FleetPlaysSetup {
  std::filesystem::path outbox;
  std::string site;
  std::chrono::minutes utc_offset{0};
  FleetOutbox::Limits batches{};
  // Batches published and not yet acknowledged, at most.
  std::size_t batches_in_flight = 4;
  FleetOutbox::WallClock clock = [] { return std::chrono::system_clock::now(); };
};

class FleetPlaysSender {
 public:
  // Opens the outbox on its own thread; a failure there is said in the log and tried again.
  FleetPlaysSender(boost::asio::io_context& loop, MqttClient& client, FleetPlaysSetup setup,
                   LogSink log);
  ~FleetPlaysSender();  // waits for the outbox thread's current step; loop thread
  FleetPlaysSender(const FleetPlaysSender&) = delete;
  FleetPlaysSender& operator=(const FleetPlaysSender&) = delete;

  // The loop thread's calls: from MqttEvents::connection and ::published, and send_due() every
  // second or so, which seals and publishes what is due.
  void connection_changed(bool connected);
  void published(int message_id);
  void send_due();

  struct Counts {
    std::uint64_t batches_published = 0;  // resends included
    std::uint64_t batches_acknowledged = 0;
    std::size_t most_in_flight = 0;  // the most awaiting PUBACK at once
  };
  Counts counts() const { return counts_; }

 private:
  struct Fetched;
  void fetch();
  void take(Fetched fetched);

  boost::asio::io_context& loop_;
  MqttClient& client_;
  const FleetPlaysSetup setup_;
  const LogSink log_;
  const std::string topic_;
  // Loop thread.
  bool connected_ = false;
  std::uint64_t connection_ = 0;           // counts connection changes: a fetch of an older one
  bool fetching_ = false;                  // is for batches that are no longer due
  std::int64_t last_published_ = 0;        // on this connection
  std::map<int, std::int64_t> in_flight_;  // message id -> batch
  std::string last_problem_;               // said once until it changes
  Counts counts_;
  const std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // Outbox thread.
  std::unique_ptr<FleetOutbox> outbox_;
  boost::asio::thread_pool outbox_thread_{1};  // last: its work uses the members above
};

}  // namespace bangtin
