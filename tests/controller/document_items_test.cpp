// Document items on a lobby display: a PDF's pages one after the other, each for the item's
// duration, the same in `bangtin render` as on the daemon's screen; refused on LED boards and
// beyond 30 pages, with the file's line and column.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <thread>

#include "bangtin/playlists.hpp"
#include "test_pdf.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;
using namespace std::chrono_literals;

namespace {

const std::string kRed = "1 0 0 rg 0 0 595.28 841.89 re f";
const std::string kBlue = "0 0 1 rg 0 0 595.28 841.89 re f";

class DocumentItems : public ::testing::Test {
 protected:
  void SetUp() override {
    write_pdf("pl/media/thong-bao.pdf", {TestPage{.content = kRed}, TestPage{.content = kBlue}});
    config_ = dir_.write("lobby.yaml", R"(timezone: "+07:00"
playlists: pl/
state: state/
displays:
  - name: sanh
    size: 320x180
    pixel: rgb888
    output: window
  - name: bang
    size: 128x32
    pixel: mono
    link: "modbus-tcp://127.0.0.1:1502?unit=1"
)");
    dir_.write("pl/d.yaml", R"(playlist: d
items:
  - id: thong-bao
    document: media/thong-bao.pdf
    duration: 2s
    targets: [sanh]
)");
  }

  void write_pdf(const std::string& name, const std::vector<TestPage>& pages) {
    const auto file = dir_.path() / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << make_pdf(pages);
  }

  Programme programme() {
    Loaded<Programme> loaded = load_programme(config_);
    EXPECT_TRUE(loaded.value);
    EXPECT_FALSE(has_errors(loaded.diagnostics));
    return std::move(*loaded.value);
  }

  ScratchDir dir_;
  std::filesystem::path config_;
};

Rgb middle(const Frame& frame) { return frame.pixel(frame.width / 2, frame.height / 2); }

}  // namespace

TEST_F(DocumentItems, EachPageStandsForTheDurationAndRenderShowsTheDaemonsFrame) {
  const Programme loaded = programme();
  const DisplayConfig& lobby = loaded.config.displays.front();
  DisplayPlayer live(loaded, lobby);
  live.draw_ahead();
  const SystemClock::time_point start = tuesday_morning();
  live.frame_at(start);
  const Play* play = live.on_air();
  ASSERT_TRUE(play && play->item && play->item->id == "thong-bao");
  EXPECT_EQ(play->end - play->start, 4s) << "two pages of 2 s";
  const SystemClock::time_point began = play->start;
  // The daemon's player draws off its thread: the document is there within a moment.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!live.on_air_drawn() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
    live.frame_at(began);
  }
  ASSERT_TRUE(live.on_air_drawn());
  for (const auto into : {100ms, 1900ms, 2100ms, 3900ms}) {
    const Frame shown = live.frame_at(began + into);
    DisplayPlayer render(loaded, lobby);  // as `bangtin render --at` makes one
    EXPECT_EQ(render.frame_at(began + into), shown) << into.count() << " ms in";
    const Rgb expected = into < 2s ? Rgb{255, 0, 0} : Rgb{0, 0, 255};
    EXPECT_EQ(middle(shown), expected) << into.count() << " ms in";
    // A portrait page in a landscape zone: as high as the zone, dark beside it.
    EXPECT_EQ(shown.pixel(2, 90), (Rgb{0, 0, 0}));
  }
}

TEST_F(DocumentItems, LedBoardsAndLongDocumentsAreRefusedAtTheirPlace) {
  dir_.write("pl/d.yaml", R"(playlist: d
items:
  - id: thong-bao
    document: media/thong-bao.pdf
    targets: [bang]
  - id: dai
    document: media/dai.pdf
    targets: [sanh]
)");
  write_pdf("pl/media/dai.pdf", std::vector<TestPage>(31, TestPage{.content = kRed}));
  const Programme current = programme();
  const Loaded<Playlist> loaded =
      load_playlist(dir_.path() / "pl" / "d.yaml", &current.config, render_checks());
  std::vector<std::string> errors;
  for (const Diagnostic& diagnostic : loaded.diagnostics)
    if (diagnostic.severity == Severity::error) errors.push_back(diagnostic.to_string());
  ASSERT_EQ(errors.size(), 2u) << ::testing::PrintToString(errors);
  EXPECT_NE(errors[0].find("d.yaml:4:15: error:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("play on window displays (lobby screens) only"), std::string::npos);
  EXPECT_NE(errors[1].find("d.yaml:7:15: error:"), std::string::npos) << errors[1];
  EXPECT_NE(errors[1].find("dai.pdf has 31 pages; a screen shows at most 30"), std::string::npos)
      << errors[1];
}

TEST_F(DocumentItems, AFileRemovedAfterItsCheckIsSaidOnceAndNeverDrawnOnTheLoop) {
  const Programme loaded = programme();
  DisplayPlayer live(loaded, loaded.config.displays.front());  // measured it: it plays
  live.draw_ahead();
  std::filesystem::remove(dir_.path() / "pl" / "media" / "thong-bao.pdf");
  // The daemon's player hands the drawing to its thread and keeps going: every frame returns at
  // once, and the failure comes back as a message, once.
  std::optional<std::string> failure;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  SystemClock::time_point now = tuesday_morning();
  while (!failure && std::chrono::steady_clock::now() < deadline) {
    live.frame_at(now += 40ms);
    failure = live.take_draw_failure();
    std::this_thread::sleep_for(2ms);  // the drawing thread is at it
  }
  ASSERT_TRUE(failure);
  EXPECT_NE(failure->find("thong-bao.pdf"), std::string::npos) << *failure;
  EXPECT_NE(failure->find("item 'thong-bao' cannot be drawn on display 'sanh'"), std::string::npos)
      << *failure;
  for (int frame = 0; frame < 25; ++frame) {
    live.frame_at(now += 40ms);
    EXPECT_FALSE(live.take_draw_failure());
  }
  EXPECT_FALSE(live.on_air_drawn());
}
