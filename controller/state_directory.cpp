#include "state_directory.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace bangtin {

namespace {

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode));
  return text;
}

// Removes the permission bits beyond `allowed` from `path` when this user owns it; setgid and
// sticky bits are an administrator's choice and stay.
void tighten(const std::filesystem::path& path, mode_t allowed, std::vector<std::string>& said) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return;
  if (!S_ISDIR(status.st_mode) && !S_ISREG(status.st_mode)) return;
  if (status.st_uid != ::geteuid()) return;
  const mode_t permissions = status.st_mode & 0777;
  if ((permissions & ~allowed) == 0) return;
  const mode_t tightened = (status.st_mode & 07777) & ~(permissions & ~allowed);
  if (::chmod(path.c_str(), tightened) != 0) {
    said.push_back("state: " + path.string() + " allows " + octal(permissions) +
                   " and cannot be tightened: " + std::strerror(errno));
    return;
  }
  said.push_back("state: " + path.string() + " allowed " + octal(permissions) + "; now " +
                 octal(tightened & 0777) +
                 ", so that only bangtind's user can change what the boards show");
}

void tighten_directory_and_files(const std::filesystem::path& directory,
                                 std::vector<std::string>& said) {
  tighten(directory, kStateDirectoryMode, said);
  std::error_code error;
  for (std::filesystem::directory_iterator entry(directory, error), end; !error && entry != end;
       entry.increment(error)) {
    std::error_code type_error;
    if (entry->is_regular_file(type_error) && !entry->is_symlink(type_error))
      tighten(entry->path(), kStateFileMode, said);
  }
}

}  // namespace

void make_state_directory(const std::filesystem::path& directory) {
  std::filesystem::path partial;
  for (const auto& part : directory) {
    partial /= part;
    if (::mkdir(partial.c_str(), kStateDirectoryMode) == 0) {
      // mkdir's mode is cut by the umask: a tighter umask would shut the operators' group out.
      if (::chmod(partial.c_str(), kStateDirectoryMode) == 0) continue;
    } else if (errno == EEXIST) {
      continue;
    }
    throw std::runtime_error("cannot create directory " + partial.string() + ": " +
                             std::strerror(errno));
  }
  // An existing file where a directory should be, or a dangling symbolic link.
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error))
    throw std::runtime_error("cannot create directory " + directory.string() +
                             ": something else is in the way");
}

std::vector<std::string> tighten_state_directory(const std::filesystem::path& state) {
  std::vector<std::string> said;
  tighten_directory_and_files(state, said);
  tighten_directory_and_files(state / "last-good", said);
  return said;
}

}  // namespace bangtin
