// The other end of the broker, for tests: a plain libmosquitto client (its own loop thread, as
// the library's examples run it) that stands in for the province's hub, subscribing and
// publishing with an account of its own. Independent of bangtind's MQTT code, which it checks.
#pragma once

#include <mosquitto.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace bangtin::testing {

struct ReceivedMessage {
  std::string topic;
  std::string payload;
  bool retained = false;
  std::chrono::steady_clock::time_point at;  // when this client got it
};

class MqttListener {
 public:
  // Connects, subscribes to `patterns` and returns once the broker has acknowledged them (5 s at
  // most; throws otherwise). With a `session` (a client id), the session is kept: a persistent
  // broker queues what comes for it while it is away, and it reconnects by itself.
  MqttListener(int port, const std::string& username, const std::string& password,
               const std::vector<std::string>& patterns = {}, const std::string& session = "") {
    mosquitto_lib_init();
    handle_ = mosquitto_new(session.empty() ? nullptr : session.c_str(), session.empty(), this);
    mosquitto_username_pw_set(handle_, username.c_str(), password.c_str());
    mosquitto_connect_callback_set(handle_, [](mosquitto*, void* self, int code) {
      static_cast<MqttListener*>(self)->note([&](MqttListener& me) { me.connack_ = code; });
    });
    mosquitto_subscribe_callback_set(handle_, [](mosquitto*, void* self, int mid, int, const int*) {
      static_cast<MqttListener*>(self)->note(
          [&](MqttListener& me) { me.acknowledged_.insert(mid); });
    });
    mosquitto_publish_callback_set(handle_, [](mosquitto*, void* self, int mid) {
      static_cast<MqttListener*>(self)->note(
          [&](MqttListener& me) { me.acknowledged_.insert(mid); });
    });
    mosquitto_message_callback_set(
        handle_, [](mosquitto*, void* self, const mosquitto_message* message) {
          ReceivedMessage received{message->topic,
                                   message->payload
                                       ? std::string(static_cast<const char*>(message->payload),
                                                     static_cast<std::size_t>(message->payloadlen))
                                       : std::string(),
                                   message->retain, std::chrono::steady_clock::now()};
          static_cast<MqttListener*>(self)->note(
              [&](MqttListener& me) { me.messages_.push_back(std::move(received)); });
        });
    if (mosquitto_connect(handle_, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS ||
        mosquitto_loop_start(handle_) != MOSQ_ERR_SUCCESS)
      throw std::runtime_error("the test's MQTT client cannot connect to port " +
                               std::to_string(port));
    if (!wait([this] { return connack_.has_value(); }) || *connack_ != 0)
      throw std::runtime_error("the broker refused the test's client " + username);
    for (const std::string& pattern : patterns) {
      int mid = 0;
      mosquitto_subscribe(handle_, &mid, pattern.c_str(), 1);
      if (!wait([&] { return acknowledged_.count(mid) > 0; }))
        throw std::runtime_error("no SUBACK for " + pattern);
    }
  }
  ~MqttListener() {
    mosquitto_disconnect(handle_);
    mosquitto_loop_stop(handle_, false);
    mosquitto_destroy(handle_);
  }
  MqttListener(const MqttListener&) = delete;
  MqttListener& operator=(const MqttListener&) = delete;

  // The first message not yet taken on `topic` that `wanted` accepts; the ones before it that it
  // did not accept are taken too.
  std::optional<ReceivedMessage> next(const std::string& topic,
                                      const std::function<bool(const ReceivedMessage&)>& wanted,
                                      std::chrono::milliseconds timeout) {
    std::optional<ReceivedMessage> found;
    wait(
        [&] {
          while (taken_ < messages_.size()) {
            const ReceivedMessage& message = messages_[taken_++];
            if (message.topic == topic && wanted(message)) {
              found = message;
              return true;
            }
          }
          return false;
        },
        timeout);
    return found;
  }

  // Publishes and waits for the broker's PUBACK.
  bool publish(const std::string& topic, const std::string& payload, bool retain) {
    int mid = 0;
    if (mosquitto_publish(handle_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                          payload.data(), 1, retain) != MOSQ_ERR_SUCCESS)
      return false;
    return wait([&] { return acknowledged_.count(mid) > 0; });
  }

  std::vector<ReceivedMessage> all() {
    const std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  template <typename Change>
  void note(Change change) {
    {
      const std::lock_guard lock(mutex_);
      change(*this);
    }
    changed_.notify_all();
  }
  template <typename Predicate>
  bool wait(Predicate ready, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, ready);
  }

  mosquitto* handle_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<int> connack_;
  std::set<int> acknowledged_;
  std::vector<ReceivedMessage> messages_;
  std::size_t taken_ = 0;
};

}  // namespace bangtin::testing
