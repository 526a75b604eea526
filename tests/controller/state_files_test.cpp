// The state directory on disk: its modes whatever the umask, and last-good copies that are the
// very bytes the daemon checked.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>

#include "atomic_file.hpp"
#include "bangtin/play_log.hpp"
#include "file_modes.hpp"
#include "programme_source.hpp"
#include "state_directory.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;

namespace {

void set_mode(const std::filesystem::path& path, mode_t mode) {
  ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

// The daemon's state as it writes it: a last-good copy, the status, and a play recorded. The
// store stays open: SQLite removes its -wal and -shm files when the last connection closes.
std::unique_ptr<PlayStore> write_state(const std::filesystem::path& state) {
  replace_file(state / "last-good/test.yaml", "playlist: test\n");
  replace_file(state / "status.json", "{}\n");
  auto store = std::make_unique<PlayStore>(state / "plays.sqlite3");
  store->begin(PlayStart{"cong-ubnd", "test", "mot-cua", "Một cửa", tuesday_morning()});
  return store;
}

void expect_private_state(const std::filesystem::path& state) {
  EXPECT_EQ(mode_of(state), 0750u);
  EXPECT_EQ(mode_of(state / "last-good"), 0750u);
  EXPECT_EQ(mode_of(state / "last-good/test.yaml"), 0640u);
  EXPECT_EQ(mode_of(state / "status.json"), 0640u);
  EXPECT_EQ(mode_of(state / "plays.sqlite3"), 0640u);
  EXPECT_EQ(mode_of(state / "plays.sqlite3-wal"), 0640u);
  EXPECT_EQ(mode_of(state / "plays.sqlite3-shm"), 0640u);
}

}  // namespace

TEST(StateModes, UnderUmaskZeroNobodyElseCanWriteTheState) {
  ScratchDir dir;
  const UmaskForTest open_umask(0);
  const auto store = write_state(dir.path() / "var/state");
  expect_private_state(dir.path() / "var/state");
  EXPECT_EQ(mode_of(dir.path() / "var"), 0750u);  // a parent the daemon had to create too
}

TEST(StateModes, UnderATightUmaskTheOperatorsGroupStillReads) {
  ScratchDir dir;
  const UmaskForTest tight_umask(077);
  const auto store = write_state(dir.path() / "state");
  expect_private_state(dir.path() / "state");
}

TEST(StateModes, LooseDirectoriesAndFilesLeftFromBeforeAreTightenedOnceAndSaid) {
  ScratchDir dir;
  const auto state = dir.path() / "state";
  write_state(state);  // and closed: -wal and -shm are gone
  set_mode(state, 0777);
  set_mode(state / "last-good", 0775);
  set_mode(state / "last-good/test.yaml", 0666);
  set_mode(state / "plays.sqlite3", 0644);
  set_mode(state / "status.json", 0600);  // tighter than needed: left as it is

  const auto said = tighten_state_directory(state);
  std::string all;
  for (const auto& line : said) all += line + "\n";
  ASSERT_EQ(said.size(), 4u) << all;
  EXPECT_NE(all.find(state.string() + " allowed 0777; now 0750"), std::string::npos) << all;
  EXPECT_NE(all.find("test.yaml allowed 0666; now 0640"), std::string::npos) << all;
  EXPECT_EQ(mode_of(state), 0750u);
  EXPECT_EQ(mode_of(state / "last-good"), 0750u);
  EXPECT_EQ(mode_of(state / "last-good/test.yaml"), 0640u);
  EXPECT_EQ(mode_of(state / "plays.sqlite3"), 0640u);
  EXPECT_EQ(mode_of(state / "status.json"), 0600u);
  EXPECT_TRUE(tighten_state_directory(state).empty());
}

TEST(StateModes, ALeftoverPartialFileIsReplacedNotFollowed) {
  ScratchDir dir;
  const auto state = dir.path() / "state";
  const auto elsewhere = dir.write("elsewhere.txt", "not to be touched");
  std::filesystem::create_directories(state);
  std::filesystem::create_symlink(elsewhere, state / ".status.json.partial");
  replace_file(state / "status.json", "{}\n");
  EXPECT_EQ(read_file(state / "status.json"), "{}\n");
  EXPECT_EQ(read_file(elsewhere), "not to be touched");
  EXPECT_FALSE(
      std::filesystem::exists(std::filesystem::symlink_status(state / ".status.json.partial")));
}

TEST(StateModes, SomethingInTheWayOfTheStateDirectoryIsAClearError) {
  ScratchDir dir;
  const auto file = dir.write("not-a-directory", "x");
  try {
    replace_file(file / "state/status.json", "{}\n");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(
        std::string(error.what()).find("cannot write " + file.string() + "/state/status.json"),
        std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("Not a directory"), std::string::npos) << error.what();
  }
}

namespace {

const std::string kChecked =
    "playlist: feed\nitems:\n  - id: mot-cua\n    text: \"Bộ phận Một cửa\"\n";
const std::string kEditedSince = "playlist: feed\nitems:\n  - id: mot-cua\n    txt: \"sai\"\n";

// A playlist whose reader gets kChecked on the first open and kEditedSince on any later one: a
// FIFO fed by a thread, as if an editor saved between two reads. The second version is only
// written if someone opens the playlist again after the first reader closed it.
class PlaylistEditedAfterTheFirstRead {
 public:
  explicit PlaylistEditedAfterTheFirstRead(std::filesystem::path file) : file_(std::move(file)) {
    if (::mkfifo(file_.c_str(), 0600) != 0) throw std::runtime_error("mkfifo failed");
    closes_ = ::inotify_init1(IN_CLOEXEC);
    ::inotify_add_watch(closes_, file_.c_str(), IN_CLOSE_NOWRITE);
    feeder_ = std::thread([this] { feed(); });
  }
  ~PlaylistEditedAfterTheFirstRead() {
    // Unblocks a feeder waiting for a reader, which then finds it is done.
    done_ = true;
    const int unblock = ::open(file_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    feeder_.join();
    ::close(unblock);
    ::close(closes_);
  }

 private:
  void write_version(const std::string& text) {
    const int fd = ::open(file_.c_str(), O_WRONLY | O_CLOEXEC);  // waits for a reader
    if (fd < 0) return;
    if (!done_) (void)!::write(fd, text.data(), text.size());
    ::close(fd);
  }
  void feed() {
    write_version(kChecked);
    if (done_) return;
    // The first reader has read it all once it closes the playlist.
    pollfd closed{closes_, POLLIN, 0};
    if (::poll(&closed, 1, 10000) != 1) return;
    write_version(kEditedSince);
  }

  std::filesystem::path file_;
  int closes_ = -1;
  std::atomic<bool> done_{false};
  std::thread feeder_;
};

}  // namespace

TEST(LastGoodCopy, IsTheBytesThatWereCheckedNotTheFileReadAgain) {
  ScratchDir dir;
  const auto config = dir.write("bangtin.yaml",
                                "timezone: \"+07:00\"\nplaylists: feed.yaml\ndisplays:\n"
                                "  - name: cong-ubnd\n    size: 128x32\n    pixel: mono\n"
                                "    link: modbus-tcp://127.0.0.1:1502?unit=1\n");
  Loaded<Programme> loaded;
  {
    const PlaylistEditedAfterTheFirstRead playlist(dir.path() / "feed.yaml");
    ProgrammeSource source(config, ProgrammeSource::Copies::keep);
    loaded = source.load();
  }
  ASSERT_TRUE(loaded.value);
  ASSERT_EQ(loaded.value->playlists.size(), 1u);
  EXPECT_EQ(loaded.value->playlists[0].source_bytes, kChecked);
  EXPECT_EQ(read_file(dir.path() / "state/last-good/feed.yaml"), kChecked);
}
