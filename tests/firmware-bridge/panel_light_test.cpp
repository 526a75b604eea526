// Brightness and power: the driver's typed calls, written to a Modbus panel's control registers
// (and set again after the panel restarts), or applied to the pixels for DDP and E1.31 receivers,
// which have no such register. The simulator shows the result in what a passer-by would see.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "bangtin/panel_driver.hpp"
#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/pixel_packets.hpp"
#include "bangtin/register_map.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

using namespace std::chrono_literals;
using test_support::BareModbusServer;
using test_support::link_uri;
using test_support::LogRecorder;
using test_support::patterned_frame;
using test_support::PtyPair;

constexpr std::chrono::milliseconds kPatience{5000};
const DriverOptions kQuick{.backoff = {20ms, 200ms}, .status_interval = 0ms};

bool wait_for_light(const PanelDriver& driver, PanelLight light) {
  return driver.wait_for([&](const LinkCounters& c) { return c.light == light; }, kPatience);
}

// The first lit pixel of a mono frame, as a passer-by sees it.
Rgb first_lit_pixel_seen(const PanelSimulator& panel, const Frame& frame) {
  const Frame seen = panel.appearance();
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x)
      if (frame.lit(x, y)) return seen.pixel(x, y);
  return Rgb{};
}

TEST(ApplyLight, ScalesEveryValueAndDarkensEverythingWhenOff) {
  std::vector<std::uint8_t> rgb{0, 1, 2, 100, 200, 255};
  apply_light(rgb, 50, true);
  EXPECT_EQ(rgb, (std::vector<std::uint8_t>{0, 1, 1, 50, 100, 128}));
  apply_light(rgb, 100, false);
  EXPECT_EQ(rgb, std::vector<std::uint8_t>(6, 0));
}

TEST(PanelDriverLight, AModbusPanelTakesBrightnessAndPowerInItsRegistersAndKeepsItsFrame) {
  SimulatorOptions options;
  options.port = 0;
  PanelSimulator panel(options);
  LogRecorder log;
  PanelDriver driver(open_link(link_uri(panel.port())), PanelGeometry{128, 32, PixelFormat::mono},
                     log.sink(), kQuick);
  const Frame frame = patterned_frame(128, 32, PixelFormat::mono, 9);
  driver.submit(frame);
  ASSERT_TRUE(panel.wait_for_commit(0, kPatience).has_value());
  ASSERT_TRUE(wait_for_light(driver, PanelLight{}));
  EXPECT_EQ(first_lit_pixel_seen(panel, frame), (Rgb{255, 176, 0}));

  driver.set_brightness(50);
  ASSERT_TRUE(wait_for_light(driver, PanelLight{50, true}));
  EXPECT_EQ(panel.light(), (SimulatorLight{128, true}));
  EXPECT_EQ(first_lit_pixel_seen(panel, frame), (Rgb{128, 88, 0}));

  driver.set_power(false);
  ASSERT_TRUE(wait_for_light(driver, PanelLight{50, false}));
  EXPECT_EQ(panel.light(), (SimulatorLight{128, false}));
  EXPECT_EQ(panel.appearance().lit_count(), 0);
  EXPECT_EQ(panel.shown_frame(), frame) << "switched off, the panel keeps its frame";

  driver.set_power(true);
  ASSERT_TRUE(wait_for_light(driver, PanelLight{50, true}));
  EXPECT_EQ(first_lit_pixel_seen(panel, frame), (Rgb{128, 88, 0}));
  const LinkCounters counters = driver.counters();
  EXPECT_EQ(counters.health.errors, 0u) << log.all();
  EXPECT_EQ(counters.health.readback_mismatches, 0u);
}

TEST(PanelDriverLight, APanelThatRestartsAtFullBrightnessIsDimmedAgain) {
  SimulatorOptions options;
  options.port = 0;
  PanelSimulator panel(options);
  LogRecorder log;
  // Nothing new is submitted after the restart: an idle driver learns of it only from the status
  // it reads now and then (with status reads after frames alone it would never look).
  PanelDriver driver(open_link(link_uri(panel.port()) + "&timeout=150"),
                     PanelGeometry{128, 32, PixelFormat::mono}, log.sink(),
                     DriverOptions{.backoff = {20ms, 200ms}, .status_interval = 20ms});
  const Frame frame = patterned_frame(128, 32, PixelFormat::mono, 2);
  driver.set_brightness(30);
  driver.submit(frame);
  ASSERT_TRUE(panel.wait_for_commit(0, kPatience).has_value());
  ASSERT_TRUE(wait_for_light(driver, PanelLight{30, true}));
  EXPECT_EQ(panel.light().brightness, 77);

  panel.reboot(50ms);
  EXPECT_EQ(panel.light().brightness, 255);
  // Taken once the panel is down and has dropped its clients: later commits come after a
  // reconnect. The driver sets the light, then shows its frame again.
  const std::uint64_t commits = panel.commits();
  ASSERT_TRUE(panel.wait_for_commit(commits, kPatience).has_value()) << log.all();
  EXPECT_EQ(panel.light(), (SimulatorLight{77, true}));
  EXPECT_EQ(panel.shown_frame(), frame);
  EXPECT_GE(driver.counters().health.reconnects, 1u);
}

TEST(PanelDriverLight, ASerialPanelThatRestartsAndTakesAFrameBeforeItsStatusIsReadIsDimmedAgain) {
  // On a serial line nothing disconnects, and the frame's commit clears "frame lost" and brings
  // the right CRC: only the panel's uptime, going backwards, says that it restarted.
  PtyPair line;
  SimulatorOptions options;
  options.port = -1;
  options.rtu_fd = line.master();
  options.keeps_back_buffer = false;  // every frame goes whole, so its CRC matches
  PanelSimulator panel(options);
  LogRecorder log;
  // Status read after each frame only: nothing reads the panel between its restart and the frame.
  PanelDriver driver(open_link(line.link_uri()), PanelGeometry{128, 32, PixelFormat::mono},
                     log.sink(), kQuick);
  driver.set_brightness(30);
  // The panel's clock counts whole seconds: frames, each awaited until the status read after it,
  // until that status shows the panel up a second. Then the driver is idle.
  unsigned seed = 10;
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  for (bool up_a_second = false; !up_a_second;) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << log.all();
    const Frame frame = patterned_frame(128, 32, PixelFormat::mono, ++seed);
    driver.submit(frame);
    const std::uint32_t crc = frame_crc32(frame);
    ASSERT_TRUE(driver.wait_for(
        [&](const LinkCounters& c) { return c.last_status && c.last_status->shown_crc == crc; },
        kPatience))
        << log.all();
    up_a_second = driver.counters().last_status->uptime_seconds >= 1;
  }
  ASSERT_TRUE(wait_for_light(driver, PanelLight{30, true}));

  panel.reboot(0ms);
  const std::uint64_t commits = panel.commits();
  const Frame frame = patterned_frame(128, 32, PixelFormat::mono, ++seed);
  driver.submit(frame);
  ASSERT_TRUE(panel.wait_for_commit(commits, kPatience).has_value());
  // The driver reconnects, sets the light, then shows the frame again.
  ASSERT_TRUE(panel.wait_for_commit(commits + 1, kPatience).has_value()) << log.all();
  EXPECT_EQ(panel.light(), (SimulatorLight{77, true}));
  EXPECT_EQ(panel.shown_frame(), frame);
  EXPECT_TRUE(log.wait_for("panel restarted (uptime 0 s", kPatience)) << log.all();
  EXPECT_EQ(driver.counters().health.reconnects, 1u);
}

TEST(PanelDriverLight, DdpPixelsAreScaledAndSwitchingOffSendsTheFrameDark) {
  SimulatorOptions options;
  options.port = -1;
  options.ddp_port = 0;
  options.width = 16;
  options.height = 8;
  options.format = PixelFormat::rgb888;
  PanelSimulator panel(options);
  PanelDriver driver(
      open_link("ddp://127.0.0.1:" + std::to_string(panel.ddp_port())),
      PanelGeometry{16, 8, PixelFormat::rgb888}, [](std::string_view) {}, kQuick);
  const Frame frame = patterned_frame(16, 8, PixelFormat::rgb888, 4);
  driver.set_brightness(40);
  driver.submit(frame);
  Frame dimmed = frame;
  apply_light(dimmed.bytes, 40, true);
  ASSERT_NE(dimmed, frame);
  const auto shows = [&](const Frame& expected) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::uint64_t commits = panel.commits();
      if (panel.shown_frame() == expected) return true;
      panel.wait_for_commit(commits, 100ms);
    }
    return false;
  };
  ASSERT_TRUE(shows(dimmed));

  driver.set_power(false);  // no new frame submitted: the driver sends the last one again
  ASSERT_TRUE(shows(Frame::blank(16, 8, PixelFormat::rgb888)));
  driver.set_power(true);
  ASSERT_TRUE(shows(dimmed));
  driver.set_brightness(100);
  ASSERT_TRUE(shows(frame));
}

TEST(PanelDriverLight, E131PixelsAreScaledToo) {
  SimulatorOptions options;
  options.port = -1;
  options.e131_port = 0;
  options.width = 20;
  options.height = 10;  // 200 pixels: two universes
  options.format = PixelFormat::rgb888;
  PanelSimulator panel(options);
  PanelDriver driver(
      open_link("e131://127.0.0.1:" + std::to_string(panel.e131_port())),
      PanelGeometry{20, 10, PixelFormat::rgb888}, [](std::string_view) {}, kQuick);
  const Frame frame = patterned_frame(20, 10, PixelFormat::rgb888, 6);
  driver.set_brightness(25);
  driver.submit(frame);
  Frame dimmed = frame;
  apply_light(dimmed.bytes, 25, true);
  const auto shown = panel.wait_for_commit(0, kPatience);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(*shown, dimmed);
}

TEST(PanelDriverLight, RefusesABrightnessOutOfRange) {
  PanelDriver driver(
      open_link("ddp://127.0.0.1:9"), PanelGeometry{8, 8, PixelFormat::rgb888},
      [](std::string_view) {}, kQuick);
  EXPECT_THROW(driver.set_brightness(101), std::invalid_argument);
  EXPECT_THROW(driver.set_brightness(-1), std::invalid_argument);
}

TEST(PanelDriverLight, APanelWithoutBrightnessOrPowerSaysSoOnce) {
  // A version 2 panel advertising neither capability.
  BareModbusServer plain_panel({register_map::kMagicValue, 2, 128, 32, 0, 0});
  LogRecorder log;
  PanelDriver driver(open_link(link_uri(plain_panel.port())),
                     PanelGeometry{128, 32, PixelFormat::mono}, log.sink(), kQuick);
  driver.set_brightness(40);
  EXPECT_TRUE(log.wait_for("the panel can neither dim nor switch off", kPatience)) << log.all();
  EXPECT_FALSE(driver.counters().light.has_value());
}

}  // namespace
}  // namespace bangtin
