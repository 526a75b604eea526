#include "source_text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "unicode_text.hpp"

namespace bangtin::playlists_detail {
namespace {

constexpr std::string_view utf8_byte_order_mark = "\xEF\xBB\xBF";
constexpr std::size_t characters_checkpoint_bytes = 4096;

// Closes the descriptor however reading ends.
class FileDescriptor {
 public:
  explicit FileDescriptor(int descriptor) : descriptor_(descriptor) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (descriptor_ >= 0) ::close(descriptor_);
  }
  int get() const { return descriptor_; }

 private:
  int descriptor_;
};

Diagnostic error_at(SourceMark where, std::string message) {
  return Diagnostic{std::move(where), Severity::error, std::move(message)};
}

std::string too_large_message(std::string_view size) {
  return "file is too large (" + std::string(size) + " bytes; the limit is 1 MiB)";
}

// Reads at most max_source_bytes + 1 bytes, enough to tell that a file which did not say its
// size (a pipe, a file still growing) is too large.
std::optional<std::string> read_capped(int descriptor, int& error_number) {
  std::string bytes;
  char buffer[64 * 1024];
  while (bytes.size() <= max_source_bytes) {
    const std::size_t wanted = std::min(sizeof buffer, max_source_bytes + 1 - bytes.size());
    const ssize_t got = ::read(descriptor, buffer, wanted);
    if (got < 0) {
      if (errno == EINTR) continue;
      error_number = errno;
      return std::nullopt;
    }
    if (got == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(got));
  }
  return bytes;
}

bool starts_with_utf16_byte_order_mark(std::string_view bytes) {
  return bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF");
}

}  // namespace

SourceText::SourceText(std::filesystem::path file, std::string bytes)
    : file_(std::move(file)), bytes_(std::move(bytes)) {
  if (std::string_view(bytes_).starts_with(utf8_byte_order_mark))
    byte_order_mark_length_ = utf8_byte_order_mark.size();
  line_starts_.push_back(0);
  std::size_t characters = 0;
  for (std::size_t offset = 0; offset < bytes_.size(); ++offset) {
    if (offset % characters_checkpoint_bytes == 0) characters_at_checkpoints_.push_back(characters);
    if (bytes_[offset] == '\n') line_starts_.push_back(offset + 1);
    // A character starts at every byte but UTF-8 continuation bytes, as in count_characters.
    characters += (static_cast<unsigned char>(bytes_[offset]) & 0xC0) != 0x80;
  }
  // So that the end of the text, too, has a checkpoint at or before it.
  if (bytes_.size() % characters_checkpoint_bytes == 0)
    characters_at_checkpoints_.push_back(characters);
}

std::size_t SourceText::characters_before(std::size_t offset) const {
  const std::size_t checkpoint = offset / characters_checkpoint_bytes;
  const std::size_t start = checkpoint * characters_checkpoint_bytes;
  return characters_at_checkpoints_[checkpoint] +
         count_characters(std::string_view(bytes_).substr(start, offset - start));
}

SourceMark SourceText::mark_at_offset(std::size_t offset) const {
  offset = std::min(offset, bytes_.size());
  const auto next_line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line_index = static_cast<std::size_t>(next_line - line_starts_.begin()) - 1;
  std::size_t line_start = line_starts_[line_index];
  if (line_index == 0) line_start = std::min(byte_order_mark_length_, offset);
  const std::size_t column =
      offset - line_start <= characters_checkpoint_bytes
          ? count_characters(std::string_view(bytes_).substr(line_start, offset - line_start))
          : characters_before(offset) - characters_before(line_start);
  return SourceMark{file_, static_cast<int>(line_index) + 1, static_cast<int>(column) + 1};
}

SourceMark SourceText::mark_at_line_column(int line, int byte_column) const {
  const auto offset = offset_at_line_column(line, byte_column);
  if (!offset) return whole_file();
  return mark_at_offset(*offset);
}

std::optional<std::size_t> SourceText::offset_at_line_column(int line, int byte_column) const {
  if (line < 0 || byte_column < 0) return std::nullopt;
  const auto line_index = std::min(static_cast<std::size_t>(line), line_starts_.size() - 1);
  std::size_t offset = line_starts_[line_index] + static_cast<std::size_t>(byte_column);
  if (line_index == 0) offset += byte_order_mark_length_;
  return std::min(offset, bytes_.size());
}

std::optional<SourceText> read_source_file(const std::filesystem::path& file,
                                           std::vector<Diagnostic>& diagnostics) {
  const SourceMark whole_file{file, 0, 0};
  const auto cannot_read = [&](int error_number) {
    diagnostics.push_back(
        error_at(whole_file, std::string("cannot read file: ") + std::strerror(error_number)));
    return std::nullopt;
  };

  const FileDescriptor descriptor(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (descriptor.get() < 0) return cannot_read(errno);
  struct stat status {};
  if (::fstat(descriptor.get(), &status) != 0) return cannot_read(errno);
  if (S_ISDIR(status.st_mode)) return cannot_read(EISDIR);
  if (S_ISREG(status.st_mode) && static_cast<std::size_t>(status.st_size) > max_source_bytes) {
    diagnostics.push_back(error_at(whole_file, too_large_message(std::to_string(status.st_size))));
    return std::nullopt;
  }

  int error_number = 0;
  auto bytes = read_capped(descriptor.get(), error_number);
  if (!bytes) return cannot_read(error_number);
  if (bytes->size() > max_source_bytes) {
    diagnostics.push_back(error_at(whole_file, too_large_message("more than 1048576")));
    return std::nullopt;
  }
  if (bytes->empty()) {
    diagnostics.push_back(error_at(whole_file, "file is empty"));
    return std::nullopt;
  }
  if (starts_with_utf16_byte_order_mark(*bytes)) {
    diagnostics.push_back(error_at(whole_file, "file is UTF-16; save it as UTF-8"));
    return std::nullopt;
  }

  SourceText source(file, std::move(*bytes));
  if (const auto problem = find_invalid_utf8(source.bytes())) {
    const SourceMark where = source.mark_at_offset(problem->offset);
    // The mark gives line and column; the offset is for hex editors, where such files end up.
    const std::string position = "byte offset " + std::to_string(problem->offset);
    if (problem->is_nul)
      diagnostics.push_back(
          error_at(where, "file is binary, not text (NUL byte at " + position + ")"));
    else
      // Vietnamese text that is not UTF-8 is almost always in one of the pre-Unicode encodings.
      diagnostics.push_back(error_at(where, "invalid UTF-8 at " + position +
                                                "; save the file as UTF-8, not in a legacy "
                                                "encoding such as TCVN3 or Windows-1258"));
    return std::nullopt;
  }
  return source;
}

}  // namespace bangtin::playlists_detail
