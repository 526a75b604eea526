// Private to the controller: notices changed, added or removed playlist files.
//
// inotify through Asio, so the loop thread never polls the disk. Editors save in bursts (write a
// temporary file, rename it, touch a backup), so changes are reported once things have been quiet
// for a short settle time, not per event.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace bangtin {

class PlaylistWatcher {
 public:
  // Watches `directory` for *.yaml / *.yml files, or only `only_file` when given. `on_lost` is
  // called when the directory itself is removed or renamed: watching it ends there.
  // Throws std::runtime_error when the directory cannot be watched.
  PlaylistWatcher(boost::asio::io_context& loop, const std::filesystem::path& directory,
                  std::optional<std::string> only_file, std::chrono::milliseconds settle,
                  std::function<void()> on_change, std::function<void()> on_lost = {});
  ~PlaylistWatcher();
  PlaylistWatcher(const PlaylistWatcher&) = delete;
  PlaylistWatcher& operator=(const PlaylistWatcher&) = delete;

  // Also watches these folders (where the playlists' pictures, videos and documents are), any
  // file in them, from now on; folders watched before and not named now are let go. A folder
  // that cannot be watched is skipped: its files are read again at the next reload anyway.
  void watch_media(const std::set<std::filesystem::path>& folders);

 private:
  void read_events();
  bool concerns_playlists(const std::string& name) const;

  int main_watch_ = -1;         // the playlists folder's
  bool media_in_main_ = false;  // media files lie in the playlists folder itself
  std::map<int, std::filesystem::path> media_watches_;  // by watch descriptor
  boost::asio::posix::stream_descriptor inotify_;
  boost::asio::steady_timer settle_timer_;
  std::optional<std::string> only_file_;
  std::chrono::milliseconds settle_;
  std::function<void()> on_change_;
  std::function<void()> on_lost_;
  alignas(8) std::array<char, 8192> buffer_;
};

}  // namespace bangtin
