// An MQTT client for the daemon: libmosquitto on a network thread of its own, which hands what
// happens there (a connection made or lost, a message received) to the daemon's Boost.Asio loop.
// No daemon code runs on that thread, and nothing on the loop waits for the network: not the
// connection, not a name lookup, not a broker that is down.
//
// MQTT 3.1.1 (every broker speaks it; what bangtin needs of MQTT 5 is not yet anything), clean
// sessions unless asked otherwise (the hub). Nothing is queued while the client is offline: the
// daemon publishes its latest state at each connection rather than a backlog of stale ones, and the
// broker sends the retained messages of its subscriptions again.
//
// Why not mosquitto_loop_start(): the thread it runs gives up for good after a TLS error or a
// name that does not resolve (mosquitto_loop_forever returns on them), where a controller must
// keep trying for months; and it reconnects with a blocking connect. This thread drives
// mosquitto_loop() itself and retries after every kind of failure.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bangtin {

// What the broker publishes for the client when its connection ends without a DISCONNECT.
struct MqttWill {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retain = true;
};

struct MqttOptions {
  std::string host;
  int port = 1883;
  bool tls = false;
  std::filesystem::path tls_ca;           // empty: the system's CAs (/etc/ssl/certs)
  std::filesystem::path tls_certificate;  // a client certificate and its key, or neither
  std::filesystem::path tls_key;
  std::string client_id;
  std::string username;  // empty: none sent
  std::string password;
  std::chrono::seconds keepalive{30};  // 5 s at least (libmosquitto refuses less)
  std::optional<MqttWill> will;
  // false: the broker keeps this client's subscriptions, and the QoS 1 messages that arrive for
  // them, while it is away (a hub that restarts must not miss the plays sent meanwhile). It then
  // needs a client id that no other client uses.
  bool clean_session = true;
  // true: a QoS 1 message is acknowledged to the broker only once `events.message` has handled
  // it on the loop (the network thread waits for it meanwhile), so a process killed with
  // messages still queued for its loop gets them again at its next connection (with
  // clean_session false). false: acknowledged as it arrives.
  bool acknowledge_after_handling = false;
  // Between attempts to connect: from `first_retry`, doubling to `longest_retry`, each one made
  // 20 % longer or shorter at random, so that a thousand controllers do not all come back to a
  // restarted broker in the same second. After a connection that was up, from `first_retry`.
  std::chrono::milliseconds first_retry{1000};
  std::chrono::milliseconds longest_retry{60000};
};

// A connection made, or an attempt or a connection that ended.
struct MqttConnectionChange {
  bool connected = false;
  // When not connected, why: libmosquitto's or OpenSSL's words, or the broker's refusal. It may
  // quote what the broker sent (a certificate's name): escape it before logging it.
  std::string reason;
  bool refused = false;        // the broker answered, and refused this client
  bool was_connected = false;  // the connection had been up: it was lost
};

struct MqttMessage {
  // As the broker sent them: hostile input, to be escaped before it reaches a log.
  std::string topic;
  std::string payload;  // bytes, not necessarily text
  bool retained = false;
};

// Called on the loop's thread, never after close().
struct MqttEvents {
  std::function<void(const MqttConnectionChange&)> connection{};
  std::function<void(MqttMessage)> message{};
  // The broker acknowledged the message publish() numbered `message_id` (its PUBACK, for QoS 1;
  // for QoS 0, once it is written). Ids count up and wrap at 65535, and restart with no
  // connection: only a publish made on the loop's thread can be matched to its acknowledgement.
  std::function<void(int message_id)> published{};
  // With acknowledge_after_handling, in place of `message`: false when the message could not be
  // handled (a database that refuses the write). It is then not acknowledged: the connection is
  // cut, and the broker gives it again at the next one (the first retry, after a second).
  std::function<bool(MqttMessage)> handle{};
};

// libmosquitto refused what it was asked to do, with what and why.
class MqttError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MqttClient {
 public:
  // Starts connecting at once, on its network thread. Throws MqttError when libmosquitto refuses
  // the options (a TLS file it cannot read, say).
  MqttClient(boost::asio::io_context& loop, MqttOptions options, MqttEvents events);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Subscribes now when connected, and again at every connection. Any thread.
  void subscribe(std::string pattern, int qos);
  // Hands the message to the network thread; false when the client is not connected (nothing is
  // kept for later). Throws MqttError for a topic or payload MQTT cannot carry. Any thread. When
  // `message_id` is given, it is set to the id MqttEvents::published will report.
  bool publish(std::string_view topic, std::string_view payload, int qos, bool retain,
               int* message_id = nullptr);
  bool connected() const;
  // Waits for the broker to acknowledge what was published before it with QoS 1, then
  // disconnects cleanly (the broker then drops the will) and ends the network thread: within a
  // tenth of a second and a round trip to the broker, 2 s at most, unless a name lookup is under
  // way (the system resolver's timeout). No event is delivered after it. Call it on the loop's
  // thread, or once the loop has stopped.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The password in a password file: its one line, without the line end an editor adds. Throws
// std::runtime_error naming the file when it cannot be read, is empty or holds more than a line.
std::string read_mqtt_password(const std::filesystem::path& file);

}  // namespace bangtin
