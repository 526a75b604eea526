// The operator-file loader from the bytes up: each input is written to one file (the same path
// for the whole run) and read as `bangtin validate` and the daemon read it: looks_like_config,
// load_playlist alone and under a config with two boards, and load_config.
//
// Besides the sanitizers (and libFuzzer's timeout and memory limit, which a loader that loops or
// expands aliases without bound runs into), it checks what every caller relies on: loading never
// throws, a file with errors yields no playlist only together with an error saying why, and every
// diagnostic prints as one line of valid UTF-8 without control characters.
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "bangtin/playlists.hpp"

namespace {

void require(bool holds) {
  if (!holds) std::abort();
}

// One file for the whole run, in a directory of its own that is removed when the run ends.
class InputFile {
 public:
  InputFile()
      : directory_(std::filesystem::temp_directory_path() /
                   ("bangtin-playlist-fuzz-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(directory_);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
  std::filesystem::path path() const { return directory_ / "input.yaml"; }

 private:
  std::filesystem::path directory_;
};

const std::filesystem::path& input_file() {
  static const InputFile input;
  static const std::filesystem::path file = input.path();
  return file;
}

const bangtin::Config& two_boards() {
  static const bangtin::Config config = [] {
    bangtin::Config made;
    bangtin::DisplayConfig gate;
    gate.name = "cong-ubnd";
    gate.width = 128;
    gate.height = 32;
    gate.groups = {"street"};
    bangtin::DisplayConfig hall = gate;
    hall.name = "hoi-truong";
    hall.groups = {"indoor"};
    made.displays = {gate, hall};
    made.utc_offset = std::chrono::hours(7);
    return made;
  }();
  return config;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto lead = static_cast<unsigned char>(text[at]);
    const std::size_t length = lead < 0x80             ? 1
                               : (lead & 0xE0) == 0xC0 ? 2
                               : (lead & 0xF0) == 0xE0 ? 3
                               : (lead & 0xF8) == 0xF0 ? 4
                                                       : 0;
    if (length == 0 || at + length > text.size()) return false;
    for (std::size_t i = 1; i < length; ++i)
      if ((static_cast<unsigned char>(text[at + i]) & 0xC0) != 0x80) return false;
    at += length;
  }
  return true;
}

void check_printable(const std::vector<bangtin::Diagnostic>& diagnostics) {
  for (const auto& diagnostic : diagnostics) {
    const std::string line = diagnostic.to_string();
    for (const char byte : line) {
      const auto code = static_cast<unsigned char>(byte);
      require(code >= 0x20 && code != 0x7F);
    }
    require(is_valid_utf8(line));
    require(diagnostic.where.line >= 0 && diagnostic.where.column >= 0);
  }
}

template <typename T>
void check(const bangtin::Loaded<T>& loaded) {
  check_printable(loaded.diagnostics);
  if (!loaded.value) require(bangtin::has_errors(loaded.diagnostics));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& file = input_file();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  (void)bangtin::looks_like_config(file);
  check(bangtin::load_playlist(file));
  check(bangtin::load_playlist(file, &two_boards()));
  check(bangtin::load_config(file));
  return 0;
}
