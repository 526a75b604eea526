#include "fleet_plays.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <utility>
#include <vector>

#include "fleet_messages.hpp"
#include "mqtt_client.hpp"

namespace bangtin {

std::filesystem::path fleet_outbox_file(const std::filesystem::path& state_directory) {
  return state_directory / "fleet-outbox.sqlite3";
}

namespace {

OutboxPlay outbox_play(const EndedPlay& play) {
  return OutboxPlay{play.start.display,
                    play.start.playlist,
                    play.start.item,
                    play.start.text,
                    play.start.started,
                    play.ended,
                    play.outcome == PlayOutcome::interrupted};
}

// The journal thread's end of the outbox.
class OutboxFeed {
 public:
  OutboxFeed(std::filesystem::path file, std::string site, std::chrono::minutes utc_offset,
             LogSink log, std::size_t plays_kept)
      : file_(std::move(file)),
        site_(std::move(site)),
        utc_offset_(utc_offset),
        log_(std::move(log)),
        plays_kept_(plays_kept) {}

  void take(const EndedPlay& play) noexcept {
    try {
      keep(outbox_play(play));
      if (!outbox_) {
        outbox_ = std::make_unique<FleetOutbox>(file_, site_, utc_offset_,
                                                [] { return std::chrono::system_clock::now(); });
      }
      outbox_->add(waiting_);
      if (!problem_.empty()) {
        log_("fleet: the outbox takes plays again; " + std::to_string(waiting_.size()) +
             " kept in memory went in" +
             (lost_ ? ", " + std::to_string(lost_) + " were lost (more than memory keeps)" : ""));
      }
      waiting_.clear();
      problem_.clear();
      lost_ = 0;
    } catch (const std::exception& error) {
      outbox_.reset();
      if (error.what() != problem_) {
        log_.error(
            std::string("fleet: plays not put in the outbox: ") + error.what() + "; up to " +
            std::to_string(plays_kept_) +
            " wait in memory and go in once it can be written (the local report has them all)");
      }
      problem_ = error.what();
    } catch (...) {
      // Memory ran out: nothing more can be kept, and the journal must go on.
    }
  }

 private:
  void keep(OutboxPlay play) {
    if (waiting_.size() < plays_kept_) {
      waiting_.push_back(std::move(play));
    } else {
      ++lost_;
    }
  }

  const std::filesystem::path file_;
  const std::string site_;
  const std::chrono::minutes utc_offset_;
  const LogSink log_;
  const std::size_t plays_kept_;
  std::unique_ptr<FleetOutbox> outbox_;
  std::vector<OutboxPlay> waiting_;  // not yet in the outbox
  std::uint64_t lost_ = 0;
  std::string problem_;  // why the outbox cannot be written, said once until it changes
};

}  // namespace

EndedPlaySink fleet_outbox_feed(const std::filesystem::path& file, const std::string& site,
                                std::chrono::minutes utc_offset, LogSink log,
                                std::size_t plays_kept) {
  auto feed = std::make_shared<OutboxFeed>(file, site, utc_offset, std::move(log), plays_kept);
  return [feed](const EndedPlay& play) { feed->take(play); };
}

struct FleetPlaysSender::Fetched {
  std::uint64_t connection = 0;
  std::vector<OutboxBatch> batches;
  std::vector<std::string> problems;  // damaged rows the outbox removed
  std::string failure;                // why the outbox could not be read; empty when it was
};

FleetPlaysSender::FleetPlaysSender(boost::asio::io_context& loop, MqttClient& client,
                                   FleetPlaysSetup setup, LogSink log)
    : loop_(loop),
      client_(client),
      setup_(std::move(setup)),
      log_(std::move(log)),
      topic_(fleet_plays_topic(setup_.site)) {}

FleetPlaysSender::~FleetPlaysSender() {
  *alive_ = false;
  outbox_thread_.join();
}

void FleetPlaysSender::connection_changed(bool connected) {
  // What was in flight is unacknowledged for good: a clean session forgets it. It is still in the
  // outbox, and goes again from the oldest on the next connection.
  ++connection_;
  connected_ = connected;
  in_flight_.clear();
  last_published_ = 0;
  fetch();
}

void FleetPlaysSender::published(int message_id) {
  const auto found = in_flight_.find(message_id);
  if (found == in_flight_.end()) return;  // the status, or a batch of an earlier connection
  const std::int64_t batch = found->second;
  in_flight_.erase(found);
  ++counts_.batches_acknowledged;
  boost::asio::post(outbox_thread_, [this, batch] {
    // An outbox that fails here still has the batch: it goes again after a reconnection, and
    // the hub counts it once.
    try {
      if (outbox_) outbox_->acknowledged(batch);
    } catch (const std::exception&) {
      outbox_.reset();
    }
  });
  fetch();
}

void FleetPlaysSender::send_due() { fetch(); }

void FleetPlaysSender::fetch() {
  if (!connected_ || fetching_ || in_flight_.size() >= setup_.batches_in_flight) return;
  fetching_ = true;
  boost::asio::post(outbox_thread_, [this, alive = alive_, connection = connection_,
                                     wanted = setup_.batches_in_flight - in_flight_.size(),
                                     after = last_published_] {
    Fetched fetched;
    fetched.connection = connection;
    try {
      if (!outbox_) {
        outbox_ = std::make_unique<FleetOutbox>(setup_.outbox, setup_.site, setup_.utc_offset,
                                                setup_.clock, setup_.batches);
      }
      fetched.batches = outbox_->next_batches(wanted, after);
      fetched.problems = outbox_->take_problems();
    } catch (const std::exception& error) {
      if (outbox_) fetched.problems = outbox_->take_problems();
      outbox_.reset();
      fetched.failure = error.what();
    }
    boost::asio::post(loop_, [this, alive, fetched = std::move(fetched)]() mutable {
      if (*alive) take(std::move(fetched));
    });
  });
}

void FleetPlaysSender::take(Fetched fetched) {
  fetching_ = false;
  for (const std::string& problem : fetched.problems) log_.warning("fleet: " + problem);
  if (!fetched.failure.empty()) {
    if (fetched.failure != last_problem_)
      log_.warning("fleet: plays not sent: " + fetched.failure +
                   "; tried again every second, the boards play on");
    last_problem_ = fetched.failure;
    return;
  }
  if (!last_problem_.empty()) log_("fleet: the outbox can be read again; plays are sent");
  last_problem_.clear();
  if (fetched.connection != connection_) {
    fetch();  // fetched for a connection that ended: the new one starts from the oldest
    return;
  }
  for (OutboxBatch& batch : fetched.batches) {
    int message_id = 0;
    try {
      if (!client_.publish(topic_, batch.payload, 1, false, &message_id)) return;
    } catch (const MqttError& error) {
      log_(std::string("fleet: batch ") + std::to_string(batch.number) +
           " not published: " + error.what());
      return;
    }
    in_flight_[message_id] = batch.number;
    last_published_ = batch.number;
    ++counts_.batches_published;
    counts_.most_in_flight = std::max(counts_.most_in_flight, in_flight_.size());
  }
}

}  // namespace bangtin
