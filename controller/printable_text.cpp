#include "printable_text.hpp"

#include <utf8proc.h>

#include <cstdio>

namespace bangtin {

namespace {

bool shown_as_itself(utf8proc_int32_t c) {
  if (c < 0x20 || c == 0x7F) return false;       // C0 controls, DEL
  if (c >= 0x80 && c <= 0x9F) return false;      // C1 controls (0x9B is a one-character ESC [)
  if (c == 0x2028 || c == 0x2029) return false;  // line and paragraph separators
  if (c >= 0x202A && c <= 0x202E) return false;  // bidirectional embeddings and overrides
  if (c >= 0x2066 && c <= 0x2069) return false;  // bidirectional isolates
  return true;
}

void append_escape(std::string& out, const char* format, unsigned value) {
  char escape[12];
  std::snprintf(escape, sizeof escape, format, value);
  out += escape;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  std::size_t at = 0;
  while (at < text.size()) {
    utf8proc_int32_t c = -1;
    // Strict: overlong forms, surrogates and code points past U+10FFFF are invalid.
    const auto length =
        utf8proc_iterate(bytes + at, static_cast<utf8proc_ssize_t>(text.size() - at), &c);
    if (length <= 0) {
      append_escape(out, "\\x%02x", bytes[at]);
      ++at;
      continue;
    }
    const auto size = static_cast<std::size_t>(length);
    if (shown_as_itself(c)) {
      out.append(text, at, size);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x80) {
      append_escape(out, "\\x%02x", static_cast<unsigned>(c));
    } else {
      append_escape(out, "\\u%04x", static_cast<unsigned>(c));
    }
    at += size;
  }
  return out;
}

}  // namespace bangtin
