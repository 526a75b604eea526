// Private to the controller: bangtin-hub's side of the broker. It subscribes (QoS 1) to every
// site's status and plays, reads each message strictly (hub_messages.hpp) and keeps what it says
// in the hub's database (hub_store.hpp). What it refuses is logged, escaped, and left alone.
//
// The session is persistent (not clean) under a client id of its own: while the hub is stopped
// or restarting, the broker keeps the plays that arrive for it and hands them over when it is
// back. A batch is acknowledged to the broker once it is in the database, not before, so a hub
// killed with batches on their way loses none of them. With a shared group (`--shared NAME`), plays
// are subscribed as $share/NAME/...: the broker gives each batch to one hub of the group. Statuses
// are subscribed plainly by every hub: they are few, each hub then hears (and logs) every site
// going online or offline, and a status is the same whichever hub writes it.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "bangtin/controller.hpp"
#include "hub_store.hpp"
#include "mqtt_client.hpp"

namespace bangtin {

inline constexpr const char* kHubStatusSubscription = "bangtin/v1/+/status";
inline constexpr const char* kHubPlaysSubscription = "bangtin/v1/+/plays";

// What the hub has done since it started: for its log at the end, and for tests.
struct HubCounts {
  std::uint64_t batches_stored = 0;
  std::uint64_t batches_again = 0;  // already in the database: ignored
  std::uint64_t plays_stored = 0;
  std::uint64_t statuses = 0;
  std::uint64_t refused = 0;
};

class HubLink {
 public:
  // Starts connecting. `shared_group` empty: plays are not shared with other hubs. Throws
  // MqttError when libmosquitto refuses the options.
  HubLink(boost::asio::io_context& loop, MqttOptions options, const std::string& shared_group,
          HubStore& store, LogSink log);
  ~HubLink();
  HubLink(const HubLink&) = delete;
  HubLink& operator=(const HubLink&) = delete;

  HubCounts counts() const;
  // Disconnects cleanly; a batch not yet stored is not acknowledged. Loop thread (or once the
  // loop has stopped).
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bangtin
