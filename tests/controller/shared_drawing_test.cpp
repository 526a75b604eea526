// Boards of one model showing the same item draw it once and hold its pixels once, and a light
// change on one board leaves what the others show as it was.
#include <gtest/gtest.h>

#include <ostream>
#include <thread>

#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace bangtin {
// Readable in a failure's message.
void PrintTo(const DrawingCount& count, std::ostream* out) {
  *out << "{drawn " << count.drawn << ", relit " << count.relit << "}";
}
}  // namespace bangtin

namespace {

// Three colour boards: two of one model, whose brightness drops at 08:02 and at 08:04, and a
// smaller one.
const std::string kConfig =
    "timezone: \"+07:00\"\nplaylists: playlists/\ndisplays:\n"
    "  - name: cong-ubnd\n    size: 128x32\n    pixel: rgb565\n"
    "    link: ddp://127.0.0.1:4048\n"
    "    brightness: [{from: \"00:00\", percent: 100}, {from: \"08:02\", percent: 40}]\n"
    "  - name: cho-xa\n    size: 128x32\n    pixel: rgb565\n"
    "    link: ddp://127.0.0.1:4049\n"
    "    brightness: [{from: \"00:00\", percent: 100}, {from: \"08:04\", percent: 40}]\n"
    "  - name: truong-hoc\n    size: 64x16\n    pixel: rgb565\n"
    "    link: ddp://127.0.0.1:4050\n";

// Scrolling notices, muc-0, muc-1, ..., each playing for `seconds`.
std::string scrolling_notices(int count, int seconds) {
  std::string playlist = "playlist: test\nitems:\n";
  for (int i = 0; i < count; ++i) {
    playlist +=
        "  - id: muc-" + std::to_string(i) + "\n    text: \"Thông báo số " + std::to_string(i) +
        ": nộp hồ sơ trực tuyến\"\n    speed: 50\n    duration: " + std::to_string(seconds) + "s\n";
  }
  return playlist;
}

class SharedDrawingTest : public ::testing::Test {
 protected:
  void load(const std::string& playlist) {
    dir_.write("playlists/test.yaml", playlist);
    Loaded<Programme> loaded = load_programme(dir_.write("bangtin.yaml", kConfig));
    for (const auto& d : loaded.diagnostics) ADD_FAILURE() << d.to_string();
    ASSERT_TRUE(loaded.value);
    programme_ = std::make_shared<const Programme>(std::move(*loaded.value));
  }
  const DisplayConfig& display(std::size_t index) const {
    return programme_->config.displays.at(index);
  }
  // A player as the daemon makes it: its content planned by the daemon's one planner.
  DisplayPlayer player(std::size_t index) {
    return DisplayPlayer(*programme_, display(index), planner_.plan(programme_, display(index)));
  }
  static const Frame* strip_on_air(const DisplayPlayer& player) {
    const std::optional<ScrollStrip> strip = player.scroll_strip();
    return strip ? strip->strip.get() : nullptr;
  }

  ScratchDir dir_;
  std::shared_ptr<const Programme> programme_;
  ContentPlanner planner_;
};

}  // namespace

TEST_F(SharedDrawingTest, BoardsOfOneModelShowTheVeryPixelsOneOfThemDrew) {
  load(scrolling_notices(2, 600));
  const auto t = tuesday_morning() + 1s;
  {
    DisplayPlayer gate = player(0);
    DisplayPlayer market = player(1);
    const Frame at_gate = gate.frame_at(t);
    EXPECT_EQ(market.frame_at(t), at_gate);
    ASSERT_NE(strip_on_air(gate), nullptr);
    EXPECT_EQ(strip_on_air(market), strip_on_air(gate));
    EXPECT_EQ(planner_.drawings(), (DrawingCount{1, 0}));
    // Both keep it, and each says so: the status of each display counts what it keeps.
    EXPECT_EQ(market.prepared_cache(), gate.prepared_cache());

    // A board of another size draws the item for itself.
    DisplayPlayer school = player(2);
    school.frame_at(t);
    EXPECT_NE(strip_on_air(school), strip_on_air(gate));
    EXPECT_EQ(planner_.drawings(), (DrawingCount{2, 0}));
  }
  // The pixels went with the last board that kept them: a board started now draws them again.
  DisplayPlayer gate = player(0);
  gate.frame_at(t);
  EXPECT_EQ(planner_.drawings(), (DrawingCount{3, 0}));
}

TEST_F(SharedDrawingTest, ALightChangeOnOneBoardLeavesWhatTheOthersShowAsItWas) {
  load(scrolling_notices(2, 600));
  DisplayPlayer gate = player(0);
  DisplayPlayer market = player(1);
  const auto before = tuesday_morning() + 1min;
  gate.frame_at(before);
  const Frame market_before = market.frame_at(before);
  const std::shared_ptr<const Frame> market_strip = market.scroll_strip()->strip;
  const Frame market_strip_before = *market_strip;

  // The gate's board dims at 08:02; the market's stays bright and shows the same item.
  const auto dimmed = tuesday_morning() + 3min;
  const Frame gate_dimmed = gate.frame_at(dimmed);
  EXPECT_EQ(gate.brightness(), 40);
  EXPECT_EQ(gate.text_shown(), market.text_shown());
  EXPECT_NE(strip_on_air(gate), market_strip.get());
  EXPECT_EQ(*market_strip, market_strip_before);
  EXPECT_EQ(market.frame_at(before), market_before);
  EXPECT_EQ(market.brightness(), 100);
  // The dimmed board shows what a board drawing it anew in that light shows.
  DisplayPlayer alone(*programme_, display(0));
  EXPECT_EQ(alone.frame_at(dimmed), gate_dimmed);
  EXPECT_EQ(planner_.drawings(), (DrawingCount{1, 1}));

  // The market's board dims at 08:04 to the same light: it takes the gate's, converted once.
  market.frame_at(tuesday_morning() + 5min);
  EXPECT_EQ(market.brightness(), 40);
  EXPECT_EQ(strip_on_air(market), strip_on_air(gate));
  EXPECT_EQ(planner_.drawings(), (DrawingCount{1, 1}));
}

TEST_F(SharedDrawingTest, BoardsInPhaseDrawTheNextItemOnceBetweenThem) {
  load(scrolling_notices(20, 5));
  // Four boards of one model on the same programme, each drawing ahead on a thread of its own.
  std::vector<DisplayPlayer> boards;
  for (int board = 0; board < 4; ++board) boards.push_back(player(board % 2));
  for (DisplayPlayer& board : boards) board.draw_ahead();
  const auto on_air_at = tuesday_morning() + 1s;
  for (DisplayPlayer& board : boards) board.frame_at(on_air_at);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  const auto all_drawn_ahead = [&] {
    return std::all_of(boards.begin(), boards.end(),
                       [](const DisplayPlayer& board) { return board.next_scroll_strip(); });
  };
  while (!all_drawn_ahead() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
    for (DisplayPlayer& board : boards) board.frame_at(on_air_at);
  }
  ASSERT_TRUE(all_drawn_ahead());
  for (const DisplayPlayer& board : boards)
    EXPECT_EQ(board.next_scroll_strip(), boards.front().next_scroll_strip());
  // The item on air and the next one, each drawn once for the four.
  EXPECT_EQ(planner_.drawings(), (DrawingCount{2, 0}));

  const auto next_at = tuesday_morning() + 6s;
  for (DisplayPlayer& board : boards) board.frame_at(next_at);
  for (const DisplayPlayer& board : boards)
    EXPECT_EQ(strip_on_air(board), strip_on_air(boards.front()));
}
