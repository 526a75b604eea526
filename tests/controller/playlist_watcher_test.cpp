#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>

#include "playlist_watcher.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

// Runs the loop until the watcher reports a change or a generous timeout passes.
int changes_after(boost::asio::io_context& loop, int& changes) {
  loop.restart();
  loop.run_for(2s);
  return changes;
}

}  // namespace

TEST(PlaylistWatcher, ReportsAWrittenPlaylistOnceAfterABurstOfEvents) {
  ScratchDir dir;
  boost::asio::io_context loop;
  int changes = 0;
  boost::asio::steady_timer quiet(loop);
  PlaylistWatcher watcher(loop, dir.path(), std::nullopt, 50ms, [&] {
    ++changes;
    // Stop after several settle times more, so a second report would be counted.
    quiet.expires_after(300ms);
    quiet.async_wait([&](auto) { loop.stop(); });
  });
  dir.write("a.yaml", "playlist: a\n");
  dir.write("b.yml", "playlist: b\n");
  std::filesystem::rename(dir.path() / "b.yml", dir.path() / "c.yml");
  EXPECT_EQ(changes_after(loop, changes), 1);
}

TEST(PlaylistWatcher, SaysWhenItsDirectoryGoesAway) {
  ScratchDir dir;
  const auto playlists = dir.path() / "playlists";
  std::filesystem::create_directories(playlists);
  boost::asio::io_context loop;
  bool lost = false;
  PlaylistWatcher watcher(
      loop, playlists, std::nullopt, 20ms, [] {},
      [&] {
        lost = true;
        loop.stop();
      });
  std::filesystem::rename(playlists, dir.path() / "old-playlists");
  loop.run_for(2s);
  EXPECT_TRUE(lost);
}

TEST(PlaylistWatcher, ReportsARemovedPlaylistAndIgnoresOtherFiles) {
  ScratchDir dir;
  dir.write("a.yaml", "playlist: a\n");
  boost::asio::io_context loop;
  int changes = 0;
  PlaylistWatcher watcher(loop, dir.path(), std::nullopt, 20ms, [&] {
    ++changes;
    loop.stop();
  });
  dir.write("notes.txt", "not a playlist");
  dir.write(".a.yaml.swp", "editor temporary");
  loop.run_for(200ms);  // nothing relevant happened: the loop runs out its time
  EXPECT_EQ(changes, 0);
  std::filesystem::remove(dir.path() / "a.yaml");
  EXPECT_EQ(changes_after(loop, changes), 1);
}

TEST(PlaylistWatcher, ADirectoryThatCannotBeWatchedIsAClearError) {
  boost::asio::io_context loop;
  EXPECT_THROW(PlaylistWatcher(loop, "/nonexistent/playlists", std::nullopt, 20ms, [] {}),
               std::runtime_error);
}

TEST(PlaylistWatcher, AMediaFolderMadeLaterAndPicturesInWatchedFoldersAreReported) {
  ScratchDir dir;
  boost::asio::io_context loop;
  int changes = 0;
  PlaylistWatcher watcher(loop, dir.path(), std::nullopt, 20ms, [&] {
    ++changes;
    loop.stop();
  });
  // media/ made after the start: a reload is what makes the daemon watch it.
  std::filesystem::create_directories(dir.path() / "media");
  EXPECT_EQ(changes_after(loop, changes), 1);
  // Once watched, any picture put there is a change; hidden temporaries are not.
  watcher.watch_media({dir.path() / "media"});
  dir.write("media/.poster.png.part", "x");
  dir.write("media/poster.png", "x");
  EXPECT_EQ(changes_after(loop, changes), 2);
  // Media beside the playlists themselves: any file there counts too.
  watcher.watch_media({dir.path()});
  dir.write("logo.png", "x");
  EXPECT_EQ(changes_after(loop, changes), 3);
  // Folders let go of are no longer watched: a file beside the playlists is no change then.
  watcher.watch_media({});
  dir.write("other.txt", "x");
  dir.write("media/banner.png", "x");
  loop.restart();
  loop.run_for(300ms);
  EXPECT_EQ(changes, 3);
}
