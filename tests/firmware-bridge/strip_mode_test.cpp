// Strip mode end to end: the renderer's scroll strip, its window as the panel cuts it, the Modbus
// link keeping strips in the panel's memory (register map v3), the simulator showing the window,
// and the driver choosing strips on a slow serial line and frames elsewhere. Real text through the
// real renderer, the real simulator over a pty or loopback TCP.
#include <gtest/gtest.h>
#include <modbus/modbus.h>

#include <algorithm>
#include <atomic>
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
using test_support::patterned_frame;
using test_support::play;
using test_support::PtyPair;
using test_support::raw_client;
namespace rm = register_map;

constexpr std::chrono::milliseconds kPatience{5000};
constexpr const char* kNotice = "Tiếp nhận hồ sơ trực tuyến tại dichvucong.gov.vn — một cửa";

// Pixel by pixel, the slow and obvious way, to check cut_strip_window against.
Frame window_by_pixels(const Frame& strip, int offset, int width) {
  Frame window = Frame::blank(width, strip.height, strip.format);
  for (int y = 0; y < strip.height; ++y)
    for (int x = 0; x < width; ++x)
      if (offset + x >= 0 && offset + x < strip.width)
        window.set_pixel(x, y, strip.pixel(offset + x, y));
  return window;
}

const TextRenderer& street_board_renderer() {
  static const TextRenderer renderer(PanelGeometry{128, 32, PixelFormat::mono},
                                     find_vietnamese_font());
  return renderer;
}

SimulatorOptions tcp_panel(int width = 128, int height = 32,
                           PixelFormat format = PixelFormat::mono) {
  SimulatorOptions options;
  options.port = 0;
  options.width = width;
  options.height = height;
  options.format = format;
  return options;
}

SimulatorOptions rtu_panel(const PtyPair& line) {
  SimulatorOptions options;
  options.port = -1;
  options.rtu_fd = line.master();
  return options;
}

// Sends the whole strip, part by part; returns what it cost.
WireCost upload(StripMemory& memory, const std::shared_ptr<const Frame>& strip) {
  WireCost total;
  for (int parts = 0; memory.upload_cost(strip)->bytes > 0; ++parts) {
    if (parts > 1000) throw std::runtime_error("upload does not finish");
    const WireCost part = memory.upload_step(strip);
    total.bytes += part.bytes;
    total.messages += part.messages;
  }
  return total;
}

// --- The window of a strip ------------------------------------------------------------------

TEST(CutStripWindow, MatchesThePixelsAtEveryOffsetInEveryFormat) {
  for (const PixelFormat format : {PixelFormat::mono, PixelFormat::rgb565, PixelFormat::rgb888}) {
    const Frame strip = patterned_frame(45, 5, format, 11);
    Frame window = Frame::blank(20, 5, format);
    for (int offset = -25; offset <= 50; ++offset) {
      cut_strip_window(strip, offset, window);
      ASSERT_EQ(window, window_by_pixels(strip, offset, 20))
          << to_string(format) << " at offset " << offset;
    }
  }
}

TEST(CutStripWindow, RefusesAStripOfAnotherHeightOrFormat) {
  Frame window = Frame::blank(16, 8, PixelFormat::mono);
  EXPECT_THROW(cut_strip_window(Frame::blank(40, 7, PixelFormat::mono), 0, window),
               std::invalid_argument);
  EXPECT_THROW(cut_strip_window(Frame::blank(40, 8, PixelFormat::rgb565), 0, window),
               std::invalid_argument);
}

// --- What the renderer offers ---------------------------------------------------------------

TEST(RendererScrollStrip, EveryFrameOfAScrollIsTheStripsWindowAtItsOffset) {
  for (const PixelFormat format : {PixelFormat::mono, PixelFormat::rgb565}) {
    const TextRenderer renderer(PanelGeometry{96, 24, format}, find_vietnamese_font());
    const PreparedItem item = renderer.scroll(kNotice, 60, 2, Rgb{255, 200, 0});
    const auto first = item.scroll_strip(0ns);
    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(first->strip);
    EXPECT_EQ(first->strip->height, 24);
    EXPECT_EQ(first->strip->format, format);
    EXPECT_GT(first->strip->width, 96);
    EXPECT_EQ(first->offset, -96);  // the text comes in at the right edge
    EXPECT_EQ(first->remaining, item.duration());
    Frame window = Frame::blank(96, 24, format);
    int lit_frames = 0;
    for (auto t = 0ns; t < item.duration(); t += 37ms) {
      const auto scroll = item.scroll_strip(t);
      ASSERT_EQ(scroll->strip, first->strip) << "one strip for the item's life";
      cut_strip_window(*scroll->strip, scroll->offset, window);
      const Frame frame = item.frame_at(t);
      ASSERT_EQ(window, frame) << to_string(format) << " at " << t.count() << " ns";
      lit_frames += frame.lit_count() > 0;
    }
    EXPECT_GT(lit_frames, 10);
  }
}

TEST(RendererScrollStrip, CopiesShareTheStripANewLightMakesANewOneOtherEffectsHaveNone) {
  PreparedItem item = street_board_renderer().scroll(kNotice, 50, 1);
  const PreparedItem copy = item;
  EXPECT_EQ(copy.scroll_strip(0ns)->strip, item.scroll_strip(0ns)->strip);
  const auto before = item.scroll_strip(0ns)->strip;
  item.set_light(Light{1.0, 0});
  EXPECT_NE(item.scroll_strip(0ns)->strip, before);
  EXPECT_EQ(item.scroll_strip(0ns)->strip->lit_count(), 0);
  EXPECT_FALSE(street_board_renderer().still("Một cửa").scroll_strip(0ns).has_value());
}

// --- The Modbus link's strip memory ---------------------------------------------------------

TEST(ModbusStripMemory, UploadsOnceThenEachFrameIsOneSmallWriteAndThePanelShowsTheWindow) {
  PanelSimulator panel(tcp_panel());
  const auto link = open_link(link_uri(panel.port()));
  link->connect();
  StripMemory* memory = link->strip_memory();
  ASSERT_NE(memory, nullptr);
  const PreparedItem item = street_board_renderer().scroll(kNotice, 50, 1);
  const auto strip = item.scroll_strip(0ns)->strip;
  const int strip_registers = rm::framebuffer_registers(strip->bytes.size());
  EXPECT_EQ(memory->upload_cost(strip), rm::strip_upload_cost(rm::Framing::tcp, strip_registers));

  const WireCost uploaded = upload(*memory, strip);
  EXPECT_EQ(uploaded, rm::strip_upload_cost(rm::Framing::tcp, strip_registers));
  EXPECT_EQ(panel.commits(), 0u) << "an upload changes nothing on show";

  // The first window sets the mode and the strip; the rest write the offset and the commit.
  EXPECT_EQ(memory->window_cost(strip), rm::mode_commit_cost(rm::Framing::tcp));
  std::uint64_t commits = 0;
  for (auto t = 0ns; t < item.duration(); t += 400ms) {
    const ScrollStrip scroll = *item.scroll_strip(t);
    const WireCost cost = memory->show_window(strip, scroll.offset);
    if (commits > 0) {
      EXPECT_EQ(cost, rm::strip_frame_cost(rm::Framing::tcp));
    }
    const auto shown = panel.wait_for_commit(commits++, kPatience);
    ASSERT_TRUE(shown.has_value());
    ASSERT_EQ(*shown, item.frame_at(t)) << "at " << t.count() << " ns";
    const auto status = link->status();
    ASSERT_EQ(status->shown_crc, frame_crc32(item.frame_at(t))) << "read-back checks the window";
  }
  EXPECT_EQ(panel.counters().strip_commits, commits);
  EXPECT_EQ(memory->upload_cost(strip), WireCost{}) << "still held: no second upload";
}

TEST(ModbusStripMemory, FramesAfterAStripGoBackToTheFramebufferAndStayExact) {
  PanelSimulator panel(tcp_panel());
  const auto link = open_link(link_uri(panel.port()));
  link->connect();
  const Frame before = patterned_frame(128, 32, PixelFormat::mono, 1);
  link->show(before);
  const PreparedItem item = street_board_renderer().scroll(kNotice, 50, 1);
  const auto strip = item.scroll_strip(0ns)->strip;
  StripMemory& memory = *link->strip_memory();
  upload(memory, strip);
  memory.show_window(strip, 40);
  ASSERT_EQ(*panel.wait_for_commit(1, kPatience), window_by_pixels(*strip, 40, 128));

  // The back buffer was left alone, so one changed pixel is still a delta.
  Frame after = before;
  after.set_pixel(5, 5, after.lit(5, 5) ? Rgb{} : Rgb{255, 255, 255});
  const WireCost cost = link->show(after);
  EXPECT_TRUE(cost.delta);
  EXPECT_EQ(*panel.wait_for_commit(2, kPatience), after);
}

TEST(ModbusStripMemory, RecognisesTheSameStripByItsBytesAndKeepsItAcrossAReconnect) {
  PanelSimulator panel(tcp_panel());
  const auto link = open_link(link_uri(panel.port()));
  link->connect();
  const auto strip = street_board_renderer().scroll(kNotice, 50, 1).scroll_strip(0ns)->strip;
  upload(*link->strip_memory(), strip);

  // The same item prepared again: another object, the same bytes.
  const auto again = street_board_renderer().scroll(kNotice, 50, 1).scroll_strip(0ns)->strip;
  ASSERT_NE(again, strip);
  EXPECT_EQ(link->strip_memory()->upload_cost(again), WireCost{});

  link->close();
  link->connect();  // reads the strip's tag back: the panel still holds it
  EXPECT_EQ(link->strip_memory()->upload_cost(again), WireCost{});
  link->strip_memory()->show_window(again, 0);
  EXPECT_EQ(*panel.wait_for_commit(0, kPatience), window_by_pixels(*strip, 0, 128));

  panel.reboot(0ms);  // loses its memory
  link->close();
  const auto reconnect_deadline = std::chrono::steady_clock::now() + kPatience;
  while (true) {
    try {
      link->connect();
      break;
    } catch (const LinkError&) {
      ASSERT_LT(std::chrono::steady_clock::now(), reconnect_deadline);
    }
  }
  EXPECT_GT(link->strip_memory()->upload_cost(again)->bytes, 0u) << "a rebooted panel is empty";
}

TEST(ModbusStripMemory, EvictsTheLeastRecentlyShownStripWhenMemoryRunsOut) {
  SimulatorOptions options = tcp_panel();
  const auto first = street_board_renderer().scroll("Một cửa", 50, 1).scroll_strip(0ns)->strip;
  const auto second =
      street_board_renderer().scroll("Dịch vụ công", 50, 1).scroll_strip(0ns)->strip;
  const auto third = street_board_renderer().scroll("Giờ làm việc", 50, 1).scroll_strip(0ns)->strip;
  const auto slot = [](const Frame& strip) {
    return rm::kStripTagRegisters + rm::framebuffer_registers(strip.bytes.size());
  };
  // Room for any two of the three, not for all three.
  options.strip_registers = std::max(
      {slot(*first) + slot(*second), slot(*second) + slot(*third), slot(*first) + slot(*third)});
  PanelSimulator panel(options);
  const auto link = open_link(link_uri(panel.port()));
  link->connect();
  StripMemory& memory = *link->strip_memory();
  upload(memory, first);
  upload(memory, second);
  memory.show_window(second, 0);
  memory.show_window(first, 0);  // `second` is now the least recently shown
  ASSERT_EQ(memory.upload_cost(first), WireCost{});
  ASSERT_EQ(memory.upload_cost(second), WireCost{});
  upload(memory, third);
  EXPECT_EQ(memory.upload_cost(first), WireCost{});
  EXPECT_GT(memory.upload_cost(second)->bytes, 0u);
  memory.show_window(third, 3);
  EXPECT_EQ(*panel.wait_for_commit(2, kPatience), window_by_pixels(*third, 3, 128));
  memory.show_window(first, 0);
  EXPECT_EQ(*panel.wait_for_commit(3, kPatience), window_by_pixels(*first, 0, 128));
}

TEST(ModbusStripMemory, AStripTooBigForThePanelOrOfTheWrongShapeIsNotOffered) {
  SimulatorOptions options = tcp_panel();
  options.strip_registers = 100;
  PanelSimulator panel(options);
  const auto link = open_link(link_uri(panel.port()));
  link->connect();
  StripMemory& memory = *link->strip_memory();
  // 48 pixels: 6 bytes a row, 96 registers and the tag's 2 fit; 56 pixels need 112.
  EXPECT_TRUE(
      memory.upload_cost(std::make_shared<const Frame>(Frame::blank(48, 32, PixelFormat::mono)))
          .has_value());
  EXPECT_FALSE(
      memory.upload_cost(std::make_shared<const Frame>(Frame::blank(56, 32, PixelFormat::mono)))
          .has_value());
  EXPECT_FALSE(
      memory.upload_cost(std::make_shared<const Frame>(Frame::blank(64, 16, PixelFormat::mono)))
          .has_value());
  EXPECT_FALSE(
      memory.upload_cost(std::make_shared<const Frame>(Frame::blank(64, 32, PixelFormat::rgb565)))
          .has_value());
}

TEST(ModbusStripMemory, AVersion2PanelHasNoStripMemoryAndStillGetsFrames) {
  SimulatorOptions options = tcp_panel();
  options.map_version = 2;
  PanelSimulator panel(options);
  const auto link = open_link(link_uri(panel.port()));
  const auto identity = link->connect();
  EXPECT_EQ(identity->map_version, 2);
  EXPECT_EQ(identity->window_registers, 0);
  EXPECT_EQ(link->strip_memory(), nullptr);
  const Frame frame = patterned_frame(128, 32, PixelFormat::mono, 4);
  const WireCost cost = link->show(frame);
  // A version 2 commit is the single register it always was.
  EXPECT_EQ(cost.bytes, 2 * rm::write_registers_exchange_bytes(rm::Framing::tcp, 123) +
                            rm::write_registers_exchange_bytes(rm::Framing::tcp, 10) +
                            rm::write_register_exchange_bytes(rm::Framing::tcp));
  EXPECT_EQ(*panel.wait_for_commit(0, kPatience), frame);
}

TEST(PanelSimulatorStrips, RefusesACommitOfAStripOutsideItsWindowAndKeepsItsFrame) {
  PanelSimulator panel(tcp_panel());
  const auto client = raw_client(panel.port());
  const int window = 256 + 32768;
  const std::uint16_t outside[rm::kModeWriteCount] = {
      rm::kModeStrip, 400, static_cast<std::uint16_t>(window - 100), 0, 0, 0, 1};
  EXPECT_EQ(modbus_write_registers(client.get(), rm::kMode, rm::kModeWriteCount, outside), -1);
  EXPECT_EQ(errno, EMBXILVAL);
  EXPECT_EQ(panel.commits(), 0u);
  EXPECT_EQ(panel.counters().rejected_commits, 1u);
  std::uint16_t mode = 99;
  ASSERT_EQ(modbus_read_registers(client.get(), rm::kMode, 1, &mode), 1);
  EXPECT_EQ(mode, rm::kModeFramebuffer) << "a refused write leaves nothing behind";

  // Inside the window it commits: a 16-pixel strip at base 256 holding one lit column.
  const std::uint16_t strip_rows[32] = {
      0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000,
      0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000,
      0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000};
  ASSERT_EQ(modbus_write_registers(client.get(), rm::kFramebuffer + 256, 32, strip_rows), 32);
  const std::uint16_t inside[rm::kModeWriteCount] = {
      rm::kModeStrip, 16, 256, 0, 0, static_cast<std::uint16_t>(-10), 2};
  ASSERT_EQ(modbus_write_registers(client.get(), rm::kMode, rm::kModeWriteCount, inside),
            rm::kModeWriteCount);
  const Frame shown = panel.shown_frame();
  EXPECT_EQ(shown.lit_count(), 32);
  for (int y = 0; y < 32; ++y) EXPECT_TRUE(shown.lit(10, y));
}

// --- The driver's choice --------------------------------------------------------------------

TEST(StripPaysOff, OnASlowLineForALongScrollNotForTheLastSecondsOrAFastLine) {
  const LineCapacity at_9600{9600 / 11.0, 2 * rm::rtu_gap_seconds(9600)};
  const WireCost frame = rm::plan_frame({}, std::vector<std::uint16_t>(256), rm::Framing::rtu).cost;
  const WireCost window = rm::strip_frame_cost(rm::Framing::rtu);
  const WireCost upload = rm::strip_upload_cost(rm::Framing::rtu, 3600);  // ~8.7 s at 9600
  EXPECT_TRUE(strip_pays_off(at_9600, frame, window, upload, 30s, 25));
  EXPECT_FALSE(strip_pays_off(at_9600, frame, window, upload, 8s, 25));
  // Frames that the line carries as fast as they come gain nothing from an upload.
  const LineCapacity fast{1e8, 0};
  EXPECT_FALSE(strip_pays_off(fast, frame, window, upload, 30s, 25));
}

// Plays a scroll into a driver as the daemon's display tick would: frames of successive instants,
// a few milliseconds apart, each with its strip view; returns the last instant.
constexpr PanelGeometry kStreetBoard{128, 32, PixelFormat::mono};
const DriverOptions kQuick{.backoff = {20ms, 200ms}, .status_interval = 0ms};

TEST(PanelDriverStrips, At9600BaudAScrollGoesAsAStripUploadedOnceAndReadBackAgrees) {
  PtyPair line;
  PanelSimulator panel(rtu_panel(line));
  LogRecorder log;
  // Declared 9600 baud (the pty itself is not paced, so the test runs fast).
  PanelDriver driver(open_link(line.link_uri(9600)), kStreetBoard, log.sink(), kQuick);
  const PreparedItem item = street_board_renderer().scroll(kNotice, 50, 1);
  const auto last = play(driver, item, 0ns, 6s);
  ASSERT_TRUE(panel_shows(panel, item.frame_at(last)));
  ASSERT_TRUE(driver.wait_for([](const LinkCounters& c) { return c.strip_frames > 20; }, kPatience))
      << log.all();
  LinkCounters counters = driver.counters();
  EXPECT_EQ(counters.strips_uploaded, 1u);
  EXPECT_EQ(counters.health.bytes_per_frame, rm::strip_frame_cost(rm::Framing::rtu).bytes);
  EXPECT_GT(counters.upload_wire_bytes, item.scroll_strip(0ns)->strip->bytes.size());
  EXPECT_EQ(counters.health.errors, 0u) << log.all();
  EXPECT_EQ(counters.health.readback_mismatches, 0u);
  EXPECT_GT(panel.counters().strip_commits, 20u);
  EXPECT_TRUE(log.wait_for("uploading a ", kPatience));
  EXPECT_TRUE(log.wait_for("strip uploaded in ", kPatience));

  // The item again, prepared anew (as the next round of a playlist does): no second upload.
  const PreparedItem again = street_board_renderer().scroll(kNotice, 50, 1);
  const auto end = play(driver, again, 0ns, 2s);
  ASSERT_TRUE(panel_shows(panel, again.frame_at(end)));
  counters = driver.counters();
  EXPECT_EQ(counters.strips_uploaded, 1u);
  EXPECT_EQ(counters.health.errors, 0u) << log.all();
}

TEST(PanelDriverStrips, APanelThatRebootsMidScrollGetsTheStripAgain) {
  PtyPair line;
  PanelSimulator panel(rtu_panel(line));
  LogRecorder log;
  PanelDriver driver(open_link(line.link_uri(9600) + "&timeout=150"), kStreetBoard, log.sink(),
                     kQuick);
  const PreparedItem item = street_board_renderer().scroll(kNotice, 50, 1);
  auto t = play(driver, item, 0ns, 3s);
  ASSERT_TRUE(panel_shows(panel, item.frame_at(t)));
  panel.reboot(100ms);
  t = play(driver, item, t + 40ms, 8s);
  ASSERT_TRUE(panel_shows(panel, item.frame_at(t))) << log.all();
  ASSERT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.strips_uploaded == 2; }, kPatience))
      << log.all();
}

TEST(PanelDriverStrips, OverTcpFramesAreCheapSoNoStripIsUploaded) {
  PanelSimulator panel(tcp_panel());
  LogRecorder log;
  PanelDriver driver(open_link(link_uri(panel.port())), kStreetBoard, log.sink(), kQuick);
  const PreparedItem item = street_board_renderer().scroll(kNotice, 50, 1);
  const auto last = play(driver, item, 0ns, 2s);
  ASSERT_TRUE(panel_shows(panel, item.frame_at(last)));
  const LinkCounters counters = driver.counters();
  EXPECT_EQ(counters.strips_uploaded, 0u);
  EXPECT_EQ(counters.strip_frames, 0u);
  EXPECT_EQ(panel.counters().strip_commits, 0u);
}

TEST(PanelDriverStrips, AFrameThatIsNotTheStripsWindowGoesAsAFrame) {
  PtyPair line;
  PanelSimulator panel(rtu_panel(line));
  LogRecorder log;
  PanelDriver driver(open_link(line.link_uri(9600)), kStreetBoard, log.sink(), kQuick);
  const PreparedItem item = street_board_renderer().scroll(kNotice, 50, 1);
  // A title zone drawn over the left of the board, as a display with zones would.
  Frame with_title = item.frame_at(2s);
  for (int y = 0; y < 32; ++y) with_title.set_pixel(0, y, Rgb{255, 255, 255});
  driver.submit(with_title, FrameSource{.strip = item.scroll_strip(2s)});
  ASSERT_TRUE(panel_shows(panel, with_title));
  EXPECT_TRUE(log.wait_for("the frame is not the strip's window", kPatience)) << log.all();
  EXPECT_EQ(driver.counters().strips_uploaded, 0u);
  EXPECT_EQ(driver.counters().strip_frames, 0u);
}

TEST(PanelDriverStrips, StoppingInTheMiddleOfAnUploadDoesNotWaitForIt) {
  PtyPair line;
  SimulatorOptions options = rtu_panel(line);
  options.line_rate = 9600;  // really slow now: the whole upload would take seconds
  PanelSimulator panel(options);
  LogRecorder log;
  auto driver = std::make_unique<PanelDriver>(open_link(line.link_uri(9600)), kStreetBoard,
                                              log.sink(), kQuick);
  const PreparedItem item = street_board_renderer().scroll(kNotice, 50, 1);
  std::atomic<bool> stop_feeding{false};
  // The scroll again and again until told: at 9600 baud under the sanitizers the link may be up
  // only after one pass has been fed, and an upload starts only while strips come.
  std::thread feeder([&] {
    while (!stop_feeding) play(*driver, item, 0ns, 30s, &stop_feeding);
  });
  const bool uploading = log.wait_for("uploading a ", 4 * kPatience);
  stop_feeding = true;
  feeder.join();  // before any assertion can end the test with the thread still running
  ASSERT_TRUE(uploading) << log.all();
  const auto before = std::chrono::steady_clock::now();
  driver.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1500ms);
}

TEST(PanelDriverStrips, TheNextScrollsStripGoesInBesideTheOneOnShowSoItStartsAtOnce) {
  PtyPair line;
  PanelSimulator panel(rtu_panel(line));
  LogRecorder log;
  PanelDriver driver(open_link(line.link_uri(9600)), kStreetBoard, log.sink(), kQuick);
  const PreparedItem item = street_board_renderer().scroll(kNotice, 50, 1);
  const PreparedItem next = street_board_renderer().scroll("Giờ làm việc: 7:30–17:00", 50, 1);
  const std::shared_ptr<const Frame> next_strip = next.scroll_strip(0ns)->strip;
  // The scroll on show, once in strip mode, with the next scroll's strip offered beside it.
  auto t = play(driver, item, 0ns, 2s);
  ASSERT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.strips_uploaded == 1; }, kPatience))
      << log.all();
  // Frames at the board's pace (25 a second): the next strip goes in a part after each frame, so
  // a loaded machine that is slow to send them must not run the scroll out before it is in.
  for (; driver.counters().health.strips_uploaded_ahead == 0 && t < 12s; t += 40ms) {
    driver.submit(item.frame_at(t),
                  FrameSource{.strip = item.scroll_strip(t), .next_strip = next_strip});
    std::this_thread::sleep_for(40ms);
  }
  ASSERT_TRUE(driver.wait_for(
      [](const LinkCounters& c) { return c.health.strips_uploaded_ahead == 1; }, kPatience))
      << log.all();
  EXPECT_TRUE(log.wait_for("uploading the next strip", kPatience)) << log.all();
  // The scroll on show kept going meanwhile, and still shows what it should.
  ASSERT_TRUE(panel_shows(panel, item.frame_at(t - 40ms))) << log.all();

  // The next item's first frame is one small write: no upload when it comes.
  const LinkCounters before = driver.counters();
  const std::uint64_t commits = panel.counters().strip_commits;
  ASSERT_GT(next.frame_at(1s).lit_count(), 0);
  driver.submit(next.frame_at(1s), FrameSource{.strip = next.scroll_strip(1s)});
  ASSERT_TRUE(panel_shows(panel, next.frame_at(1s))) << log.all();
  const std::uint64_t strip_frames = before.strip_frames;
  ASSERT_TRUE(driver.wait_for(
      [&](const LinkCounters& c) { return c.strip_frames == strip_frames + 1; }, kPatience));
  const LinkCounters after = driver.counters();
  EXPECT_EQ(after.upload_wire_bytes, before.upload_wire_bytes);
  EXPECT_EQ(after.strips_uploaded, 2u);
  EXPECT_EQ(after.strip_frames, before.strip_frames + 1);
  EXPECT_EQ(panel.counters().strip_commits, commits + 1);
  EXPECT_EQ(after.health.errors, 0u) << log.all();
}

}  // namespace
}  // namespace bangtin
