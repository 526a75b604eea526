#include "fleet_link.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>

#include "fleet_messages.hpp"
#include "fleet_plays.hpp"
#include "mqtt_client.hpp"

namespace bangtin {

namespace {

// However still the boards are, the fleet hears from each controller this often: a hub tells a
// quiet controller from a silent one.
constexpr auto kStatusRefresh = std::chrono::seconds(30);

}  // namespace

MqttOptions fleet_mqtt_options(const FleetConfig& fleet, std::string client_id) {
  MqttOptions options;
  options.host = fleet.host;
  options.port = fleet.port;
  options.tls = fleet.tls;
  options.tls_ca = fleet.tls_ca;
  options.tls_certificate = fleet.tls_certificate;
  options.tls_key = fleet.tls_key;
  options.client_id = std::move(client_id);
  options.username = fleet.username;
  if (!fleet.username.empty()) options.password = read_mqtt_password(fleet.password_file);
  options.keepalive = fleet.keepalive;
  return options;
}

struct FleetLink::Impl {
  const FleetConfig fleet;
  const std::function<DaemonStatus()> status;
  const LogSink log;
  const FleetLink::ContentReceived content;
  const std::string status_topic;
  std::unique_ptr<MqttClient> client;
  std::unique_ptr<FleetPlaysSender> plays;  // after the client, so it goes first
  std::optional<FleetStatus> last_published;
  std::chrono::steady_clock::time_point last_published_at;
  // The last reason a connection could not be made, logged once until it changes or a
  // connection is made: a broker down for a week is not a week of log lines.
  std::string last_failure_logged;
  bool stopped = false;

  Impl(const FleetConfig& fleet_, std::function<DaemonStatus()> status_, LogSink log_,
       FleetLink::ContentReceived content_)
      : fleet(fleet_),
        status(std::move(status_)),
        log(std::move(log_)),
        content(std::move(content_)),
        status_topic(fleet_status_topic(fleet.site)) {}

  MqttOptions options() const {
    MqttOptions options = fleet_mqtt_options(fleet, "bangtin-" + fleet.site);
    options.will = MqttWill{status_topic, last_will_payload(fleet.site), 1, true};
    return options;
  }

  // Retained, QoS 1: a hub that subscribes later still gets it, and it is not lost on the way.
  void publish_status(bool even_if_unchanged) {
    if (stopped || !client->connected()) return;
    FleetStatus now = fleet_status(fleet.site, status());
    const bool due = std::chrono::steady_clock::now() - last_published_at >= kStatusRefresh;
    if (!even_if_unchanged && !due && last_published &&
        !differs_beyond_the_moment(*last_published, now))
      return;
    try {
      if (!client->publish(status_topic, online_payload(now), 1, true)) return;
    } catch (const MqttError& error) {
      log.warning(std::string("fleet: status not published: ") + error.what());
      return;
    }
    last_published = std::move(now);
    last_published_at = std::chrono::steady_clock::now();
  }

  void on_connection(const MqttConnectionChange& change) {
    if (plays) plays->connection_changed(change.connected);
    if (change.connected) {
      last_failure_logged.clear();
      log("fleet: connected to " + printable(fleet.broker) + " as site " + fleet.site +
          "; status on " + status_topic);
      publish_status(/*even_if_unchanged=*/true);
      return;
    }
    const std::string reason = printable(change.reason);
    if (change.was_connected) {
      log.warning("fleet: connection to " + printable(fleet.broker) + " lost: " + reason +
                  "; reconnecting, the boards play on");
      last_failure_logged.clear();
    } else if (reason != last_failure_logged) {
      log.warning("fleet: cannot connect to " + printable(fleet.broker) + ": " + reason +
                  "; trying again, the boards play on");
      last_failure_logged = reason;
    }
  }

  void on_message(MqttMessage message) {
    if (content) content(std::move(message.topic), std::move(message.payload));
  }
};

FleetLink::FleetLink(boost::asio::io_context& loop, const FleetConfig& fleet,
                     std::function<DaemonStatus()> status, LogSink log, ContentReceived content,
                     const std::filesystem::path& plays_outbox, std::chrono::minutes utc_offset)
    : impl_(std::make_unique<Impl>(fleet, std::move(status), std::move(log), std::move(content))) {
  Impl& impl = *impl_;
  // The client's events come through the loop, to this object, which outlives the client.
  impl.client = std::make_unique<MqttClient>(
      loop, impl.options(),
      MqttEvents{[&impl](const MqttConnectionChange& change) { impl.on_connection(change); },
                 [&impl](MqttMessage message) { impl.on_message(std::move(message)); },
                 [&impl](int message_id) {
                   if (impl.plays) impl.plays->published(message_id);
                 }});
  if (!plays_outbox.empty()) {
    impl.plays = std::make_unique<FleetPlaysSender>(
        loop, *impl.client,
        FleetPlaysSetup{.outbox = plays_outbox, .site = fleet.site, .utc_offset = utc_offset},
        impl.log);
  }
  for (const std::string& pattern : fleet_subscriptions(fleet)) impl.client->subscribe(pattern, 1);
  impl.log("fleet: joining through " + printable(fleet.broker) + " as site " + fleet.site +
           (fleet.trust.empty() ? "" : "; trust key " + printable(fleet.trust.string())));
}

FleetLink::~FleetLink() { stop(); }

void FleetLink::status_tick() {
  impl_->publish_status(/*even_if_unchanged=*/false);
  if (impl_->plays) impl_->plays->send_due();
}

void FleetLink::stop() {
  Impl& impl = *impl_;
  if (impl.stopped) return;
  try {
    if (impl.client->connected()) {
      impl.client->publish(impl.status_topic,
                           stopped_payload(fleet_status(impl.fleet.site, impl.status())), 1, true);
    }
  } catch (const MqttError& error) {
    impl.log.warning(std::string("fleet: offline status not published: ") + error.what());
  }
  impl.stopped = true;
  impl.client->close();
}

}  // namespace bangtin
