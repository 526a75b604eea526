#include "hub_messages.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

#include "bangtin/playlists.hpp"

namespace bangtin {

namespace {

using nlohmann::json;

constexpr std::string_view kTopicStart = "bangtin/v1/";

// Thrown inside this file only, caught where a message is parsed: the reason it is refused.
struct Refused {
  std::string why;
};

json parsed_object(std::string_view payload) {
  if (payload.empty()) throw Refused{"the payload is empty"};
  if (payload.size() > kLargestHubPayload)
    throw Refused{"the payload has " + std::to_string(payload.size()) + " bytes, more than " +
                  std::to_string(kLargestHubPayload)};
  // No exceptions from the parser: invalid JSON (or UTF-8) comes back as `discarded`.
  json document = json::parse(payload.begin(), payload.end(), nullptr, false);
  if (document.is_discarded()) throw Refused{"the payload is not JSON"};
  if (!document.is_object()) throw Refused{"the payload is not a JSON object"};
  return document;
}

const json* field(const json& object, const char* name) {
  const auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

std::string text_field(const json& object, const char* name, std::size_t longest,
                       bool required = true) {
  const json* value = field(object, name);
  if (!value) {
    if (required) throw Refused{std::string("\"") + name + "\" is missing"};
    return "";
  }
  if (!value->is_string()) throw Refused{std::string("\"") + name + "\" is not a string"};
  const auto& text = value->get_ref<const std::string&>();
  if (text.size() > longest)
    throw Refused{std::string("\"") + name + "\" is longer than " + std::to_string(longest) +
                  " bytes"};
  return text;
}

void check_site(const json& object, std::string_view topic_site) {
  const std::string site = text_field(object, "site", kLongestPlayName);
  if (site != topic_site)
    throw Refused{"\"site\" is \"" + site + "\" on the topic of " + std::string(topic_site)};
}

// "2026-11-24T08:00:00+07:00" (or "...Z"), to the second as sites write it: the instant, and the
// site's local date.
std::pair<std::int64_t, std::string> instant_field(const json& object, const char* name) {
  const std::string text = text_field(object, name, 32);
  constexpr std::size_t local_length = 19;  // 2026-11-24T08:00:00
  const bool shaped = text.size() > local_length && text[4] == '-' && text[7] == '-' &&
                      text[10] == 'T' && text[13] == ':' && text[16] == ':';
  const std::string_view offset_text = std::string_view(text).substr(shaped ? local_length : 0);
  const auto offset = shaped && (offset_text == "Z" || offset_text.size() == 6)
                          ? parse_utc_offset(offset_text)
                          : std::nullopt;
  const auto instant =
      offset ? parse_local_datetime(text.substr(0, local_length), *offset) : std::nullopt;
  if (!instant)
    throw Refused{std::string("\"") + name + "\" is not a time like 2026-11-24T08:00:00+07:00"};
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(instant->time_since_epoch());
  return {ms.count(), text.substr(0, 10)};
}

ReceivedPlay play_from(const json& entry) {
  if (!entry.is_object()) throw Refused{"a play is not a JSON object"};
  ReceivedPlay play;
  play.display = text_field(entry, "display", kLongestPlayName);
  play.playlist = text_field(entry, "playlist", kLongestPlayName);
  play.item = text_field(entry, "item", kLongestPlayName);
  play.shown = text_field(entry, "shown", kLongestShownText);
  if (play.display.empty() || play.item.empty()) throw Refused{"a play has no display or item"};
  std::tie(play.started_ms, play.day) = instant_field(entry, "started");
  play.ended_ms = instant_field(entry, "ended").first;
  const auto length_ms = play.ended_ms - play.started_ms;
  if (length_ms < 0) throw Refused{"a play ended before it started"};
  if (length_ms > kLongestPlaySeconds * 1000)
    throw Refused{"a play lasted more than " + std::to_string(kLongestPlaySeconds) + " s"};
  const json* early = field(entry, "ended_early");
  if (!early || !early->is_boolean()) throw Refused{"\"ended_early\" is not true or false"};
  play.ended_early = early->get<bool>();
  return play;
}

// A message on `topic_site`'s topic: a JSON object about that site, then what `read` takes
// from it; or why it was refused.
template <typename T, typename Read>
HubParsed<T> parsed(std::string_view topic_site, std::string_view payload, Read read) {
  try {
    const json document = parsed_object(payload);
    check_site(document, topic_site);
    T value = read(document);
    value.site = topic_site;
    return {std::move(value), ""};
  } catch (const Refused& refused) {
    return {std::nullopt, refused.why};
  }
}

}  // namespace

std::optional<HubTopic> hub_topic(std::string_view topic) {
  if (!topic.starts_with(kTopicStart)) return std::nullopt;
  const std::string_view rest = topic.substr(kTopicStart.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view site = rest.substr(0, slash);
  const std::string_view kind = rest.substr(slash + 1);
  if (fleet_name_problem(site)) return std::nullopt;
  if (kind == "status") return HubTopic{std::string(site), HubTopicKind::status};
  if (kind == "plays") return HubTopic{std::string(site), HubTopicKind::plays};
  return std::nullopt;
}

HubParsed<SiteStatus> parse_site_status(std::string_view topic_site, std::string_view payload) {
  return parsed<SiteStatus>(topic_site, payload, [](const json& document) {
    SiteStatus status;
    const std::string state = text_field(document, "state", 16);
    if (state != "online" && state != "offline")
      throw Refused{"\"state\" is neither online nor offline"};
    status.online = state == "online";
    status.reason = text_field(document, "reason", kLongestPlayName, false);
    status.version = text_field(document, "version", kLongestPlayName, false);
    if (const json* clock = field(document, "clock")) {
      if (!clock->is_object()) throw Refused{"\"clock\" is not a JSON object"};
      status.clock = text_field(*clock, "time", 64, false);
    }
    return status;
  });
}

HubParsed<PlaysBatch> parse_plays_batch(std::string_view topic_site, std::string_view payload) {
  return parsed<PlaysBatch>(topic_site, payload, [](const json& document) {
    PlaysBatch batch;
    // A whole number that JSON readers everywhere keep exact (2^53): not 1842.0, not negative.
    const json* number = field(document, "batch");
    constexpr std::uint64_t largest_batch = std::uint64_t{1} << 53;
    if (!number || !number->is_number_unsigned() || number->get<std::uint64_t>() > largest_batch)
      throw Refused{"\"batch\" is not a whole number from 0 to 2^53"};
    batch.batch = static_cast<std::int64_t>(number->get<std::uint64_t>());
    const json* plays = field(document, "plays");
    if (!plays || !plays->is_array()) throw Refused{"\"plays\" is not an array"};
    if (plays->size() > kMostPlaysPerBatch)
      throw Refused{"\"plays\" has " + std::to_string(plays->size()) + " plays, more than " +
                    std::to_string(kMostPlaysPerBatch)};
    batch.plays.reserve(plays->size());
    for (const json& entry : *plays) batch.plays.push_back(play_from(entry));
    return batch;
  });
}

}  // namespace bangtin
