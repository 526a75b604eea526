#include "mqtt_client.hpp"

#include <mosquitto.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "bangtin/playlists.hpp"

namespace bangtin {

namespace {

// How long mosquitto_loop() may wait for the socket: a publish wakes it at once (libmosquitto
// writes to a socket pair of its own), a close() within this.
constexpr int kLoopWaitMilliseconds = 100;
// A clean stop waits this long at most for its last packets to be written.
constexpr auto kDisconnectGrace = std::chrono::seconds(2);
// While the socket's buffer is full (a DISCONNECT is two bytes: hardly ever).
constexpr auto kWriteRetry = std::chrono::milliseconds(10);

// Once a process, before any client: OpenSSL's and libmosquitto's tables, never torn down (they
// live as long as the process does).
void initialise_library_once() {
  static const int initialised = [] { return mosquitto_lib_init(); }();
  if (initialised != MOSQ_ERR_SUCCESS)
    throw MqttError(std::string("libmosquitto cannot start: ") + mosquitto_strerror(initialised));
}

std::string refusal_words(int connack_code) {
  switch (connack_code) {
    case 1:
      return "it does not speak MQTT 3.1.1";
    case 2:
      return "it does not accept this client id";
    case 3:
      return "it is unavailable";
    case 4:
      return "bad username or password";
    case 5:
      return "not authorised (check the username and the password file, and that the broker's "
             "ACL lets this site write its status topic)";
    default:
      return "code " + std::to_string(connack_code);
  }
}

void check(int result, const std::string& doing) {
  if (result != MOSQ_ERR_SUCCESS)
    throw MqttError("MQTT: cannot " + doing + ": " + mosquitto_strerror(result));
}

}  // namespace

// What posted handlers share with the client: the events, and whether they may still be called.
struct EventDelivery {
  explicit EventDelivery(MqttEvents events_) : events(std::move(events_)) {}
  const MqttEvents events;
  std::atomic<bool> closed{false};
  // With acknowledge_after_handling: how many messages the loop has handled, which the network
  // thread waits for (or for `closed`).
  std::mutex handled_mutex;
  std::condition_variable handled_changed;
  std::uint64_t handled = 0;  // under handled_mutex
  bool last_refused = false;  // events.handle said no to the last one handled; under handled_mutex
};

struct MqttClient::Impl {
  boost::asio::io_context& loop;
  const MqttOptions options;
  const std::shared_ptr<EventDelivery> delivery;
  mosquitto* handle = nullptr;

  std::mutex stop_mutex;
  std::condition_variable stop_wake;
  bool stop_requested = false;  // under stop_mutex

  std::mutex subscriptions_mutex;
  std::vector<std::pair<std::string, int>> subscriptions;  // under subscriptions_mutex
  std::atomic<bool> connection_up{false};                  // set under subscriptions_mutex

  // What was published with QoS 1 on this connection and not yet acknowledged by the broker. Held
  // across mosquitto_publish(), so that an acknowledgement cannot come before its message is
  // counted.
  std::mutex publish_mutex;
  std::set<int> unacknowledged;  // message ids, under publish_mutex

  // Network thread only: what the attempt under way has heard.
  int refusal = 0;  // the broker's CONNACK code when it refused
  bool attempt_connected = false;
  // libmosquitto's first error message of the attempt. Its log callback may also run on the
  // thread that publishes.
  std::mutex error_mutex;
  std::string library_error;  // under error_mutex
  std::minstd_rand random{std::random_device{}()};
  std::uint64_t messages_handed = 0;  // with acknowledge_after_handling

  std::thread network;

  Impl(boost::asio::io_context& loop_, MqttOptions options_, MqttEvents events)
      : loop(loop_),
        options(std::move(options_)),
        delivery(std::make_shared<EventDelivery>(std::move(events))) {}

  ~Impl() {
    if (handle) mosquitto_destroy(handle);
  }

  void set_up() {
    initialise_library_once();
    handle = mosquitto_new(options.client_id.c_str(), options.clean_session, this);
    if (!handle)
      throw MqttError("MQTT: cannot make a client for id '" + printable(options.client_id) +
                      "': " + std::strerror(errno));
    // Publishes come from the loop's thread while this one drives the socket.
    check(mosquitto_threaded_set(handle, true), "set the client up for threads");
    check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311),
          "choose MQTT 3.1.1");
    if (!options.username.empty())
      check(mosquitto_username_pw_set(handle, options.username.c_str(), options.password.c_str()),
            "set the username and password");
    if (options.will) {
      const MqttWill& will = *options.will;
      check(mosquitto_will_set(handle, will.topic.c_str(), static_cast<int>(will.payload.size()),
                               will.payload.data(), will.qos, will.retain),
            "set the last will on " + printable(will.topic));
    }
    if (options.tls) set_up_tls();
    mosquitto_connect_callback_set(handle, [](mosquitto*, void* self, int code) {
      static_cast<Impl*>(self)->on_connect(code);
    });
    mosquitto_publish_callback_set(handle, [](mosquitto*, void* self, int message_id) {
      auto& impl = *static_cast<Impl*>(self);
      {
        const std::lock_guard lock(impl.publish_mutex);
        impl.unacknowledged.erase(message_id);
      }
      impl.deliver_acknowledgement(message_id);
    });
    mosquitto_message_callback_set(handle,
                                   [](mosquitto*, void* self, const mosquitto_message* message) {
                                     static_cast<Impl*>(self)->on_message(*message);
                                   });
    mosquitto_log_callback_set(handle, [](mosquitto*, void* self, int level, const char* text) {
      if (level != MOSQ_LOG_ERR || !text) return;
      auto& impl = *static_cast<Impl*>(self);
      const std::lock_guard lock(impl.error_mutex);
      if (impl.library_error.empty()) impl.library_error = text;
    });
  }

  void set_up_tls() {
    const auto c_str = [](const std::filesystem::path& path) {
      return path.empty() ? nullptr : path.c_str();
    };
    // Without a CA of its own, the broker's certificate must chain to one the system trusts.
    const char* ca_directory = options.tls_ca.empty() ? "/etc/ssl/certs" : nullptr;
    const int result =
        mosquitto_tls_set(handle, c_str(options.tls_ca), ca_directory,
                          c_str(options.tls_certificate), c_str(options.tls_key), nullptr);
    if (result != MOSQ_ERR_SUCCESS)
      throw MqttError("MQTT: cannot use the TLS files (CA " +
                      (options.tls_ca.empty() ? std::string("the system's")
                                              : printable(options.tls_ca.string())) +
                      (options.tls_certificate.empty()
                           ? std::string()
                           : ", certificate " + printable(options.tls_certificate.string())) +
                      "): " + mosquitto_strerror(result));
    // Verify the broker's certificate and that it names the host connected to.
    check(mosquitto_tls_opts_set(handle, /*SSL_VERIFY_PEER*/ 1, nullptr, nullptr),
          "require the broker's certificate");
  }

  // --- network thread ------------------------------------------------------------------------

  void on_connect(int code) {
    if (code != 0) {
      refusal = code;
      return;
    }
    attempt_connected = true;
    {
      const std::lock_guard lock(subscriptions_mutex);
      connection_up = true;
      for (const auto& [pattern, qos] : subscriptions)
        mosquitto_subscribe(handle, nullptr, pattern.c_str(), qos);
    }
    MqttConnectionChange made;
    made.connected = true;
    deliver(std::move(made));
  }

  void on_message(const mosquitto_message& message) {
    MqttMessage copy{message.topic ? message.topic : "", std::string(), message.retain};
    if (message.payload && message.payloadlen > 0)
      copy.payload.assign(static_cast<const char*>(message.payload),
                          static_cast<std::size_t>(message.payloadlen));
    if (!options.acknowledge_after_handling) {
      boost::asio::post(loop, [delivery = delivery, copy = std::move(copy)]() mutable {
        if (!delivery->closed && delivery->events.message)
          delivery->events.message(std::move(copy));
      });
      return;
    }
    // libmosquitto queues a QoS 1 message's PUBACK as it reads the message and, in a threaded
    // client, writes it only once this callback has returned: waiting here for the loop to have
    // handled it tells the broker only of messages that are handled.
    const std::uint64_t number = ++messages_handed;
    boost::asio::post(loop, [delivery = delivery, copy = std::move(copy), number]() mutable {
      if (delivery->closed) return;
      bool handled = true;
      if (delivery->events.handle) {
        handled = delivery->events.handle(std::move(copy));
      } else if (delivery->events.message) {
        delivery->events.message(std::move(copy));
      }
      {
        const std::lock_guard lock(delivery->handled_mutex);
        delivery->handled = number;
        delivery->last_refused = !handled;
      }
      delivery->handled_changed.notify_all();
    });
    std::unique_lock lock(delivery->handled_mutex);
    delivery->handled_changed.wait(lock,
                                   [&] { return delivery->handled >= number || delivery->closed; });
    if (delivery->handled < number || delivery->last_refused) {
      // close() came before the loop handled it, or the loop could not. The PUBACK must never
      // leave: the connection is cut, unacknowledged, and the broker gives the message to the
      // session's next connection.
      ::shutdown(mosquitto_socket(handle), SHUT_RDWR);
    }
  }

  // Posted after the publish() that got the id has returned on the loop's thread, so the caller
  // has already noted which message the id stands for.
  void deliver_acknowledgement(int message_id) {
    boost::asio::post(loop, [delivery = delivery, message_id] {
      if (!delivery->closed && delivery->events.published) delivery->events.published(message_id);
    });
  }

  void deliver(MqttConnectionChange change) {
    boost::asio::post(loop, [delivery = delivery, change = std::move(change)] {
      if (!delivery->closed && delivery->events.connection) delivery->events.connection(change);
    });
  }

  bool stopping() {
    const std::lock_guard lock(stop_mutex);
    return stop_requested;
  }

  // Drives one connection until it ends; the last result and errno.
  bool awaiting_acknowledgements() {
    const std::lock_guard lock(publish_mutex);
    return !unacknowledged.empty();
  }

  // Drives one connection until it ends; the last result and errno. Asked to stop, it first lets
  // the broker acknowledge what was published (the last status), within the grace.
  std::pair<int, int> drive() {
    std::optional<std::chrono::steady_clock::time_point> stop_deadline;
    while (true) {
      if (stopping()) {
        const auto now = std::chrono::steady_clock::now();
        if (!stop_deadline) stop_deadline = now + kDisconnectGrace;
        if (!awaiting_acknowledgements() || now >= *stop_deadline) {
          say_goodbye(*stop_deadline);
          return {MOSQ_ERR_SUCCESS, 0};
        }
      }
      const int result = mosquitto_loop(handle, kLoopWaitMilliseconds, 1);
      const int error_number = errno;
      if (result != MOSQ_ERR_SUCCESS) return {result, error_number};
    }
  }

  // A DISCONNECT, written before anything more is read: once mosquitto_disconnect() is called,
  // libmosquitto takes any packet that comes in (a PUBACK, a message) for a protocol error and
  // drops the connection without its DISCONNECT, and the broker then publishes the will.
  void say_goodbye(std::chrono::steady_clock::time_point deadline) {
    if (mosquitto_disconnect(handle) != MOSQ_ERR_SUCCESS) return;  // no connection to end
    // Once the DISCONNECT is written, libmosquitto closes the socket.
    while (mosquitto_socket(handle) != -1 && std::chrono::steady_clock::now() < deadline) {
      if (mosquitto_loop_write(handle, 1) != MOSQ_ERR_SUCCESS) return;
      if (mosquitto_socket(handle) != -1) std::this_thread::sleep_for(kWriteRetry);
    }
  }

  std::string reason(int result, int error_number) {
    if (refusal != 0) return "the broker refused the connection: " + refusal_words(refusal);
    // OpenSSL's own words say what was wrong with a certificate; libmosquitto's code only "TLS".
    const std::lock_guard lock(error_mutex);
    if (!library_error.empty()) {
      constexpr std::string_view openssl = "OpenSSL Error[0]: ";
      return library_error.starts_with(openssl) ? "TLS: " + library_error.substr(openssl.size())
                                                : library_error;
    }
    switch (result) {
      case MOSQ_ERR_ERRNO:
        return error_number == EPROTO ? "TLS handshake failed" : std::strerror(error_number);
      case MOSQ_ERR_EAI:
        return "the broker's name cannot be resolved";
      case MOSQ_ERR_KEEPALIVE:
        return "the broker stopped answering within the keep-alive";
      case MOSQ_ERR_CONN_LOST:
        return "the connection was lost";
      case MOSQ_ERR_NO_CONN:
        return "the broker closed the connection";
      default:
        return mosquitto_strerror(result);
    }
  }

  // Waits `delay`, made 20 % longer or shorter at random; false when close() ended the wait.
  bool wait_to_retry(std::chrono::milliseconds delay) {
    std::uniform_real_distribution<double> spread(0.8, 1.2);
    const auto wait = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(
        static_cast<double>(delay.count()) * spread(random)));
    std::unique_lock lock(stop_mutex);
    return !stop_wake.wait_for(lock, wait, [this] { return stop_requested; });
  }

  void run() {
    auto delay = options.first_retry;
    while (!stopping()) {
      refusal = 0;
      attempt_connected = false;
      {
        const std::lock_guard lock(error_mutex);
        library_error.clear();
      }
      // Asynchronous: the TCP connection and the TLS handshake go on in mosquitto_loop, where a
      // stop can end them. Only the name lookup blocks.
      int result = mosquitto_connect_async(handle, options.host.c_str(), options.port,
                                           static_cast<int>(options.keepalive.count()));
      int error_number = errno;
      if (result == MOSQ_ERR_SUCCESS) std::tie(result, error_number) = drive();
      {
        const std::lock_guard lock(subscriptions_mutex);
        connection_up = false;
      }
      {
        // libmosquitto sends them again on the next connection, where they need not hold a stop.
        const std::lock_guard lock(publish_mutex);
        unacknowledged.clear();
      }
      if (stopping()) break;
      if (attempt_connected) delay = options.first_retry;
      deliver(MqttConnectionChange{.connected = false,
                                   .reason = reason(result, error_number),
                                   .refused = refusal != 0,
                                   .was_connected = attempt_connected});
      if (!wait_to_retry(delay)) break;
      if (!attempt_connected) delay = std::min(delay * 2, options.longest_retry);
    }
  }
};

MqttClient::MqttClient(boost::asio::io_context& loop, MqttOptions options, MqttEvents events)
    : impl_(std::make_unique<Impl>(loop, std::move(options), std::move(events))) {
  impl_->set_up();
  impl_->network = std::thread([impl = impl_.get()] { impl->run(); });
}

MqttClient::~MqttClient() { close(); }

void MqttClient::subscribe(std::string pattern, int qos) {
  Impl& impl = *impl_;
  const std::lock_guard lock(impl.subscriptions_mutex);
  if (impl.connection_up) {
    const int result = mosquitto_subscribe(impl.handle, nullptr, pattern.c_str(), qos);
    if (result != MOSQ_ERR_SUCCESS && result != MOSQ_ERR_NO_CONN)
      throw MqttError("MQTT: cannot subscribe to " + printable(pattern) + ": " +
                      mosquitto_strerror(result));
  }
  impl.subscriptions.emplace_back(std::move(pattern), qos);
}

bool MqttClient::publish(std::string_view topic, std::string_view payload, int qos, bool retain,
                         int* message_id) {
  Impl& impl = *impl_;
  if (!impl.connection_up) return false;
  const std::string topic_text(topic);
  int id = 0;
  const std::lock_guard lock(impl.publish_mutex);
  const int result =
      mosquitto_publish(impl.handle, &id, topic_text.c_str(), static_cast<int>(payload.size()),
                        payload.data(), qos, retain);
  if (result == MOSQ_ERR_SUCCESS && qos > 0) impl.unacknowledged.insert(id);
  if (message_id) *message_id = id;
  if (result == MOSQ_ERR_NO_CONN) return false;
  if (result != MOSQ_ERR_SUCCESS)
    throw MqttError("MQTT: cannot publish " + std::to_string(payload.size()) + " bytes on " +
                    printable(topic) + ": " + mosquitto_strerror(result));
  return true;
}

bool MqttClient::connected() const { return impl_->connection_up; }

void MqttClient::close() {
  Impl& impl = *impl_;
  impl.delivery->closed = true;
  {
    // Taken so that a network thread about to wait for a message's handling sees `closed`.
    const std::lock_guard lock(impl.delivery->handled_mutex);
  }
  impl.delivery->handled_changed.notify_all();
  {
    const std::lock_guard lock(impl.stop_mutex);
    impl.stop_requested = true;
  }
  impl.stop_wake.notify_all();
  if (impl.network.joinable()) impl.network.join();
}

// MQTT carries a password of up to 65535 bytes.
constexpr std::uintmax_t kLongestPassword = 65535;

std::string read_mqtt_password(const std::filesystem::path& file) {
  const std::string named = "the password file " + printable(file.string());
  std::error_code error;
  const auto size = std::filesystem::file_size(file, error);
  if (error) throw std::runtime_error("cannot read " + named + ": " + error.message());
  if (size > kLongestPassword + 2) throw std::runtime_error(named + " is too long for a password");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + named + ": " + std::strerror(errno));
  std::string password((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (password.ends_with('\n')) password.pop_back();
  if (password.ends_with('\r')) password.pop_back();
  if (password.empty()) throw std::runtime_error(named + " is empty");
  if (password.find_first_of("\r\n") != std::string::npos)
    throw std::runtime_error(named + " holds more than one line");
  return password;
}

}  // namespace bangtin
