#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bangtin {

namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw std::runtime_error("cannot write " + file.string() + ": " + what);
}

}  // namespace

void replace_file(const std::filesystem::path& file, std::string_view bytes) {
  std::error_code error;
  std::filesystem::create_directories(file.parent_path(), error);
  if (error) fail(file, error.message());
  std::string partial_name = file.filename().string();  // appended: GCC 12 -O3 -Wrestrict
  partial_name.insert(0, 1, '.');
  partial_name += ".partial";
  const auto partial = file.parent_path() / partial_name;
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(file, std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      fail(file, why);
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const std::string why = synced ? "" : std::strerror(errno);
  ::close(fd);
  if (!synced) fail(file, why);
  std::filesystem::rename(partial, file, error);
  if (error) fail(file, error.message());
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return bytes.str();
}

}  // namespace bangtin
