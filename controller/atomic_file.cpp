#include "atomic_file.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "state_directory.hpp"

namespace bangtin {

namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw std::runtime_error("cannot write " + file.string() + ": " + what);
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  // Closing is where some file systems (NFS) report a failed write.
  bool close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

void write_all(const FileDescriptor& fd, std::string_view bytes,
               const std::filesystem::path& file) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(file, std::strerror(n < 0 ? errno : EIO));
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

void replace_file(const std::filesystem::path& file, std::string_view bytes) {
  const std::filesystem::path directory =
      file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  try {
    make_state_directory(directory);
  } catch (const std::runtime_error& error) {
    fail(file, error.what());
  }
  std::string partial_name = file.filename().string();  // appended: GCC 12 -O3 -Wrestrict
  partial_name.insert(0, 1, '.');
  partial_name += ".partial";
  const auto partial = directory / partial_name;
  // A partial file a crash left behind may have any mode: it is replaced, never reused.
  if (::unlink(partial.c_str()) != 0 && errno != ENOENT) fail(file, std::strerror(errno));
  FileDescriptor fd(::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                           kStateFileMode));
  if (fd.get() < 0) fail(file, std::strerror(errno));
  // open's mode is cut by the umask; the file gets exactly its mode.
  if (::fchmod(fd.get(), kStateFileMode) != 0) fail(file, std::strerror(errno));
  write_all(fd, bytes, file);
  if (::fsync(fd.get()) != 0 || !fd.close()) fail(file, std::strerror(errno));
  if (::rename(partial.c_str(), file.c_str()) != 0) fail(file, std::strerror(errno));
  // The rename itself is an entry in the directory: until the directory is flushed, a power cut
  // may bring back the old file.
  FileDescriptor parent(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (parent.get() < 0 || ::fsync(parent.get()) != 0)
    fail(file, std::string("written, but the directory was not flushed to the disk: ") +
                   std::strerror(errno));
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return bytes.str();
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr))
    throw std::runtime_error("SHA-256 failed");
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace bangtin
