#include "bangtin/playlists.hpp"

#include <utf8proc.h>

#include <cstdio>

namespace bangtin {
namespace {

bool prints(char32_t code_point) {
  // Bidirectional embeddings, overrides and isolates reorder the rest of a terminal line.
  if ((code_point >= 0x202A && code_point <= 0x202E) ||
      (code_point >= 0x2066 && code_point <= 0x2069))
    return false;
  const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(code_point));
  return category != UTF8PROC_CATEGORY_CC && category != UTF8PROC_CATEGORY_ZL &&
         category != UTF8PROC_CATEGORY_ZP;
}

std::string escape_of(char32_t code_point) {
  switch (code_point) {
    case U'\n':
      return "\\n";
    case U'\t':
      return "\\t";
    case U'\r':
      return "\\r";
    default:
      break;
  }
  char text[16];
  if (code_point < 0x80)
    std::snprintf(text, sizeof text, "\\x%02x", static_cast<unsigned>(code_point));
  else
    std::snprintf(text, sizeof text, "\\u%04x", static_cast<unsigned>(code_point));
  return text;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string printable;
  printable.reserve(text.size());
  for (std::size_t offset = 0; offset < text.size();) {
    utf8proc_int32_t code_point = 0;
    const auto length =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()) + offset,
                         static_cast<utf8proc_ssize_t>(text.size() - offset), &code_point);
    if (length <= 0) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "\\x%02x", static_cast<unsigned char>(text[offset]));
      printable += byte;
      ++offset;
      continue;
    }
    const auto decoded = static_cast<char32_t>(code_point);
    if (prints(decoded))
      printable.append(text, offset, static_cast<std::size_t>(length));
    else
      printable += escape_of(decoded);
    offset += static_cast<std::size_t>(length);
  }
  return printable;
}

}  // namespace bangtin
