#include "fleet_signing.hpp"

#include <sodium.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "bangtin/controller.hpp"
#include "bangtin/date_time_text.hpp"
#include "bangtin/playlists.hpp"

namespace bangtin {

namespace {

constexpr std::string_view kFormat = "bangtin-signed/1";
constexpr std::string_view kPublicPrefix = "bangtin-ed25519-public ";
constexpr std::string_view kSecretPrefix = "bangtin-ed25519-secret ";
constexpr int kBase64 = sodium_base64_VARIANT_ORIGINAL;
// A key file is one short line; anything longer is not one.
constexpr std::uintmax_t kLongestKeyFile = 256;

void start_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
}

std::string base64(const unsigned char* bytes, std::size_t size) {
  std::string text(sodium_base64_ENCODED_LEN(size, kBase64), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes, size, kBase64);
  text.resize(text.find('\0'));
  return text;
}

// Exactly `size` bytes from base64, or nothing.
template <std::size_t size>
std::optional<std::array<unsigned char, size>> from_base64(std::string_view text) {
  std::array<unsigned char, size> bytes{};
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length,
                        &end, kBase64) != 0 ||
      length != size || end != text.data() + text.size())
    return std::nullopt;
  return bytes;
}

template <std::size_t size>
std::array<unsigned char, size> read_key(const std::filesystem::path& file, std::string_view prefix,
                                         std::string_view what) {
  const std::string named = what.data() + std::string(" ") + printable(file.string());
  std::error_code error;
  const auto length = std::filesystem::file_size(file, error);
  if (error) throw std::runtime_error("cannot read " + named + ": " + error.message());
  if (length > kLongestKeyFile) throw std::runtime_error(named + " is not a bangtin key file");
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (!text.starts_with(prefix))
    throw std::runtime_error(named + " is not a bangtin key file: it should begin with \"" +
                             std::string(prefix) + "\" (made by `bangtin fleet keygen`)");
  const auto key = from_base64<size>(std::string_view(text).substr(prefix.size()));
  if (!key) throw std::runtime_error(named + " holds a damaged key");
  return *key;
}

// The bytes the signature covers: everything that says where and until when the body counts.
std::string signed_bytes(std::string_view topic, std::string_view signed_at,
                         std::string_view expires, std::string_view body) {
  std::string bytes(kFormat);
  bytes += '\n';
  bytes += topic;
  bytes += '\n';
  bytes += signed_at;
  bytes += '\n';
  bytes += expires;
  bytes += '\n';
  bytes += body;
  return bytes;
}

// "2026-12-01T08:00:00+07:00" or "...Z".
std::optional<std::chrono::system_clock::time_point> read_instant(std::string_view text) {
  std::size_t zone = text.size();
  if (text.ends_with('Z')) {
    zone = text.size() - 1;
  } else if (text.size() > 6 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-')) {
    zone = text.size() - 6;
  }
  if (zone == text.size()) return std::nullopt;
  const auto offset = parse_utc_offset(text.substr(zone));
  if (!offset) return std::nullopt;
  return parse_local_datetime(text.substr(0, zone), *offset);
}

}  // namespace

SigningKeys new_signing_keys() {
  start_sodium();
  SigningKeys keys{};
  crypto_sign_keypair(keys.public_key.data(), keys.secret_key.data());
  return keys;
}

std::string public_key_text(const Ed25519PublicKey& key) {
  start_sodium();
  return std::string(kPublicPrefix) + base64(key.data(), key.size()) + "\n";
}

std::string secret_key_text(const Ed25519SecretKey& key) {
  start_sodium();
  return std::string(kSecretPrefix) + base64(key.data(), key.size()) + "\n";
}

Ed25519PublicKey read_public_key(const std::filesystem::path& file) {
  start_sodium();
  return read_key<32>(file, kPublicPrefix, "the public key file");
}

Ed25519SecretKey read_secret_key(const std::filesystem::path& file) {
  start_sodium();
  return read_key<64>(file, kSecretPrefix, "the secret key file");
}

std::string sign_message(const SignedMessage& message, const Ed25519SecretKey& key,
                         std::chrono::minutes utc_offset) {
  start_sodium();
  const std::string signed_at = iso_date_time_text(message.signed_at, utc_offset);
  const std::string expires =
      message.expires ? iso_date_time_text(*message.expires, utc_offset) : std::string();
  const std::string bytes = signed_bytes(message.topic, signed_at, expires, message.body);
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                       key.data());
  nlohmann::ordered_json json;
  json["format"] = kFormat;
  json["topic"] = message.topic;
  json["signed"] = signed_at;
  if (message.expires) json["expires"] = expires;
  json["body"] = message.body;
  json["signature"] = base64(signature.data(), signature.size());
  return json.dump();
}

namespace {

// The fields, read and checked for form; `signature` and the exact texts signed come back too.
struct ReadMessage {
  SignedMessage message;
  std::string signed_at;
  std::string expires;
  std::optional<std::array<unsigned char, crypto_sign_BYTES>> signature;
};

ReadMessage read_message(std::string_view payload) {
  const nlohmann::json json = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object())
    throw SignatureRefused("not a signed bangtin message (not a JSON object)");
  const auto text = [&json](const char* name, bool required) -> std::string {
    const auto found = json.find(name);
    if (found == json.end()) {
      if (required) throw SignatureRefused(std::string("not signed: no \"") + name + "\"");
      return {};
    }
    if (!found->is_string()) throw SignatureRefused(std::string("\"") + name + "\" is not a text");
    return found->get<std::string>();
  };
  if (text("format", true) != kFormat)
    throw SignatureRefused("unknown format \"" + printable(text("format", true)) +
                           "\" (this controller reads " + std::string(kFormat) + ")");
  ReadMessage read;
  read.message.topic = text("topic", true);
  read.signed_at = text("signed", true);
  read.expires = text("expires", false);
  read.message.body = text("body", true);
  read.signature = from_base64<crypto_sign_BYTES>(text("signature", true));
  if (!read.signature) throw SignatureRefused("the signature is not 64 bytes of base64");
  const auto signed_instant = read_instant(read.signed_at);
  if (!signed_instant) throw SignatureRefused("\"signed\" is not a date and time with its offset");
  read.message.signed_at = *signed_instant;
  if (!read.expires.empty()) {
    read.message.expires = read_instant(read.expires);
    if (!read.message.expires)
      throw SignatureRefused("\"expires\" is not a date and time with its offset");
  }
  return read;
}

}  // namespace

SignedMessage verify_message(std::string_view payload, std::string_view topic,
                             const Ed25519PublicKey& key,
                             std::chrono::system_clock::time_point now) {
  start_sodium();
  ReadMessage read = read_message(payload);
  const std::string bytes =
      signed_bytes(read.message.topic, read.signed_at, read.expires, read.message.body);
  if (crypto_sign_verify_detached(read.signature->data(),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  bytes.size(), key.data()) != 0)
    throw SignatureRefused("the signature does not verify against the trust key");
  // Checked after the signature: what a forger wrote here is not worth an answer.
  if (read.message.topic != topic)
    throw SignatureRefused("signed for " + printable(read.message.topic) + ", not for this topic");
  if (read.message.expires && *read.message.expires <= now)
    throw SignatureRefused("expired at " + read.expires);
  return std::move(read.message);
}

SignedMessage read_kept_message(std::string_view payload) {
  return std::move(read_message(payload).message);
}

}  // namespace bangtin
