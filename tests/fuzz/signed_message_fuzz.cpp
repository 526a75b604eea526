// What a controller does with a message on one of its fleet topics, from the bytes up: the input
// is taken as a signed message's payload (checked against a key of the fuzzer's own, for a topic
// of the site) and its first line as a topic. Besides the sanitizers, it checks what the
// controller relies on: a payload is refused with a reason or verifies, and no forged one
// verifies; a topic maps to a kept file only when it is one of the site's, and back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fleet_content.hpp"
#include "fleet_signing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bangtin;
  static const SigningKeys keys = new_signing_keys();
  const std::string payload(reinterpret_cast<const char*>(data), size);
  const std::string topic = "bangtin/v1/groups/huyen-phu-loc/notices/mat-dien";
  const auto now = std::chrono::system_clock::time_point(std::chrono::hours(24 * 20000));
  try {
    verify_message(payload, topic, keys.public_key, now);
    std::abort();  // the fuzzer cannot sign with a key it never saw
  } catch (const SignatureRefused& refused) {
    if (std::string_view(refused.what()).empty()) std::abort();  // a refusal says why
  }
  try {
    read_kept_message(payload);
  } catch (const SignatureRefused& refused) {
    if (std::string_view(refused.what()).empty()) std::abort();
  }
  FleetConfig fleet;
  fleet.site = "xa-hoa-binh";
  fleet.groups = {"huyen-phu-loc"};
  const std::string first_line = payload.substr(0, payload.find('\n'));
  if (const auto file = fleet_file_name(first_line, fleet)) {
    // A file of the fleet folder, never a path out of it, and the topic it came from.
    if (file->find('/') != std::string::npos || !file->ends_with(".yaml")) std::abort();
    if (fleet_topic_of(*file, fleet) != first_line) std::abort();
  }
  return 0;
}
