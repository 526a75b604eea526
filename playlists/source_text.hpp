// One operator file read into memory, after the checks that make it safe to hand to yaml-cpp:
// readable, not empty, not huge, text and not binary, UTF-8 throughout.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bangtin/playlists.hpp"

namespace bangtin::playlists_detail {

// Operator files are a few kilobytes; anything bigger is a mistake (a log, a video) and is not
// worth reading into memory.
inline constexpr std::size_t max_source_bytes = 1024 * 1024;

class SourceText {
 public:
  SourceText(std::filesystem::path file, std::string bytes);

  const std::filesystem::path& file() const { return file_; }
  const std::string& bytes() const { return bytes_; }

  // Where a byte offset is, as a 1-based line and a 1-based column counted in characters, so
  // a mark on a Vietnamese line points at the right letter.
  SourceMark mark_at_offset(std::size_t offset) const;
  // The same for a yaml-cpp mark: 0-based line and 0-based column counted in bytes after any
  // byte order mark.
  SourceMark mark_at_line_column(int line, int byte_column) const;
  // The byte offset of a yaml-cpp mark, as above; nothing for a mark outside the text.
  std::optional<std::size_t> offset_at_line_column(int line, int byte_column) const;
  // The whole file, for problems no single place is to blame for.
  SourceMark whole_file() const { return SourceMark{file_, 0, 0}; }

 private:
  std::filesystem::path file_;
  std::string bytes_;
  // Characters before a byte offset: a count kept every characters_checkpoint_bytes bytes, so a
  // mark far along a long line (a 400 KB flow list) counts a few kilobytes, not the whole line.
  std::size_t characters_before(std::size_t offset) const;

  std::size_t byte_order_mark_length_ = 0;
  std::vector<std::size_t> line_starts_;
  std::vector<std::size_t> characters_at_checkpoints_;
};

// The file's text, or nothing after adding to `diagnostics` why it cannot be used.
std::optional<SourceText> read_source_file(const std::filesystem::path& file,
                                           std::vector<Diagnostic>& diagnostics);

}  // namespace bangtin::playlists_detail
