#include "hub_link.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>

#include "bangtin/playlists.hpp"

namespace bangtin {

namespace {

// How much of a refused message the log shows.
constexpr std::size_t kPayloadExcerpt = 60;
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
  std::unique_ptr<MqttClient> client;
  std::string last_failure_logged;
  // Why the database last refused a batch, logged once until it changes or a batch is stored; and
  // whether the connection was cut for it (its loss and the next connection are not news).
  std::string last_store_failure;
  bool cut_for_the_database = false;
  // Each site's state as this hub last heard it: a change is logged, the same again is not.
  std::map<std::string, bool, std::less<>> online;
  mutable std::mutex counts_mutex;  // counts() may be asked from another thread (tests)
  HubCounts counted;

  Impl(HubStore& store_, LogSink log_, std::string broker_)
      : store(store_), log(std::move(log_)), broker(std::move(broker_)) {}

  void count(std::uint64_t HubCounts::*which, std::uint64_t by = 1) {
    const std::lock_guard lock(counts_mutex);
    counted.*which += by;
  }

  void on_connection(const MqttConnectionChange& change) {
    // The loss of a connection the hub cut itself, and the connection right after it, are not
    // news; a broker that cannot be reached then is.
    if (cut_for_the_database && (change.connected || change.was_connected)) {
      if (change.connected) cut_for_the_database = false;
      return;
    }
    cut_for_the_database = false;
    if (change.connected) {
      last_failure_logged.clear();
      log("hub: connected to " + broker);
      return;
    }
    const std::string reason = printable(change.reason);
    if (change.was_connected) {
      log.warning("hub: connection to " + broker + " lost: " + reason + "; reconnecting");
      last_failure_logged.clear();
    } else if (reason != last_failure_logged) {
      log.warning("hub: cannot connect to " + broker + ": " + reason + "; trying again");
      last_failure_logged = reason;
    }
  }

  void refuse(const MqttMessage& message, const std::string& why) {
    count(&HubCounts::refused);
    log.warning("hub: refused a message on " + printable(message.topic) + " (" +
                std::to_string(message.payload.size()) + " bytes, begins \"" +
                printable(message.payload.substr(0, kPayloadExcerpt)) + "\"): " + printable(why));
  }

  // False only when the database would not take a batch: the broker then keeps it.
  bool on_message(const MqttMessage& message) {
    const auto topic = hub_topic(message.topic);
    if (!topic) {
      refuse(message, "not a site's status or plays topic");
      return true;
    }
    if (topic->kind == HubTopicKind::status) {
      on_status(topic->site, message);
      return true;
    }
    auto batch = parse_plays_batch(topic->site, message.payload);
    if (!batch.value) {
      refuse(message, batch.problem);
      return true;
    }
    return store_batch(*batch.value);
  }

  void on_status(const std::string& site, const MqttMessage& message) {
    // An empty retained message is how a site's status is withdrawn: nothing to keep.
    if (message.payload.empty() && message.retained) return;
    auto status = parse_site_status(site, message.payload);
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
      log.error("hub: status of " + site + " not stored: " + error.what());
    }
  }

  bool store_batch(const PlaysBatch& batch) {
    const std::string named = "site " + batch.site + " batch " + std::to_string(batch.batch) + ": ";
    try {
      if (store.add_batch(batch, now_ms()) == HubStore::BatchOutcome::stored) {
        count(&HubCounts::batches_stored);
        count(&HubCounts::plays_stored, batch.plays.size());
        log("hub: " + named + "stored " + std::to_string(batch.plays.size()) + " play(s)");
      } else {
        count(&HubCounts::batches_again);
        log("hub: " + named + "already stored, ignored");
      }
      last_store_failure.clear();
      return true;
    } catch (const std::runtime_error& error) {
      if (error.what() != last_store_failure) {
        log.error("hub: " + named + "not stored: " + error.what() +
                  "; not acknowledged, the broker keeps it and sends it again");
        last_store_failure = error.what();
      }
      cut_for_the_database = true;
      return false;
    }
  }
};

HubLink::HubLink(boost::asio::io_context& loop, MqttOptions options,
                 const std::string& shared_group, HubStore& store, LogSink log)
    : impl_(std::make_unique<Impl>(store, std::move(log),
                                   printable(options.host) + ":" + std::to_string(options.port))) {
  Impl& impl = *impl_;
  // The broker keeps what arrives while the hub is away, and forgets a batch only once it is in
  // the database.
  options.clean_session = false;
  options.acknowledge_after_handling = true;
  impl.client = std::make_unique<MqttClient>(
      loop, std::move(options),
      MqttEvents{
          .connection = [&impl](const MqttConnectionChange& change) { impl.on_connection(change); },
          .handle = [&impl](MqttMessage message) { return impl.on_message(message); }});
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
  if (impl_->client) impl_->client->close();
}

}  // namespace bangtin
