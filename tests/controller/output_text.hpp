// For tests of what the tools print for people and spreadsheets: control bytes that have no
// business there, and a strict RFC 4180 reader, so a test sees the cells a spreadsheet sees.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bangtin::testing {

// Whether `text` holds a C0 control or DEL other than those `allowed` (the line ends).
inline bool has_control_bytes(const std::string& text, std::string_view allowed) {
  return std::any_of(text.begin(), text.end(), [&](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 || byte == 0x7f) && allowed.find(c) == std::string_view::npos;
  });
}

// Records of cells; records end with CRLF. Throws on a quote where RFC 4180 allows none.
inline std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string cell;
  bool quoted = false;
  bool cell_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        cell += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      if (cell_started)
        throw std::runtime_error("quote inside an unquoted cell at byte " + std::to_string(i));
      quoted = true;
      cell_started = true;
    } else if (c == ',') {
      record.push_back(std::move(cell));
      cell.clear();
      cell_started = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      record.push_back(std::move(cell));
      cell.clear();
      cell_started = false;
      records.push_back(std::move(record));
      record.clear();
      ++i;
    } else {
      cell += c;
      cell_started = true;
    }
  }
  if (quoted) throw std::runtime_error("unterminated quoted cell");
  if (cell_started || !record.empty()) throw std::runtime_error("last record without CRLF");
  return records;
}

}  // namespace bangtin::testing
