// The Unicode chores of reading operator files: validating UTF-8, NFC, trimming, and case-folded
// code points for comparing names.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bangtin::playlists_detail {

struct Utf8Problem {
  std::size_t offset = 0;  // byte offset of the sequence that is not valid UTF-8, or of the NUL
  bool is_nul = false;     // the bytes are valid but contain NUL, which no text file has
};

// The first byte offset where `bytes` stop being text: invalid UTF-8 or a NUL.
std::optional<Utf8Problem> find_invalid_utf8(std::string_view bytes);

// The NFC form of valid UTF-8 text without NULs; nothing for anything else.
std::optional<std::string> to_nfc(std::string_view text);

// Without leading and trailing white space, Unicode spaces (U+00A0, U+3000, ...) included: text
// pasted from office documents often carries them.
std::string_view trim_spaces(std::string_view text);

// The first control character other than tab and line feed, which no board can show.
std::optional<char32_t> find_control_character(std::string_view text);

// Code points, lower-cased, so that names can be compared character by character.
std::u32string folded_code_points(std::string_view text);

// How many characters (not bytes) valid UTF-8 text has.
std::size_t count_characters(std::string_view text);

// One code point as UTF-8 (U+FFFD for a value that is not one).
std::string utf8_of(char32_t code_point);

}  // namespace bangtin::playlists_detail
