// bangtind in a fleet (`fleet:` in the config, controller/FLEET.md): connected to the broker as
// its site, it keeps its status retained on bangtin/v1/<site>/status (at each connection, when
// what it says changes, and every 30 s), leaves a last will that says "offline" for a connection
// that dies, and says "offline" itself at a clean stop. What arrives on the topics it listens to
// (the province's signed playlists and notices) goes to `content`, on the loop thread.
//
// The boards never wait for it: it connects on a thread of its own, and a broker that is down,
// refuses the credentials or fails the TLS check is said in the log and tried again.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "bangtin/controller.hpp"
#include "bangtin/daemon_status.hpp"
#include "bangtin/playlists.hpp"
#include "mqtt_client.hpp"

namespace bangtin {

// How to reach the fleet's broker as `fleet:` says (the address, TLS files, credentials with the
// password read from its file, the keep-alive), as `client_id`. Throws std::runtime_error when
// the password file cannot be read.
MqttOptions fleet_mqtt_options(const FleetConfig& fleet, std::string client_id);

class FleetLink {
 public:
  // Reads the password file and starts connecting. Throws std::runtime_error when it cannot
  // start at all: a password file it cannot read, TLS files libmosquitto refuses. With a
  // `plays_outbox`, it also publishes the proof of play waiting there (fleet_plays.hpp), with
  // times at `utc_offset`.
  using ContentReceived = std::function<void(std::string topic, std::string payload)>;
  FleetLink(boost::asio::io_context& loop, const FleetConfig& fleet,
            std::function<DaemonStatus()> status, LogSink log, ContentReceived content,
            const std::filesystem::path& plays_outbox = {}, std::chrono::minutes utc_offset = {});
  ~FleetLink();
  FleetLink(const FleetLink&) = delete;
  FleetLink& operator=(const FleetLink&) = delete;

  // The daemon calls it every second: publishes the status when it changed or has not been sent
  // for 30 s. Loop thread.
  void status_tick();
  // Says "offline" (when connected) and disconnects cleanly. Loop thread; once.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bangtin
