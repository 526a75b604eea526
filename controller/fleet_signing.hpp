// What the province sends is signed with its Ed25519 key (libsodium), and a controller plays
// only what verifies against the public key in its `trust:` file (controller/FLEET.md, "Signed
// content"). The signature covers the topic, the time of signing and the expiry with the body,
// so a message signed for one group cannot be replayed to another, or after it expired.
#pragma once

#include <array>
#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bangtin {

using Ed25519PublicKey = std::array<unsigned char, 32>;
// libsodium's secret key: the 32-byte seed followed by the public key.
using Ed25519SecretKey = std::array<unsigned char, 64>;

struct SigningKeys {
  Ed25519PublicKey public_key;
  Ed25519SecretKey secret_key;
};

// A new pair of keys.
SigningKeys new_signing_keys();

// Key files are one line of text: "bangtin-ed25519-public <base64>" or
// "bangtin-ed25519-secret <base64>". The public one goes to every controller (`trust:`); the
// secret one stays with the province (written with mode 0600).
std::string public_key_text(const Ed25519PublicKey& key);
std::string secret_key_text(const Ed25519SecretKey& key);
// Throw std::runtime_error naming the file and what is wrong with it.
Ed25519PublicKey read_public_key(const std::filesystem::path& file);
Ed25519SecretKey read_secret_key(const std::filesystem::path& file);

// A signed message as it travels (JSON):
// {"format": "bangtin-signed/1", "topic": ..., "signed": "2026-12-01T08:00:00+07:00",
//  "expires": "2026-12-01T17:00:00+07:00" (or absent), "body": ..., "signature": base64}
struct SignedMessage {
  std::string topic;
  std::chrono::system_clock::time_point signed_at;
  std::optional<std::chrono::system_clock::time_point> expires;
  std::string body;
};

// The payload to publish. `utc_offset` only chooses how the times are written.
std::string sign_message(const SignedMessage& message, const Ed25519SecretKey& key,
                         std::chrono::minutes utc_offset);

// Why a payload was not accepted, in words for the log and the status.
class SignatureRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The message, when the payload is well formed, signed by `key`, for `topic`, and not expired at
// `now`. Throws SignatureRefused otherwise.
SignedMessage verify_message(std::string_view payload, std::string_view topic,
                             const Ed25519PublicKey& key,
                             std::chrono::system_clock::time_point now);

// The fields of a payload this controller verified before and kept, without checking them again
// (its expiry, when it was signed). Throws SignatureRefused when it is not one.
SignedMessage read_kept_message(std::string_view payload);

}  // namespace bangtin
