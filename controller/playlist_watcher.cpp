#include "playlist_watcher.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace bangtin {

namespace {

constexpr std::uint32_t kFolderMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                      IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF;

int open_inotify(const std::filesystem::path& directory) {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0)
    throw std::runtime_error(std::string("cannot start inotify: ") + std::strerror(errno));
  const std::uint32_t mask = kFolderMask;
  if (inotify_add_watch(fd, directory.c_str(), mask) < 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("cannot watch " + directory.string() + " for changes: " + why);
  }
  return fd;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

PlaylistWatcher::PlaylistWatcher(boost::asio::io_context& loop,
                                 const std::filesystem::path& directory,
                                 std::optional<std::string> only_file,
                                 std::chrono::milliseconds settle, std::function<void()> on_change,
                                 std::function<void()> on_lost)
    : inotify_(loop, open_inotify(directory)),
      settle_timer_(loop),
      only_file_(std::move(only_file)),
      settle_(settle),
      on_change_(std::move(on_change)),
      on_lost_(std::move(on_lost)) {
  // The descriptor of the watch just added (adding it again with IN_MASK_ADD changes nothing).
  main_watch_ =
      inotify_add_watch(inotify_.native_handle(), directory.c_str(), kFolderMask | IN_MASK_ADD);
  read_events();
}

PlaylistWatcher::~PlaylistWatcher() {
  boost::system::error_code ignored;
  settle_timer_.cancel();
  inotify_.close(ignored);
}

bool PlaylistWatcher::concerns_playlists(const std::string& name) const {
  if (only_file_) return name == *only_file_;
  if (name.empty() || name.front() == '.') return false;  // editors' hidden temporaries
  return ends_with(name, ".yaml") || ends_with(name, ".yml") || ends_with(name, ".YAML") ||
         ends_with(name, ".YML");
}

void PlaylistWatcher::watch_media(const std::set<std::filesystem::path>& folders) {
  const int fd = inotify_.native_handle();
  media_in_main_ = false;
  for (auto watch = media_watches_.begin(); watch != media_watches_.end();) {
    if (folders.count(watch->second)) {
      ++watch;
      continue;
    }
    inotify_rm_watch(fd, watch->first);
    watch = media_watches_.erase(watch);
  }
  // IN_MASK_ADD: a media folder that is the playlists folder itself keeps its own events.
  const std::uint32_t mask =
      IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_MASK_ADD;
  for (const std::filesystem::path& folder : folders) {
    bool watched = false;
    for (const auto& [descriptor, path] : media_watches_) watched = watched || path == folder;
    if (watched) continue;
    const int descriptor = inotify_add_watch(fd, folder.c_str(), mask);
    if (descriptor == main_watch_)
      media_in_main_ = true;
    else if (descriptor >= 0)
      media_watches_[descriptor] = folder;
  }
}

void PlaylistWatcher::read_events() {
  inotify_.async_read_some(
      boost::asio::buffer(buffer_), [this](const boost::system::error_code& error, std::size_t n) {
        if (error) return;  // closed: the watcher is going away
        bool relevant = false;
        for (std::size_t offset = 0; offset + sizeof(inotify_event) <= n;) {
          inotify_event event;
          std::memcpy(&event, buffer_.data() + offset, sizeof event);
          const char* name = buffer_.data() + offset + sizeof(inotify_event);
          const bool media = media_watches_.count(event.wd) > 0;
          const bool any_file = media || (event.wd == main_watch_ && media_in_main_);
          if (event.len > 0 && (any_file ? name[0] != '.' : concerns_playlists(std::string(name))))
            relevant = true;
          // A folder made or moved into the playlists folder (media/, at last): a reload then
          // watches it, and takes up a playlist waiting for a picture put there.
          if (event.len > 0 && event.wd == main_watch_ && (event.mask & IN_ISDIR) &&
              (event.mask & (IN_CREATE | IN_MOVED_TO)) && name[0] != '.')
            relevant = true;
          // The kernel dropped events: something may have changed, so read everything again.
          if (event.mask & IN_Q_OVERFLOW) relevant = true;
          if (media && (event.mask & IN_IGNORED)) media_watches_.erase(event.wd);
          if (!media && (event.mask & (IN_DELETE_SELF | IN_MOVE_SELF))) {
            relevant = true;  // the reload reports the missing directory
            if (on_lost_) on_lost_();
          }
          offset += sizeof(inotify_event) + event.len;
        }
        if (relevant) {
          settle_timer_.expires_after(settle_);
          settle_timer_.async_wait([this](const boost::system::error_code& cancelled) {
            if (!cancelled) on_change_();
          });
        }
        read_events();
      });
}

}  // namespace bangtin
