// PanelDriver against real panels (the simulator over TCP, a pty and UDP): frames, status
// read-back, counters, and recovery from every fault the simulator can inject. Waits are on
// events (a commit, a counter, a log line); their timeouts are reached only when a test fails.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "bangtin/panel_driver.hpp"
#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/register_map.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

using namespace std::chrono_literals;
using test_support::link_uri;
using test_support::LogRecorder;
using test_support::panel_shows;
using test_support::patterned_frame;
using test_support::PtyPair;
using test_support::raw_client;

constexpr std::chrono::milliseconds kPatience{5000};
constexpr PanelGeometry kStreetBoard{128, 32, PixelFormat::mono};

SimulatorOptions tcp_panel() {
  SimulatorOptions options;
  options.port = 0;
  return options;
}

// Quick retries and a short reply timeout, so that recovering from a fault takes a fraction of
// a second.
DriverOptions quick(std::chrono::milliseconds status_interval = 0ms) {
  return DriverOptions{.backoff = {20ms, 200ms}, .status_interval = status_interval};
}

std::string quick_uri(int port) { return link_uri(port) + "&timeout=150"; }

Frame frame_number(unsigned n) { return patterned_frame(128, 32, PixelFormat::mono, n); }

// Submits a new frame every couple of milliseconds, as the daemon's display tick does.
class Feeder {
 public:
  explicit Feeder(PanelDriver& driver, unsigned first = 1000)
      : thread_([this, &driver, first] {
          for (unsigned n = first; !stop_; ++n) {
            last_ = n;
            driver.submit(frame_number(n));
            std::this_thread::sleep_for(2ms);
          }
        }) {}
  ~Feeder() { finish(); }
  // Stops feeding; returns the number of the last frame submitted.
  unsigned finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return last_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> last_{0};
  std::thread thread_;
};

TEST(PanelDriver, ShowsFramesAndCountsWhatTheyCostOnTheWire) {
  PanelSimulator panel(tcp_panel());
  LogRecorder log;
  PanelDriver driver(open_link(link_uri(panel.port())), kStreetBoard, log.sink(), quick());

  driver.submit(frame_number(1));
  ASSERT_TRUE(panel_shows(panel, frame_number(1)));
  Frame changed = frame_number(1);
  changed.set_pixel(3, 3, changed.lit(3, 3) ? Rgb{} : Rgb{255, 255, 255});
  driver.submit(changed);
  ASSERT_TRUE(panel_shows(panel, changed));

  ASSERT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.health.frames_shown == 2; }, kPatience));
  const LinkCounters counters = driver.counters();
  EXPECT_TRUE(counters.health.connected);
  EXPECT_EQ(counters.panel, test_support::simulated_identity(128, 32, PixelFormat::mono));
  EXPECT_EQ(counters.delta_frames, 1u);  // one pixel changed: only its register went
  EXPECT_LT(counters.health.bytes_per_frame, 60u);
  EXPECT_GT(counters.wire_bytes, 512u);
  EXPECT_GE(counters.health.frames_per_second, 1.0);
  EXPECT_EQ(counters.health.errors, 0u);
  EXPECT_EQ(counters.health.reconnects, 0u);
  EXPECT_TRUE(log.wait_for("link connected: " + std::string("modbus-tcp://127.0.0.1:") +
                               std::to_string(panel.port()) +
                               " unit 1 (panel 128x32 mono, register map v4)",
                           kPatience))
      << log.all();
}

TEST(PanelDriver, ReadsStatusBackAndItsCrcMatchesTheFrameCommitted) {
  PanelSimulator panel(tcp_panel());
  LogRecorder log;
  PanelDriver driver(open_link(link_uri(panel.port())), kStreetBoard, log.sink(), quick());
  driver.submit(frame_number(7));
  const std::uint32_t crc = frame_crc32(frame_number(7));
  EXPECT_TRUE(driver.wait_for(
      [&](const LinkCounters& c) { return c.last_status && c.last_status->shown_crc == crc; },
      kPatience));
  const LinkCounters counters = driver.counters();
  EXPECT_EQ(counters.health.readback_mismatches, 0u);
  EXPECT_EQ(counters.last_status->faults, 0);
  EXPECT_EQ(counters.last_status->shown_sequence, 1);
}

TEST(PanelDriver, APanelShowingSomethingElseIsCaughtByItsCrcAndGetsTheFrameBack) {
  PanelSimulator panel(tcp_panel());
  LogRecorder log;
  PanelDriver driver(open_link(link_uri(panel.port())), kStreetBoard, log.sink(), quick(20ms));
  driver.submit(frame_number(1));
  ASSERT_TRUE(panel_shows(panel, frame_number(1)));

  // Someone else writes the panel behind the driver's back (a second controller, a technician).
  const auto intruder = raw_client(panel.port());
  const std::vector<std::uint16_t> other = register_map::pack_registers(frame_number(2).bytes);
  for (int first = 0; first < 256; first += 123)
    ASSERT_GT(modbus_write_registers(intruder.get(), register_map::kFramebuffer + first,
                                     std::min(123, 256 - first), other.data() + first),
              0);
  ASSERT_EQ(modbus_write_register(intruder.get(), register_map::kCommit, 99), 1);

  EXPECT_TRUE(log.wait_for("panel shows a different frame from the one committed", kPatience))
      << log.all();
  EXPECT_TRUE(panel_shows(panel, frame_number(1)));
  EXPECT_TRUE(driver.wait_for(
      [](const LinkCounters& c) { return c.health.readback_mismatches >= 1; }, kPatience));
}

TEST(PanelDriver, LatestFrameWinsOnASlowLink) {
  SimulatorOptions slow = tcp_panel();
  slow.faults.added_latency = 20ms;
  PanelSimulator panel(slow);
  LogRecorder log;
  PanelDriver driver(open_link(link_uri(panel.port())), kStreetBoard, log.sink(), quick(1h));
  Feeder feeder(driver);
  ASSERT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.health.frames_shown >= 3; }, kPatience));
  const unsigned last = feeder.finish();
  // The last frame submitted is the one the panel ends on; many in between were never sent.
  EXPECT_TRUE(panel_shows(panel, frame_number(last)));
  EXPECT_GT(driver.counters().frames_skipped, 0u);
  EXPECT_LT(panel.commits(), last - 1000);
}

TEST(PanelDriver, RefusesAPanelOfAnotherSizeAndKeepsRetrying) {
  SimulatorOptions small = tcp_panel();
  small.width = 64;
  small.height = 16;
  PanelSimulator panel(small);
  LogRecorder log;
  PanelDriver driver(open_link(link_uri(panel.port())), kStreetBoard, log.sink(), quick());
  driver.submit(frame_number(1));
  EXPECT_TRUE(
      log.wait_for("is 64x16 mono but the config says 128x32 mono; not sending frames", kPatience))
      << log.all();
  EXPECT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.health.errors >= 2; }, kPatience));
  EXPECT_EQ(panel.commits(), 0u);
}

// The fault tests: inject, see it happen and hurt, take it away, see the panel play again.

TEST(PanelDriver, RecoversFromDroppedRequests) {
  PanelSimulator panel(tcp_panel());
  LogRecorder log;
  PanelDriver driver(open_link(quick_uri(panel.port())), kStreetBoard, log.sink(), quick());
  driver.submit(frame_number(1));
  ASSERT_TRUE(panel_shows(panel, frame_number(1)));

  panel.set_faults(SimulatorFaults{.drop_rate = 1.0});
  driver.submit(frame_number(2));
  EXPECT_TRUE(log.wait_for("link disconnected", kPatience)) << log.all();
  EXPECT_TRUE(log.wait_for("Connection timed out", kPatience)) << log.all();
  EXPECT_GT(panel.counters().dropped, 0u);

  panel.set_faults(SimulatorFaults{});
  EXPECT_TRUE(panel_shows(panel, frame_number(2)));
  EXPECT_TRUE(driver.wait_for(
      [](const LinkCounters& c) { return c.health.reconnects >= 1 && c.health.connected; },
      kPatience));
}

TEST(PanelDriver, RidesOutLatencyBelowTheTimeoutAndRecoversFromLatencyAboveIt) {
  PanelSimulator panel(tcp_panel());
  LogRecorder log;
  PanelDriver driver(open_link(quick_uri(panel.port())), kStreetBoard, log.sink(), quick());

  panel.set_faults(SimulatorFaults{.added_latency = 30ms});
  driver.submit(frame_number(1));
  ASSERT_TRUE(panel_shows(panel, frame_number(1)));
  EXPECT_EQ(driver.counters().health.errors, 0u);

  panel.set_faults(SimulatorFaults{.added_latency = 400ms});
  driver.submit(frame_number(2));
  EXPECT_TRUE(log.wait_for("Connection timed out", kPatience)) << log.all();

  panel.set_faults(SimulatorFaults{});
  driver.submit(frame_number(3));
  EXPECT_TRUE(panel_shows(panel, frame_number(3)));
}

TEST(PanelDriver, ReconnectsAfterThePanelDropsTheConnectionEveryFewFrames) {
  SimulatorOptions flaky = tcp_panel();
  flaky.faults.disconnect_every = 3;
  PanelSimulator panel(flaky);
  LogRecorder log;
  PanelDriver driver(open_link(link_uri(panel.port())), kStreetBoard, log.sink(), quick(1h));
  Feeder feeder(driver);
  EXPECT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.health.reconnects >= 3; }, kPatience))
      << log.all();
  const unsigned last = feeder.finish();
  EXPECT_GE(panel.counters().disconnects, 3u);
  EXPECT_TRUE(panel_shows(panel, frame_number(last)));
}

TEST(PanelDriver, RecoversFromCorruptedRepliesOverTcp) {
  PanelSimulator panel(tcp_panel());
  LogRecorder log;
  PanelDriver driver(open_link(quick_uri(panel.port())), kStreetBoard, log.sink(), quick());
  panel.set_faults(SimulatorFaults{.corrupt_rate = 1.0});
  driver.submit(frame_number(1));
  EXPECT_TRUE(log.wait_for("link down", kPatience)) << log.all();
  EXPECT_GT(panel.counters().corrupted, 0u);

  panel.set_faults(SimulatorFaults{});
  EXPECT_TRUE(panel_shows(panel, frame_number(1)));
}

TEST(PanelDriver, RecoversFromCorruptedRepliesOnASerialLine) {
  PtyPair line;
  SimulatorOptions serial;
  serial.port = -1;
  serial.rtu_fd = line.master();
  PanelSimulator panel(serial);
  LogRecorder log;
  PanelDriver driver(open_link(line.link_uri() + "&timeout=150"), kStreetBoard, log.sink(),
                     quick());
  driver.submit(frame_number(1));
  ASSERT_TRUE(panel_shows(panel, frame_number(1)));

  panel.set_faults(SimulatorFaults{.corrupt_rate = 1.0});
  driver.submit(frame_number(2));
  EXPECT_TRUE(log.wait_for("Invalid CRC", kPatience)) << log.all();

  panel.set_faults(SimulatorFaults{});
  EXPECT_TRUE(panel_shows(panel, frame_number(2)));
}

TEST(PanelDriver, AfterARebootThePanelGetsItsFrameBackWithoutANewOne) {
  PanelSimulator panel(tcp_panel());
  LogRecorder log;
  PanelDriver driver(open_link(quick_uri(panel.port())), kStreetBoard, log.sink(), quick(50ms));
  driver.submit(frame_number(5));
  ASSERT_TRUE(panel_shows(panel, frame_number(5)));
  const std::uint64_t before = panel.commits();

  panel.reboot(200ms);
  EXPECT_EQ(panel.shown_frame(), Frame::blank(128, 32, PixelFormat::mono));
  // Nothing new is submitted: the driver notices and shows the frame it last committed.
  ASSERT_TRUE(panel.wait_for_commit(before, kPatience).has_value()) << log.all();
  EXPECT_TRUE(panel_shows(panel, frame_number(5)));
  EXPECT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.health.reconnects >= 1; }, kPatience));
}

TEST(PanelDriver, ASerialPanelThatRebootsBetweenFramesIsCaughtByItsStatus) {
  // On a serial line nothing disconnects: only the read-back tells that the panel restarted.
  PtyPair line;
  SimulatorOptions serial;
  serial.port = -1;
  serial.rtu_fd = line.master();
  PanelSimulator panel(serial);
  LogRecorder log;
  PanelDriver driver(open_link(line.link_uri()), kStreetBoard, log.sink(), quick(20ms));
  driver.submit(frame_number(8));
  ASSERT_TRUE(panel_shows(panel, frame_number(8)));

  panel.reboot(0ms);
  EXPECT_TRUE(log.wait_for("panel restarted and lost its frame", kPatience)) << log.all();
  EXPECT_TRUE(panel_shows(panel, frame_number(8)));
}

TEST(PanelDriver, RebootsEveryFewFramesDoNotStopThePanelPlaying) {
  SimulatorOptions unstable = tcp_panel();
  unstable.faults.reboot_every = 4;
  unstable.faults.reboot_downtime = 50ms;
  PanelSimulator panel(unstable);
  LogRecorder log;
  PanelDriver driver(open_link(quick_uri(panel.port())), kStreetBoard, log.sink(), quick(1h));
  Feeder feeder(driver);
  EXPECT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.health.reconnects >= 2; }, kPatience))
      << log.all();
  const unsigned last = feeder.finish();
  EXPECT_GE(panel.counters().reboots, 2u);
  EXPECT_TRUE(panel_shows(panel, frame_number(last)));
}

TEST(PanelDriver, APanelKilledAndRestartedResumesWithin2SecondsWhileAnotherKeepsPlaying) {
  auto gate = std::make_unique<PanelSimulator>(tcp_panel());
  const int gate_port = gate->port();
  PanelSimulator market(tcp_panel());
  LogRecorder log;
  // The default backoff, as the daemon uses it.
  PanelDriver gate_driver(open_link(link_uri(gate_port)), kStreetBoard, log.sink(),
                          DriverOptions{.backoff = {}, .status_interval = 1h});
  PanelDriver market_driver(open_link(link_uri(market.port())), kStreetBoard, log.sink(),
                            DriverOptions{.backoff = {}, .status_interval = 1h});
  Feeder gate_feed(gate_driver);
  Feeder market_feed(market_driver, 5000);
  ASSERT_TRUE(gate->wait_for_commit(0, kPatience).has_value());

  gate.reset();
  ASSERT_TRUE(
      gate_driver.wait_for([](const LinkCounters& c) { return !c.health.connected; }, kPatience));
  // While the gate is gone and its driver backs off, the market goes on taking frames.
  const std::uint64_t market_before = market.commits();
  for (int i = 1; i <= 20; ++i)
    ASSERT_TRUE(market.wait_for_commit(market_before + static_cast<unsigned>(i), kPatience))
        << "market frame " << i;
  // Long enough for the backoff to reach its cap (200, 400, 800, then 1500 ms).
  ASSERT_TRUE(
      gate_driver.wait_for([](const LinkCounters& c) { return c.health.errors >= 4; }, 10s));

  SimulatorOptions same_port = tcp_panel();
  same_port.port = gate_port;
  PanelSimulator restarted(same_port);
  const auto back_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(restarted.wait_for_commit(0, 3s).has_value()) << log.all();
  EXPECT_LE(std::chrono::steady_clock::now() - back_at, 2s);
  const unsigned last_gate = gate_feed.finish();
  EXPECT_TRUE(panel_shows(restarted, frame_number(last_gate)));
  const unsigned last_market = market_feed.finish();
  EXPECT_TRUE(panel_shows(market, frame_number(last_market)));
}

TEST(PanelDriver, DrivesADdpReceiverThatDoesNotDescribeItself) {
  SimulatorOptions receiver;
  receiver.port = -1;
  receiver.ddp_port = 0;
  PanelSimulator panel(receiver);
  LogRecorder log;
  PanelDriver driver(open_link("ddp://127.0.0.1:" + std::to_string(panel.ddp_port())), kStreetBoard,
                     log.sink(), quick());
  driver.submit(frame_number(3));
  EXPECT_TRUE(panel_shows(panel, frame_number(3)));
  EXPECT_TRUE(log.wait_for("(it does not describe itself; taken to be 128x32 mono as configured)",
                           kPatience))
      << log.all();
  EXPECT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.health.frames_shown == 1; }, kPatience));
  EXPECT_EQ(driver.counters().health.bytes_per_frame, 128u * 32u * 3u + 9u * 10u);
  EXPECT_FALSE(driver.counters().last_status.has_value());
}

TEST(PanelDriver, DroppedDatagramsLoseFramesButNotTheLink) {
  SimulatorOptions receiver;
  receiver.port = -1;
  receiver.e131_port = 0;
  receiver.faults.drop_rate = 1.0;
  PanelSimulator panel(receiver);
  LogRecorder log;
  PanelDriver driver(open_link("e131://127.0.0.1:" + std::to_string(panel.e131_port())),
                     kStreetBoard, log.sink(), quick());
  driver.submit(frame_number(1));
  ASSERT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.health.frames_shown == 1; }, kPatience));
  EXPECT_FALSE(panel.wait_for_commit(0, 50ms).has_value());

  panel.set_faults(SimulatorFaults{});
  driver.submit(frame_number(2));
  EXPECT_TRUE(panel_shows(panel, frame_number(2)));
  EXPECT_EQ(driver.counters().health.errors, 0u);
}

TEST(PanelDriver, ALinkThatConnectsButFailsEveryFrameBacksOffAndLogsSeldom) {
  // Sending to the broadcast address without SO_BROADCAST: every connect works (a UDP socket
  // opens), every frame fails with EACCES. Each failed frame must cost a backoff delay, doubling
  // to the longest, not an immediate reconnect.
  LogRecorder log;
  const DriverOptions options{.backoff = {20ms, 40ms}, .status_interval = 0ms};
  const auto started = std::chrono::steady_clock::now();
  PanelDriver driver(open_link("ddp://255.255.255.255"), PanelGeometry{64, 8, PixelFormat::rgb888},
                     log.sink(), options);
  driver.submit(patterned_frame(64, 8, PixelFormat::rgb888, 1));
  constexpr std::uint64_t kReconnects = 8;
  ASSERT_TRUE(driver.wait_for(
      [](const LinkCounters& counters) { return counters.health.reconnects >= kReconnects; },
      kPatience))
      << log.all();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  const LinkCounters counters = driver.counters();
  driver.stop();
  // Waited before each reconnect: 20 ms, then 40 ms for each of the other seven.
  EXPECT_GE(elapsed, 20ms + 40ms * (kReconnects - 1));
  EXPECT_EQ(counters.health.frames_shown, 0u);
  EXPECT_GE(counters.health.errors, kReconnects);
  // Connects and failures are logged on the 1st, 2nd, 4th and 8th time only, not once each.
  EXPECT_LE(log.count(""), 12) << log.all();
  EXPECT_GE(log.count("link disconnected: ddp://255.255.255.255:4048: sending failed"), 1)
      << log.all();
}

TEST(PanelDriver, AnE131UniverseSpanThatCannotHoldTheFrameIsRefusedAtConnect) {
  // 64x8 RGB pixels need 4 universes; from 63999 they would run past the last universe.
  LogRecorder log;
  PanelDriver driver(open_link("e131://127.0.0.1?universe=63999"),
                     PanelGeometry{64, 8, PixelFormat::rgb888}, log.sink(), quick());
  driver.submit(patterned_frame(64, 8, PixelFormat::rgb888, 1));
  ASSERT_TRUE(
      log.wait_for("link down: e131://127.0.0.1:5568 universe 63999: a 64x8 frame needs "
                   "4 universes from 63999, past the last universe 63999",
                   kPatience))
      << log.all();
  ASSERT_TRUE(driver.wait_for(
      [](const LinkCounters& counters) { return counters.health.errors >= 3; }, kPatience));
  const LinkCounters counters = driver.counters();
  driver.stop();
  EXPECT_EQ(log.count("link connected"), 0) << log.all();
  EXPECT_EQ(counters.health.reconnects, 0u);
  EXPECT_EQ(counters.health.frames_shown, 0u);
}

}  // namespace
}  // namespace bangtin
