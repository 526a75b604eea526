// The daemon's MQTT client against a real Mosquitto on 127.0.0.1: what happens on its network
// thread reaches the loop's thread, nothing is kept while it is offline, and a close sends what
// was published before it and then a clean DISCONNECT, so the broker drops the will.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>

#include <atomic>
#include <thread>

#include "mosquitto_broker.hpp"
#include "mqtt_client.hpp"
#include "mqtt_listener.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

std::vector<BrokerAccount> accounts() {
  return {{"may", "mat-khau-may", {"topic readwrite thu/#"}},
          {"nghe", "mat-khau-nghe", {"topic readwrite thu/#"}}};
}

// A loop on a thread of its own, as the daemon's; its events as log lines a test waits for.
class LoopWithEvents {
 public:
  LoopWithEvents() : thread_([this] { loop_.run(); }) {}
  ~LoopWithEvents() {
    work_.reset();
    thread_.join();
  }
  boost::asio::io_context& loop() { return loop_; }
  MqttEvents events() {
    return {[this](const MqttConnectionChange& change) {
              check_thread();
              log_.sink()(change.connected ? "connection up" : "connection down: " + change.reason);
            },
            [this](MqttMessage message) {
              check_thread();
              log_.sink()("message on " + message.topic + ": " + message.payload);
            },
            {}};
  }
  LogRecorder& log() { return log_; }
  bool all_on_the_loop() const { return !elsewhere_; }

 private:
  void check_thread() {
    if (std::this_thread::get_id() != thread_.get_id()) elsewhere_ = true;
  }
  boost::asio::io_context loop_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      loop_.get_executor()};
  LogRecorder log_;
  std::atomic<bool> elsewhere_{false};
  std::thread thread_;
};

MqttOptions options_for(int port) {
  MqttOptions options;
  options.host = "127.0.0.1";
  options.port = port;
  options.client_id = "may-thu";
  options.username = "may";
  options.password = "mat-khau-may";
  options.keepalive = 5s;
  options.will = MqttWill{"thu/trang-thai", "mat", 1, true};
  return options;
}

}  // namespace

TEST(MqttClient, ConnectionsAndMessagesReachTheLoopsThread) {
  ScratchDir dir;
  MosquittoBroker broker(dir.path() / "broker", {.accounts = accounts()});
  LoopWithEvents loop;
  MqttClient client(loop.loop(), options_for(broker.port()), loop.events());
  client.subscribe("thu/vao/#", 1);
  ASSERT_TRUE(loop.log().wait_for("connection up", 5s)) << loop.log().all() << broker.log();

  MqttListener other(broker.port(), "nghe", "mat-khau-nghe", {"thu/ra"});
  // Subscribed at connection; the SUBACK may trail the CONNACK, so the message is sent until
  // it arrives.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!loop.log().wait_for("message on thu/vao/1: xin chao", 100ms) &&
         std::chrono::steady_clock::now() < deadline)
    other.publish("thu/vao/1", "xin chao", false);
  EXPECT_TRUE(loop.log().wait_for("message on thu/vao/1: xin chao", 0ms)) << loop.log().all();

  EXPECT_TRUE(client.publish("thu/ra", "chao lai", 1, false));
  EXPECT_TRUE(other.next(
      "thu/ra", [](const ReceivedMessage& m) { return m.payload == "chao lai"; }, 5s));
  client.close();
  EXPECT_TRUE(loop.all_on_the_loop());
}

TEST(MqttClient, KeepsNothingWhileOfflineAndSaysWhyItIs) {
  LoopWithEvents loop;
  const int port = free_loopback_port();
  MqttClient client(loop.loop(), options_for(port), loop.events());
  ASSERT_TRUE(loop.log().wait_for("connection down: Connection refused", 5s)) << loop.log().all();
  EXPECT_FALSE(client.connected());
  EXPECT_FALSE(client.publish("thu/ra", "khong ai nghe", 1, true));

  ScratchDir dir;
  MosquittoBroker broker(dir.path() / "broker", {.accounts = accounts(), .port = port});
  MqttListener other(broker.port(), "nghe", "mat-khau-nghe", {"thu/ra"});
  ASSERT_TRUE(loop.log().wait_for("connection up", 10s)) << loop.log().all();
  EXPECT_FALSE(other.next(
      "thu/ra", [](const ReceivedMessage&) { return true; }, 300ms))
      << "what was published offline was not kept";
}

TEST(MqttClient, CloseSendsWhatWasPublishedThenDisconnectsSoTheWillIsDropped) {
  ScratchDir dir;
  MosquittoBroker broker(dir.path() / "broker", {.accounts = accounts()});
  MqttListener other(broker.port(), "nghe", "mat-khau-nghe", {"thu/#"});
  LoopWithEvents loop;
  MqttClient client(loop.loop(), options_for(broker.port()), loop.events());
  ASSERT_TRUE(loop.log().wait_for("connection up", 5s)) << loop.log().all();

  ASSERT_TRUE(client.publish("thu/trang-thai", "tat", 1, true));
  const auto started = std::chrono::steady_clock::now();
  client.close();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_TRUE(other.next(
      "thu/trang-thai", [](const ReceivedMessage& m) { return m.payload == "tat"; }, 5s));
  // The broker says which end it was: "disconnected" for a DISCONNECT, "closed its connection"
  // otherwise (when it would publish the will).
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (broker.log().find("Client may-thu disconnected") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_NE(broker.log().find("Client may-thu disconnected"), std::string::npos) << broker.log();
  EXPECT_FALSE(other.next(
      "thu/trang-thai", [](const ReceivedMessage& m) { return m.payload == "mat"; }, 300ms));
  EXPECT_EQ(loop.log().count("connection "), 1) << "no event after close\n" << loop.log().all();
}
