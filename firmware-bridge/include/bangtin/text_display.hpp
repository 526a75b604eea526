// Industrial Modbus message displays that draw their own ASCII font: the second panel profile.
//
// Such a display takes each line of text in a run of holding registers, two characters a
// register (function 16), and maybe a brightness level in one more (function 06); it has no
// pixels to send and no frame to commit. One vendor keeps line 1 at register 1000 and line 2 at
// 2000. bangtin folds the item's text to ASCII (Vietnamese marks stripped, đ as d), wraps it over
// the lines and writes the lines that changed; it reads them back to check what is shown. The
// link is chosen by URI: modbus-text-tcp://HOST:502?unit=1&lines=1000,2000&chars=16&brightness=3
// or modbus-text-rtu:///dev/ttyUSB0?baud=9600&... (see open_link). These are the plain functions
// over text and registers that the link and the simulator share.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bangtin {

// Where a display keeps its text and how it reads it.
struct TextDisplayLayout {
  std::vector<int> line_registers;  // the first holding register of each line, top line first
  int chars = 16;                   // characters a line
  // The register (function 06) taking a brightness level 0..brightness_max; none: no control.
  std::optional<int> brightness_register;
  int brightness_max = 100;
  bool high_byte_first = true;  // the first character of each register in its high byte
  int registers_per_line() const { return (chars + 1) / 2; }
  friend bool operator==(const TextDisplayLayout&, const TextDisplayLayout&) = default;
};

// The longest line one function-16 write carries: 123 registers of two characters.
inline constexpr int kMaxTextDisplayChars = 246;

// UTF-8 text as printable ASCII: letters without their marks (decomposed by utf8proc, marks
// stripped: "Tiếp nhận" -> "Tiep nhan"), đ and Đ as d and D, compatibility forms and
// punctuation folded ("…" -> "...", "—" -> "-", curly quotes -> straight ones), tabs as spaces,
// line breaks kept; anything else, and bytes that are not UTF-8, as '?'.
std::string fold_to_ascii(std::string_view utf8);

// ASCII text over `lines` lines of at most `chars` characters: each line break starts a new
// line, words wrap at spaces (a word longer than a line is cut across lines), runs of spaces
// collapse; what does not fit is left out. Always `lines` strings, unpadded, some maybe empty.
std::vector<std::string> lay_out_lines(std::string_view ascii, int lines, int chars);

// One line as the display's registers: padded with spaces to `chars`, two characters a register.
std::vector<std::uint16_t> encode_text_line(std::string_view line, const TextDisplayLayout& layout);
// The `chars` characters a line's registers hold, as they are (padding included).
std::string decode_text_line(std::span<const std::uint16_t> registers,
                             const TextDisplayLayout& layout);

}  // namespace bangtin
