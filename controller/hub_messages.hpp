// Private to the controller: what bangtin-hub reads off the broker (controller/FLEET.md), read
// strictly. A topic names the site it is about; a status says whether that site is online; a
// batch carries its plays. Everything here comes from the network and may be hostile, so these
// are pure functions that refuse what is not as documented, with a reason, and never throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bangtin {

// Bounds a well-behaved site stays far within; beyond them a message is refused, not truncated,
// so a hub's memory and database never grow with one hostile message.
inline constexpr std::size_t kLargestHubPayload = 4 * 1024 * 1024;
inline constexpr std::size_t kMostPlaysPerBatch = 10000;
inline constexpr std::size_t kLongestPlayName = 256;     // display, playlist, item: bytes
inline constexpr std::size_t kLongestShownText = 65536;  // bytes
// A play longer than this is refused: no item stays on air for a day as one play, and sums of
// hostile lengths could otherwise overflow the report's totals.
inline constexpr std::int64_t kLongestPlaySeconds = 24 * 3600;

enum class HubTopicKind { status, plays };

// bangtin/v1/<site>/status or bangtin/v1/<site>/plays, where <site> is a valid site name; the
// topic's site is the authority on whom a message is about (the broker's ACL lets a site write
// only under its own name).
struct HubTopic {
  std::string site;
  HubTopicKind kind;
};
std::optional<HubTopic> hub_topic(std::string_view topic);

struct SiteStatus {
  std::string site;
  bool online = false;
  std::string reason;   // offline: "connection lost" (the will) or "stopped"; may be empty
  std::string version;  // may be empty
  std::string clock;    // the site's clock.time, may be empty
};

struct ReceivedPlay {
  std::string display;
  std::string playlist;
  std::string item;
  std::string shown;
  std::string day;              // the site's local date of `started`, "2026-11-24"
  std::int64_t started_ms = 0;  // Unix time, UTC
  std::int64_t ended_ms = 0;
  bool ended_early = false;
};

struct PlaysBatch {
  std::string site;
  std::int64_t batch = 0;
  std::vector<ReceivedPlay> plays;
};

// A value, or why the message was refused (plain words; it may quote the message, so it is to be
// escaped before it is logged).
template <typename T>
struct HubParsed {
  std::optional<T> value;
  std::string problem;
};

// The payload on `topic_site`'s status or plays topic, refused when it is not JSON, has a field
// of the wrong type, is beyond the bounds above, or names another site than the topic.
HubParsed<SiteStatus> parse_site_status(std::string_view topic_site, std::string_view payload);
HubParsed<PlaysBatch> parse_plays_batch(std::string_view topic_site, std::string_view payload);

}  // namespace bangtin
