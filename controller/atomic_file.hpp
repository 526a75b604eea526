// Private to the controller: files a power cut never leaves half-written.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace bangtin {

// Replaces `file` with `bytes`: written beside it, flushed to the disk, then renamed over it, so
// a reader (or a restart after a power cut) sees the old file or the new one, never a mix.
// Creates the directory. Throws std::runtime_error naming the file when it cannot.
void replace_file(const std::filesystem::path& file, std::string_view bytes);

// The whole file; throws std::runtime_error naming it when it cannot be read.
std::string read_file(const std::filesystem::path& file);

}  // namespace bangtin
