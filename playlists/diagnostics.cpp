#include <algorithm>

#include "bangtin/playlists.hpp"
#include "location_text.hpp"

namespace bangtin {

namespace playlists_detail {

std::string location_text(const SourceMark& where) {
  std::string text = where.file.string();
  // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false positive) on
  // ":" + std::string here.
  if (where.line > 0) {
    text += ':';
    text += std::to_string(where.line);
    text += ':';
    text += std::to_string(std::max(where.column, 1));
  }
  return text;
}

}  // namespace playlists_detail

std::string Diagnostic::to_string() const {
  const char* severity_text = severity == Severity::error ? "error" : "warning";
  // Escaped here, where every diagnostic becomes a line of text, rather than where each message
  // is built: keys, ids and file names reach messages from many places, and none is missed.
  return printable(playlists_detail::location_text(where) + ": " + severity_text + ": " + message);
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& diagnostic) {
    return diagnostic.severity == Severity::error;
  });
}

}  // namespace bangtin
