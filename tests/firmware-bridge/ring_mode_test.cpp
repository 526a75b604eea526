// Ring mode end to end (register map v4): a strip too long for the panel's memory scrolls through
// a ring of tiles a little wider than the panel, the columns coming into view written a frame.
// The real renderer's strips, the real simulator over loopback TCP or a pty, the Modbus link and
// the driver's choice between the ring and frames.
#include <gtest/gtest.h>
#include <modbus/modbus.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "bangtin/panel_driver.hpp"
#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/register_map.hpp"
#include "bangtin/renderer.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

using namespace std::chrono_literals;
using test_support::link_uri;
using test_support::LogRecorder;
using test_support::panel_shows;
using test_support::play;
using test_support::PtyPair;
using test_support::raw_client;
namespace rm = register_map;

constexpr std::chrono::milliseconds kPatience{5000};
constexpr const char* kLongNotice =
    "Tiếp nhận hồ sơ trực tuyến tại dichvucong.gov.vn — Bộ phận một cửa làm việc từ 7 giờ 30 "
    "đến 17 giờ, thứ Hai đến thứ Sáu";

// A panel whose strip memory holds a ring but not the notice's strip.
SimulatorOptions small_memory_panel(int width, int height, PixelFormat format,
                                    int strip_registers) {
  SimulatorOptions options;
  options.port = 0;
  options.width = width;
  options.height = height;
  options.format = format;
  options.strip_registers = strip_registers;
  return options;
}

Frame window_of(const Frame& strip, int offset, int width) {
  Frame window = Frame::blank(width, strip.height, strip.format);
  cut_strip_window(strip, offset, window);
  return window;
}

struct Case {
  int width;
  int height;
  PixelFormat format;
  int tile_width;  // what the link picks: a byte a row on mono panels, a column on colour ones
};

class RingWindows : public ::testing::TestWithParam<Case> {};

TEST_P(RingWindows, EveryWindowIsExactAndEachFrameWritesOnlyTheTilesComingIn) {
  const Case c = GetParam();
  const int tile_registers = rm::ring_tile_registers(c.format, c.tile_width, c.height);
  const int ring_tiles = (c.width + c.tile_width - 1) / c.tile_width + 1;
  PanelSimulator panel(
      small_memory_panel(c.width, c.height, c.format, ring_tiles * tile_registers + 10));
  const auto link = open_link(link_uri(panel.port()));
  link->connect();
  StripMemory* memory = link->strip_memory();
  ASSERT_NE(memory, nullptr);
  const TextRenderer renderer(PanelGeometry{c.width, c.height, c.format}, find_vietnamese_font());
  const PreparedItem item = renderer.scroll(kLongNotice, 50, 1, Rgb{255, 190, 0});
  const auto strip = item.scroll_strip(0ns)->strip;
  ASSERT_FALSE(memory->upload_cost(strip).has_value()) << "the strip must not fit whole";

  // Two columns a frame, then a jump of a whole panel and more, and back.
  std::vector<int> offsets;
  for (int offset = -c.width; offset <= strip->width; offset += 2) offsets.push_back(offset);
  for (const int offset : {40, 40 + c.width + 13, 37, strip->width - 5, -c.width})
    offsets.push_back(offset);
  std::uint64_t commits = 0;
  for (const int offset : offsets) {
    const std::optional<StripMemory::RingCost> predicted =
        memory->ring_window_cost(strip, offset, 2);
    ASSERT_TRUE(predicted.has_value());
    const WireCost cost = memory->show_ring_window(strip, offset);
    EXPECT_EQ(cost, predicted->now) << "at offset " << offset;
    const auto shown = panel.wait_for_commit(commits++, kPatience);
    ASSERT_TRUE(shown.has_value());
    ASSERT_EQ(*shown, window_of(*strip, offset, c.width)) << "at offset " << offset;
    if (commits > 1 && offset > -c.width && offsets[commits - 2] == offset - 2) {
      // A step of two columns brings at most two tiles in: one write and the commit, or two
      // where the ring wraps.
      const WireCost tile = rm::registers_write_cost(rm::Framing::tcp, tile_registers);
      EXPECT_LE(cost.bytes, 2 * tile.bytes + rm::strip_frame_cost(rm::Framing::tcp).bytes)
          << "at offset " << offset;
      EXPECT_LE(predicted->each_frame.bytes,
                2 * tile.bytes + rm::strip_frame_cost(rm::Framing::tcp).bytes);
    }
  }
  EXPECT_EQ(link->status()->shown_crc, frame_crc32(window_of(*strip, -c.width, c.width)))
      << "read-back checks the ring's window";
  EXPECT_EQ(panel.counters().ring_commits, commits);
  EXPECT_EQ(panel.counters().rejected_commits, 0u);
}

INSTANTIATE_TEST_SUITE_P(Formats, RingWindows,
                         ::testing::Values(Case{128, 32, PixelFormat::mono, 8},
                                           Case{96, 24, PixelFormat::rgb565, 1},
                                           Case{64, 15, PixelFormat::rgb888, 1}),
                         [](const auto& info) {
                           return std::string(to_string(info.param.format));
                         });

TEST(ModbusRing, AReconnectForgetsTheRingAndAStripThatFitsWholeTakesItsRoom) {
  // Room for the ring (17 tiles of 16 registers) or a strip of 272 registers, not both.
  PanelSimulator panel(small_memory_panel(128, 32, PixelFormat::mono, 300));
  const auto link = open_link(link_uri(panel.port()));
  link->connect();
  StripMemory& memory = *link->strip_memory();
  const PreparedItem item =
      TextRenderer(PanelGeometry{128, 32, PixelFormat::mono}, find_vietnamese_font())
          .scroll(kLongNotice, 50, 1);
  const auto strip = item.scroll_strip(0ns)->strip;
  memory.show_ring_window(strip, 300);
  const WireCost held = memory.ring_window_cost(strip, 300, 1)->now;
  EXPECT_EQ(held.bytes, rm::strip_frame_cost(rm::Framing::tcp).bytes)
      << "the window is in the ring already";

  // The panel may have restarted with its window zeroed: the ring is filled again.
  link->close();
  link->connect();
  StripMemory& again = *link->strip_memory();
  EXPECT_GT(again.ring_window_cost(strip, 300, 1)->now.bytes, 2 * held.bytes);
  again.show_ring_window(strip, 300);
  EXPECT_EQ(*panel.wait_for_commit(1, kPatience), window_of(*strip, 300, 128));

  // A 120-pixel strip (15 bytes a row, 240 registers and its tag) fits only where the ring is.
  const auto short_strip =
      std::make_shared<const Frame>(test_support::patterned_frame(120, 32, PixelFormat::mono, 9));
  ASSERT_TRUE(again.upload_cost(short_strip).has_value());
  EXPECT_FALSE(again.fits_beside(short_strip, strip)) << "the ring on show stays";
  while (again.upload_cost(short_strip)->bytes > 0) again.upload_step(short_strip);
  again.show_window(short_strip, 4);
  EXPECT_EQ(*panel.wait_for_commit(2, kPatience), window_of(*short_strip, 4, 128));
  EXPECT_GT(again.ring_window_cost(strip, 300, 1)->now.bytes, 2 * held.bytes)
      << "the ring gave its room up";
  again.show_ring_window(strip, 301);
  EXPECT_EQ(*panel.wait_for_commit(3, kPatience), window_of(*strip, 301, 128));
}

TEST(ModbusRing, AVersion3PanelHasNoRing) {
  SimulatorOptions options = small_memory_panel(128, 32, PixelFormat::mono, 300);
  options.map_version = 3;
  PanelSimulator panel(options);
  const auto link = open_link(link_uri(panel.port()));
  const auto identity = link->connect();
  EXPECT_EQ(identity->capabilities & rm::kCapabilityRing, 0);
  const auto strip =
      std::make_shared<const Frame>(test_support::patterned_frame(600, 32, PixelFormat::mono, 2));
  EXPECT_FALSE(link->strip_memory()->ring_window_cost(strip, 0, 1).has_value());
}

TEST(PanelSimulatorRing, WrapsTheWindowAndRefusesARingOutsideItsWindowOrOfBrokenTiles) {
  // 16x2 mono: a ring of three 8-column tiles (a byte a row: one register a tile) at base 100.
  PanelSimulator panel(small_memory_panel(16, 2, PixelFormat::mono, 200));
  const auto client = raw_client(panel.port());
  const std::uint16_t tiles[3] = {0xFF00, 0x0000, 0x8001};  // rows: tile 0 lit on top
  ASSERT_EQ(modbus_write_registers(client.get(), rm::kFramebuffer + 100, 3, tiles), 3);
  // Ring column 20 at the left edge: columns 20-23 (tile 2), then 0-7 (tile 0), then 8-11.
  const std::uint16_t ring[rm::kModeWriteCount] = {rm::kModeRing, 24, 100, 8, 0, 20, 1};
  ASSERT_EQ(modbus_write_registers(client.get(), rm::kMode, rm::kModeWriteCount, ring),
            rm::kModeWriteCount);
  const Frame shown = panel.shown_frame();
  for (int x = 0; x < 16; ++x) {
    const int column = (20 + x) % 24;
    EXPECT_EQ(shown.lit(x, 0), column < 8 || column == 16) << "top row, column " << x;
    EXPECT_EQ(shown.lit(x, 1), column == 23) << "bottom row, column " << x;
  }
  EXPECT_EQ(panel.counters().ring_commits, 1u);

  const std::uint16_t broken[][rm::kModeWriteCount] = {
      {rm::kModeRing, 24, 100, 0, 0, 0, 2},  // no tile width
      {rm::kModeRing, 20, 100, 8, 0, 0, 2},  // not whole tiles
      {rm::kModeRing, 24, 200, 8, 0, 0, 2},  // past the window
      {3, 24, 100, 8, 0, 0, 2}};             // no such mode
  for (const auto& values : broken) {
    EXPECT_EQ(modbus_write_registers(client.get(), rm::kMode, rm::kModeWriteCount, values), -1);
    EXPECT_EQ(errno, EMBXILVAL);
  }
  EXPECT_EQ(panel.commits(), 1u);
  EXPECT_EQ(panel.shown_frame(), shown);
}

// --- The driver's choice --------------------------------------------------------------------

const DriverOptions kQuick{.backoff = {20ms, 200ms}, .status_interval = 0ms};

TEST(PanelDriverRing, AColourBoardsLongScrollGoesThroughTheRingOnASerialLineAndOverTcp) {
  constexpr PanelGeometry kColourBoard{192, 64, PixelFormat::rgb565};
  const TextRenderer renderer(kColourBoard, find_vietnamese_font());
  const PreparedItem item = renderer.scroll(kLongNotice, 50, 1, Rgb{0, 255, 120});
  for (const bool serial : {true, false}) {
    PtyPair line;
    SimulatorOptions options = small_memory_panel(192, 64, PixelFormat::rgb565, 20000);
    if (serial) {
      options.port = -1;
      options.rtu_fd = line.master();
    }
    PanelSimulator panel(options);
    LogRecorder log;
    PanelDriver driver(open_link(serial ? line.link_uri(115200) : link_uri(panel.port())),
                       kColourBoard, log.sink(), kQuick);
    const auto last = play(driver, item, 0ns, 6s);
    ASSERT_TRUE(panel_shows(panel, item.frame_at(last))) << log.all();
    ASSERT_TRUE(
        driver.wait_for([](const LinkCounters& c) { return c.ring_frames > 20; }, kPatience))
        << log.all();
    const LinkCounters counters = driver.counters();
    EXPECT_EQ(counters.strips_uploaded, 0u);
    EXPECT_EQ(counters.health.errors, 0u) << log.all();
    EXPECT_EQ(counters.health.readback_mismatches, 0u) << log.all();
    // A frame is 12,288 registers; a ring frame a few columns of 64 and the commit.
    EXPECT_LT(counters.health.bytes_per_frame, 1000u);
    EXPECT_TRUE(log.wait_for("scrolling it through a ring of tiles", kPatience)) << log.all();
  }
}

}  // namespace
}  // namespace bangtin
