// Private to the controller: files a power cut never leaves half-written.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace bangtin {

// Replaces `file` in the state directory with `bytes`: written beside it and flushed to the
// disk, renamed over it, then the rename flushed too, so a reader (or a restart after a power
// cut) sees the old file or the new one, never a mix, and never loses the new one once this
// returns. The file gets kStateFileMode and missing directories kStateDirectoryMode, whatever
// the umask. Throws std::runtime_error naming the file when it cannot.
void replace_file(const std::filesystem::path& file, std::string_view bytes);

// The SHA-256 of the bytes as 64 lowercase hex digits: what identifies a text shown (proof of
// play) or a version of a file (the console's playlists).
std::string sha256_hex(std::string_view bytes);

// The whole file; throws std::runtime_error naming it when it cannot be read.
std::string read_file(const std::filesystem::path& file);

}  // namespace bangtin
