#include "bangtin/text_display.hpp"

#include <utf8proc.h>

#include <algorithm>

namespace bangtin {

namespace {

// Characters utf8proc leaves alone that have a plain ASCII stand-in.
char ascii_stand_in(utf8proc_int32_t code_point) {
  switch (code_point) {
    case 0x0110:  // Đ: a letter of its own, not D with a mark, so nothing decomposes it
      return 'D';
    case 0x0111:  // đ
      return 'd';
    case 0x00AB:  // « and »
    case 0x00BB:
    case 0x201C:  // “ ” „ ‟
    case 0x201D:
    case 0x201E:
    case 0x201F:
      return '"';
    default:
      return '?';
  }
}

void append_folded(utf8proc_int32_t code_point, std::string& out) {
  if (code_point == '\n') {
    out += '\n';
    return;
  }
  if (code_point == '\t' || code_point == '\r') {
    out += ' ';
    return;
  }
  if (code_point >= 0x20 && code_point < 0x7F) {
    out += static_cast<char>(code_point);
    return;
  }
  if (code_point < 0x20 || code_point == 0x7F) return;  // other control characters show nothing
  utf8proc_int32_t parts[32];
  int last_boundary = 0;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                                                      UTF8PROC_LUMP | UTF8PROC_STRIPMARK);
  const utf8proc_ssize_t count =
      utf8proc_decompose_char(code_point, parts, 32, options, &last_boundary);
  if (count <= 0 || count > 32) {
    // A lone combining mark (stripped) decomposes to nothing; anything else has no ASCII form.
    if (count != 0) out += ascii_stand_in(code_point);
    return;
  }
  const bool ascii = std::all_of(parts, parts + count,
                                 [](utf8proc_int32_t part) { return part >= 0x20 && part < 0x7F; });
  if (!ascii) {
    out += ascii_stand_in(code_point);
    return;
  }
  for (utf8proc_ssize_t i = 0; i < count; ++i) out += static_cast<char>(parts[i]);
}

}  // namespace

std::string fold_to_ascii(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  const auto* at = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data());
  auto left = static_cast<utf8proc_ssize_t>(utf8.size());
  while (left > 0) {
    utf8proc_int32_t code_point = 0;
    const utf8proc_ssize_t used = utf8proc_iterate(at, left, &code_point);
    if (used <= 0) {
      out += '?';  // not UTF-8: one byte at a time, so the text after it still shows
      ++at;
      --left;
      continue;
    }
    append_folded(code_point, out);
    at += used;
    left -= used;
  }
  return out;
}

std::vector<std::string> lay_out_lines(std::string_view ascii, int lines, int chars) {
  std::vector<std::string> out;
  if (lines <= 0 || chars <= 0) return out;
  const auto width = static_cast<std::size_t>(chars);
  const auto full = [&] { return out.size() >= static_cast<std::size_t>(lines); };
  std::string line;
  const auto finish_line = [&] {
    if (!full()) out.push_back(line);
    line.clear();
  };
  std::size_t paragraph_start = 0;
  while (paragraph_start <= ascii.size() && !full()) {
    const std::size_t paragraph_end = std::min(ascii.find('\n', paragraph_start), ascii.size());
    const std::string_view paragraph =
        ascii.substr(paragraph_start, paragraph_end - paragraph_start);
    std::size_t at = 0;
    bool wrote = false;
    while (at < paragraph.size() && !full()) {
      const std::size_t word_start = paragraph.find_first_not_of(' ', at);
      if (word_start == std::string_view::npos) break;
      const std::size_t word_end = std::min(paragraph.find(' ', word_start), paragraph.size());
      std::string_view word = paragraph.substr(word_start, word_end - word_start);
      at = word_end;
      if (!line.empty() && line.size() + 1 + word.size() > width) finish_line();
      if (!line.empty()) line += ' ';
      // A word longer than a line is cut across lines.
      while (line.size() + word.size() > width && !full()) {
        const std::size_t room = width - line.size();
        line += word.substr(0, room);
        word.remove_prefix(room);
        finish_line();
      }
      line += word;
      wrote = true;
    }
    if (wrote || paragraph_end < ascii.size() || out.empty()) finish_line();
    paragraph_start = paragraph_end + 1;
  }
  out.resize(static_cast<std::size_t>(lines));
  return out;
}

std::vector<std::uint16_t> encode_text_line(std::string_view line,
                                            const TextDisplayLayout& layout) {
  std::string padded(line.substr(0, static_cast<std::size_t>(layout.chars)));
  padded.resize(static_cast<std::size_t>(2 * layout.registers_per_line()), ' ');
  std::vector<std::uint16_t> registers(static_cast<std::size_t>(layout.registers_per_line()));
  for (std::size_t i = 0; i < registers.size(); ++i) {
    const auto first = static_cast<std::uint8_t>(padded[2 * i]);
    const auto second = static_cast<std::uint8_t>(padded[2 * i + 1]);
    registers[i] = layout.high_byte_first ? static_cast<std::uint16_t>(first << 8 | second)
                                          : static_cast<std::uint16_t>(second << 8 | first);
  }
  return registers;
}

std::string decode_text_line(std::span<const std::uint16_t> registers,
                             const TextDisplayLayout& layout) {
  std::string line;
  for (const std::uint16_t value : registers) {
    const auto high = static_cast<char>(value >> 8);
    const auto low = static_cast<char>(value & 0xFF);
    line += layout.high_byte_first ? high : low;
    line += layout.high_byte_first ? low : high;
  }
  line.resize(std::min(line.size(), static_cast<std::size_t>(layout.chars)));
  return line;
}

}  // namespace bangtin
