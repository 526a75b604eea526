// bangtin-hub's reading of what sites publish, from the bytes up: each input is taken as the
// payload of a batch of plays and of a status, on one site's topics, and its first line also as a
// topic. Besides the sanitizers, it checks what the hub relies on: reading never throws, a refusal
// always says why, and what is accepted is within the documented bounds and about the topic's
// site.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hub_messages.hpp"

namespace {

void require(bool holds) {
  if (!holds) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bangtin;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  const auto batch = parse_plays_batch("xa-hoa-binh", payload);
  require(batch.value.has_value() != !batch.problem.empty());
  if (batch.value) {
    require(batch.value->site == "xa-hoa-binh");
    require(batch.value->batch >= 0);
    require(batch.value->plays.size() <= kMostPlaysPerBatch);
    for (const ReceivedPlay& play : batch.value->plays) {
      require(play.ended_ms >= play.started_ms);
      require(play.ended_ms - play.started_ms <= kLongestPlaySeconds * 1000);
      require(play.day.size() == 10);
      require(play.shown.size() <= kLongestShownText);
    }
  }
  const auto status = parse_site_status("xa-hoa-binh", payload);
  require(status.value.has_value() != !status.problem.empty());
  if (status.value) require(status.value->site == "xa-hoa-binh");
  const auto topic = hub_topic(payload.substr(0, payload.find('\n')));
  if (topic) require(!topic->site.empty() && topic->site.find('/') == std::string_view::npos);
  return 0;
}
