#include "hub_link.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>

#include "bangtin/playlists.hpp"

namespace bangtin {

namespace {

// How much of a refused message the log shows.
constexpr std::size_t kPayloadExcerpt = 60;
// A batch the database would not take is tried again after this long, in order, while the hub
// runs: the broker has been told it arrived, so it is not sent again.
constexpr auto kStoreRetry = std::chrono::seconds(1);

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             SystemClock::now().time_since_epoch())
      .count();
}

}  // namespace

struct HubLink::Impl {
  HubStore& store;
  const LogSink log;
  const std::string broker;
  boost::asio::steady_timer retry;
  std::unique_ptr<MqttClient> client;
  std::string last_failure_logged;
  // Each site's state as this hub last heard it: a change is logged, the same again is not.
  std::map<std::string, bool, std::less<>> online;
  // Batches received but not yet in the database (it refused a write), oldest first.
  std::deque<PlaysBatch> unstored;
  mutable std::mutex counts_mutex;  // counts() may be asked from another thread (tests)
  HubCounts counted;

  Impl(boost::asio::io_context& loop, HubStore& store_, LogSink log_, std::string broker_)
      : store(store_), log(std::move(log_)), broker(std::move(broker_)), retry(loop) {}

  void count(std::uint64_t HubCounts::*which, std::uint64_t by = 1) {
    const std::lock_guard lock(counts_mutex);
    counted.*which += by;
  }

  void on_connection(const MqttConnectionChange& change) {
    if (change.connected) {
      last_failure_logged.clear();
      log("hub: connected to " + broker);
      return;
    }
    const std::string reason = printable(change.reason);
    if (change.was_connected) {
      log("hub: connection to " + broker + " lost: " + reason + "; reconnecting");
      last_failure_logged.clear();
    } else if (reason != last_failure_logged) {
      log("hub: cannot connect to " + broker + ": " + reason + "; trying again");
      last_failure_logged = reason;
    }
  }

  void refuse(const MqttMessage& message, const std::string& why) {
    count(&HubCounts::refused);
    log("hub: refused a message on " + printable(message.topic) + " (" +
        std::to_string(message.payload.size()) + " bytes, begins \"" +
        printable(message.payload.substr(0, kPayloadExcerpt)) + "\"): " + printable(why));
  }

  void on_message(const MqttMessage& message) {
    const auto topic = hub_topic(message.topic);
    if (!topic) return refuse(message, "not a site's status or plays topic");
    if (topic->kind == HubTopicKind::status) {
      // An empty retained message is how a site's status is withdrawn: nothing to keep.
      if (message.payload.empty() && message.retained) return;
      auto status = parse_site_status(topic->site, message.payload);
      if (!status.value) return refuse(message, status.problem);
      try {
        const SiteStatus& said = *status.value;
        store.set_status(said, now_ms());
        count(&HubCounts::statuses);
        const auto [known, first] = online.emplace(said.site, said.online);
        if (first || known->second != said.online) {
          known->second = said.online;
          log("hub: site " + said.site + " is " +
              (said.online ? "online, version " + printable(said.version)
                           : "offline: " + printable(said.reason)));
        }
      } catch (const std::runtime_error& error) {
        // A status is said again every 30 s: the next one is as good.
        log(std::string("hub: status of ") + topic->site + " not stored: " + error.what());
      }
      return;
    }
    auto batch = parse_plays_batch(topic->site, message.payload);
    if (!batch.value) return refuse(message, batch.problem);
    unstored.push_back(std::move(*batch.value));
    if (unstored.size() == 1) store_unstored();
  }

  // Stores the batches in order; on a failure, keeps the rest and tries again later.
  void store_unstored() {
    while (!unstored.empty()) {
      const PlaysBatch& batch = unstored.front();
      const std::string named =
          "site " + batch.site + " batch " + std::to_string(batch.batch) + ": ";
      try {
        if (store.add_batch(batch, now_ms()) == HubStore::BatchOutcome::stored) {
          count(&HubCounts::batches_stored);
          count(&HubCounts::plays_stored, batch.plays.size());
          log("hub: " + named + "stored " + std::to_string(batch.plays.size()) + " play(s)");
        } else {
          count(&HubCounts::batches_again);
          log("hub: " + named + "already stored, ignored");
        }
      } catch (const std::runtime_error& error) {
        log("hub: " + named + "not stored yet (" + std::to_string(unstored.size()) +
            " batch(es) waiting): " + error.what());
        if (!client) return;  // closing: close() says what is lost
        retry.expires_after(kStoreRetry);
        retry.async_wait([this](const boost::system::error_code& cancelled) {
          if (!cancelled) store_unstored();
        });
        return;
      }
      unstored.pop_front();
    }
  }
};

HubLink::HubLink(boost::asio::io_context& loop, MqttOptions options,
                 const std::string& shared_group, HubStore& store, LogSink log)
    : impl_(std::make_unique<Impl>(loop, store, std::move(log),
                                   printable(options.host) + ":" + std::to_string(options.port))) {
  Impl& impl = *impl_;
  // The broker keeps what arrives while the hub is away, and forgets a batch only once it is in
  // the database.
  options.clean_session = false;
  options.acknowledge_after_handling = true;
  impl.client = std::make_unique<MqttClient>(
      loop, std::move(options),
      MqttEvents{[&impl](const MqttConnectionChange& change) { impl.on_connection(change); },
                 [&impl](MqttMessage message) { impl.on_message(message); }});
  // Plays first: a broker handles one client's packets in order, so once a retained status
  // arrives the plays are subscribed too (what a test or a deployment check can wait for).
  impl.client->subscribe(shared_group.empty()
                             ? std::string(kHubPlaysSubscription)
                             : "$share/" + shared_group + "/" + kHubPlaysSubscription,
                         1);
  impl.client->subscribe(kHubStatusSubscription, 1);
}

HubLink::~HubLink() { close(); }

HubCounts HubLink::counts() const {
  const std::lock_guard lock(impl_->counts_mutex);
  return impl_->counted;
}

void HubLink::close() {
  Impl& impl = *impl_;
  if (!impl.client) return;
  impl.client->close();
  impl.client.reset();
  impl.retry.cancel();
  if (!impl.unstored.empty()) impl.store_unstored();
  if (!impl.unstored.empty()) {
    impl.log("hub: " + std::to_string(impl.unstored.size()) +
             " batch(es) could not be stored and are lost to this hub");
  }
}

}  // namespace bangtin
