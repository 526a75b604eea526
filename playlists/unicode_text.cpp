#include "unicode_text.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace bangtin::playlists_detail {
namespace {

const utf8proc_uint8_t* as_utf8proc(std::string_view text) {
  return reinterpret_cast<const utf8proc_uint8_t*>(text.data());
}

// Decodes the code point at `offset`; nothing when the bytes there are not UTF-8.
struct Decoded {
  char32_t code_point;
  std::size_t length;
};
std::optional<Decoded> decode_at(std::string_view text, std::size_t offset) {
  utf8proc_int32_t code_point = 0;
  const auto length = utf8proc_iterate(
      as_utf8proc(text) + offset, static_cast<utf8proc_ssize_t>(text.size() - offset), &code_point);
  if (length <= 0) return std::nullopt;
  return Decoded{static_cast<char32_t>(code_point), static_cast<std::size_t>(length)};
}

bool is_space(char32_t code_point) {
  if (code_point == U'\t' || code_point == U'\n' || code_point == U'\r') return true;
  const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(code_point));
  return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
         category == UTF8PROC_CATEGORY_ZP;
}

}  // namespace

std::optional<Utf8Problem> find_invalid_utf8(std::string_view bytes) {
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    const auto decoded = decode_at(bytes, offset);
    if (!decoded) return Utf8Problem{offset, false};
    if (decoded->code_point == 0) return Utf8Problem{offset, true};
    offset += decoded->length;
  }
  return std::nullopt;
}

std::optional<std::string> to_nfc(std::string_view text) {
  // utf8proc_NFC reads up to a NUL, so a NUL inside would silently cut the text short.
  if (find_invalid_utf8(text)) return std::nullopt;
  const std::string terminated(text);
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> normalized(
      utf8proc_NFC(as_utf8proc(terminated)), &std::free);
  if (!normalized) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(normalized.get()));
}

std::string_view trim_spaces(std::string_view text) {
  std::size_t begin = text.size();
  std::size_t end = 0;
  for (std::size_t offset = 0; offset < text.size();) {
    const auto decoded = decode_at(text, offset);
    const std::size_t length = decoded ? decoded->length : 1;
    if (!decoded || !is_space(decoded->code_point)) {
      if (begin == text.size()) begin = offset;
      end = offset + length;
    }
    offset += length;
  }
  if (begin >= end) return text.substr(0, 0);
  return text.substr(begin, end - begin);
}

std::optional<char32_t> find_control_character(std::string_view text) {
  for (std::size_t offset = 0; offset < text.size();) {
    const auto decoded = decode_at(text, offset);
    if (!decoded) return std::nullopt;  // callers validate UTF-8 first; nothing to say here
    const char32_t code_point = decoded->code_point;
    if (code_point != U'\t' && code_point != U'\n' &&
        utf8proc_category(static_cast<utf8proc_int32_t>(code_point)) == UTF8PROC_CATEGORY_CC)
      return code_point;
    offset += decoded->length;
  }
  return std::nullopt;
}

std::u32string folded_code_points(std::string_view text) {
  std::u32string folded;
  for (std::size_t offset = 0; offset < text.size();) {
    const auto decoded = decode_at(text, offset);
    if (!decoded) {
      folded.push_back(U'\uFFFD');
      ++offset;
      continue;
    }
    folded.push_back(static_cast<char32_t>(
        utf8proc_tolower(static_cast<utf8proc_int32_t>(decoded->code_point))));
    offset += decoded->length;
  }
  return folded;
}

std::string utf8_of(char32_t code_point) {
  utf8proc_uint8_t bytes[4];
  if (!utf8proc_codepoint_valid(static_cast<utf8proc_int32_t>(code_point))) code_point = U'\uFFFD';
  const auto length = utf8proc_encode_char(static_cast<utf8proc_int32_t>(code_point), bytes);
  return std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(length));
}

std::size_t count_characters(std::string_view text) {
  std::size_t count = 0;
  for (const char byte : text) count += (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
  return count;
}

}  // namespace bangtin::playlists_detail
