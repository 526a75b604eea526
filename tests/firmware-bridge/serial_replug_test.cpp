// A USB-serial adapter unplugged and plugged back, as on a street board whose RS-485 adapter is
// knocked loose. The display's link names the adapter by a stable path (as /dev/serial/by-id/...
// does); here that is a symlink in a scratch directory to the slave of a real pty pair whose master
// side a panel simulator serves. Unplugging removes the name, stops the panel and closes the pty,
// so the link's open descriptor hangs up; plugging back is a new pty pair, a new simulator and the
// name pointing at the new slave. Waits are on events (a commit, a counter, a log line); their
// timeouts are reached only when a test fails.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "bangtin/panel_driver.hpp"
#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

using namespace std::chrono_literals;
using test_support::link_uri;
using test_support::LogRecorder;
using test_support::panel_shows;
using test_support::patterned_frame;
using test_support::PtyPair;

constexpr std::chrono::milliseconds kPatience{5000};
constexpr PanelGeometry kStreetBoard{128, 32, PixelFormat::mono};

Frame frame_number(unsigned n) { return patterned_frame(128, 32, PixelFormat::mono, n); }

// Quick retries, so that a test sees several of them in a fraction of a second.
DriverOptions quick(std::chrono::milliseconds status_interval) {
  return DriverOptions{.backoff = {20ms, 200ms}, .status_interval = status_interval};
}

// A directory of its own under /tmp, removed with everything in it.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "bangtin-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("test setup: cannot make a scratch directory");
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

SimulatorOptions tcp_panel() {
  SimulatorOptions options;
  options.port = 0;
  return options;
}

SimulatorOptions serial_panel(const PtyPair& line) {
  SimulatorOptions options;
  options.port = -1;  // the serial line only
  options.rtu_fd = line.master();
  return options;
}

// A plugged-in adapter with a panel on its line, reachable at `name` for as long as it lives.
class PluggedAdapter {
 public:
  explicit PluggedAdapter(std::filesystem::path name)
      : name_(std::move(name)), panel_(serial_panel(line_)) {
    // Last, as udev adds the name once the device is ready: whoever opens it finds a panel.
    std::filesystem::create_symlink(line_.slave_path(), name_);
  }
  // Unplugging. The name goes first, so that no reopen can reach the dying pty, or another pty
  // that takes its number once it is freed; then the panel stops answering (panel_ is destroyed),
  // and the line is cut (line_ closes the master, and a link holding the slave sees it hang up).
  ~PluggedAdapter() {
    std::error_code ignored;
    std::filesystem::remove(name_, ignored);
  }
  PluggedAdapter(const PluggedAdapter&) = delete;
  PluggedAdapter& operator=(const PluggedAdapter&) = delete;

  PanelSimulator& panel() { return panel_; }

 private:
  std::filesystem::path name_;
  PtyPair line_;
  PanelSimulator panel_;
};

// Submits a new frame every couple of milliseconds, as the daemon's display tick does.
class Feeder {
 public:
  explicit Feeder(PanelDriver& driver, unsigned first)
      : thread_([this, &driver, first] {
          for (unsigned n = first; !stop_; ++n) {
            last_ = n;
            driver.submit(frame_number(n));
            std::this_thread::sleep_for(2ms);
          }
        }) {}
  ~Feeder() { finish(); }
  Feeder(const Feeder&) = delete;
  Feeder& operator=(const Feeder&) = delete;
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

TEST(SerialReplug, AnUnpluggedAdapterIsRetriedAndPlaysAgainPluggedBackWhileAnotherDisplayPlays) {
  const ScratchDirectory scratch;
  const std::string device = (scratch.path() / "ttyUSB0").string();
  const std::string gate_link = "modbus-rtu://" + device + " unit 1 at 115200 8N1";
  auto adapter = std::make_unique<PluggedAdapter>(device);
  PanelSimulator market(tcp_panel());
  LogRecorder gate_log;
  LogRecorder market_log;
  // The gate's status is read back often, so that the loss is seen with no frame to send.
  PanelDriver gate(open_link("modbus-rtu://" + device + "?baud=115200"), kStreetBoard,
                   gate_log.sink(), quick(20ms));
  PanelDriver market_driver(open_link(link_uri(market.port())), kStreetBoard, market_log.sink(),
                            quick(1h));

  gate.submit(frame_number(1));
  const auto first_shown = adapter->panel().wait_for_commit(0, kPatience);
  ASSERT_TRUE(first_shown.has_value()) << gate_log.all();
  EXPECT_EQ(*first_shown, frame_number(1));
  EXPECT_EQ(gate_log.count("link connected: " + gate_link + " (panel 128x32 mono"), 1)
      << gate_log.all();
  // The panel shows a frame before it acknowledges the commit: unplug only once the driver has
  // had the acknowledgement, so that frame 1 counts as shown whatever the timing.
  ASSERT_TRUE(
      gate.wait_for([](const LinkCounters& c) { return c.health.frames_shown == 1; }, kPatience))
      << gate_log.all();

  adapter.reset();
  ASSERT_TRUE(gate.wait_for([](const LinkCounters& c) { return !c.health.connected; }, kPatience))
      << gate_log.all();
  EXPECT_TRUE(gate_log.wait_for("link disconnected: " + gate_link + ": ", kPatience))
      << gate_log.all();
  // It keeps trying to open the adapter, backing off, each failure saying which device is missing.
  // The loss itself was the first failure (and waited the first delay), so opening fails from the
  // second attempt on.
  const std::string missing = "link down: " + gate_link + ": cannot open " + device +
                              ": No such file or directory (attempt ";
  EXPECT_TRUE(gate_log.wait_for(missing + "2, next in 40 ms)", kPatience)) << gate_log.all();
  EXPECT_TRUE(gate_log.wait_for(missing + "4, next in 160 ms)", kPatience)) << gate_log.all();
  // A frame for the gate while it is unplugged waits for it; handing it over does not block.
  gate.submit(frame_number(2));

  // Meanwhile the market display goes on showing every frame it is given, pixel-exact.
  for (unsigned n = 5001; n <= 5020; ++n) {
    const std::uint64_t before = market.commits();
    market_driver.submit(frame_number(n));
    const auto shown = market.wait_for_commit(before, kPatience);
    ASSERT_TRUE(shown.has_value()) << "market frame " << n << "\n" << market_log.all();
    EXPECT_EQ(*shown, frame_number(n)) << "market frame " << n;
  }
  ASSERT_FALSE(
      gate.counters().health.connected);  // all of the market's frames went while it was out
  const std::uint64_t errors_while_out = gate.counters().health.errors;
  EXPECT_GE(errors_while_out, 4u);  // the loss (attempt 1) and at least three attempts to reopen

  adapter = std::make_unique<PluggedAdapter>(device);
  ASSERT_TRUE(gate.wait_for(
      [](const LinkCounters& c) { return c.health.connected && c.health.reconnects == 1; },
      kPatience))
      << gate_log.all();
  EXPECT_EQ(gate_log.count("link connected: " + gate_link + " (panel 128x32 mono"), 2)
      << gate_log.all();
  // The frame submitted while it was out is the first the new panel shows.
  const auto first_after = adapter->panel().wait_for_commit(0, kPatience);
  ASSERT_TRUE(first_after.has_value()) << gate_log.all();
  EXPECT_EQ(*first_after, frame_number(2));
  // And the next frame submitted is the next one it shows.
  const std::uint64_t before = adapter->panel().commits();
  gate.submit(frame_number(3));
  const auto next_after = adapter->panel().wait_for_commit(before, kPatience);
  ASSERT_TRUE(next_after.has_value()) << gate_log.all();
  EXPECT_EQ(*next_after, frame_number(3));
  EXPECT_TRUE(
      gate.wait_for([](const LinkCounters& c) { return c.health.frames_shown == 3; }, kPatience))
      << gate_log.all();

  ASSERT_TRUE(market_driver.wait_for(
      [](const LinkCounters& c) { return c.health.frames_shown == 20; }, kPatience));
  const LinkCounters market_counters = market_driver.counters();
  EXPECT_EQ(market_counters.health.errors, 0u) << market_log.all();
  EXPECT_EQ(market_counters.health.reconnects, 0u);
}

TEST(SerialReplug, UnpluggedMidStreamTheNewestFrameIsShownWholeOncePluggedBack) {
  const ScratchDirectory scratch;
  const std::string device = (scratch.path() / "ttyUSB0").string();
  const std::string gate_link = "modbus-rtu://" + device + " unit 1 at 9600 8N1";
  auto adapter = std::make_unique<PluggedAdapter>(device);
  LogRecorder log;
  // No status reads between frames, as on a board fed steadily: a frame finds the loss, possibly
  // halfway through its writes.
  PanelDriver gate(open_link("modbus-rtu://" + device + "?baud=9600"), kStreetBoard, log.sink(),
                   quick(1h));
  Feeder feed(gate, 1000);
  ASSERT_TRUE(adapter->panel().wait_for_commit(2, kPatience).has_value()) << log.all();

  adapter.reset();
  EXPECT_TRUE(log.wait_for("link disconnected: " + gate_link + ": ", kPatience)) << log.all();
  EXPECT_TRUE(log.wait_for("link down: " + gate_link + ": cannot open " + device + ": ", kPatience))
      << log.all();
  ASSERT_TRUE(gate.wait_for(
      [](const LinkCounters& c) { return !c.health.connected && c.health.errors >= 3; }, kPatience))
      << log.all();
  const std::uint64_t shown_before = gate.counters().health.frames_shown;

  adapter = std::make_unique<PluggedAdapter>(device);
  ASSERT_TRUE(gate.wait_for(
      [&](const LinkCounters& c) {
        return c.health.connected && c.health.reconnects == 1 &&
               c.health.frames_shown >= shown_before + 3;
      },
      kPatience))
      << log.all();
  // The frame a loss cut off halfway is not finished on the new panel from the old one's back
  // buffer: what it shows is one of the frames submitted, whole.
  const Frame shown_midway = adapter->panel().shown_frame();
  const unsigned last = feed.finish();
  bool whole = false;
  for (unsigned n = 1000; n <= last && !whole; ++n) whole = shown_midway == frame_number(n);
  EXPECT_TRUE(whole);
  EXPECT_TRUE(panel_shows(adapter->panel(), frame_number(last))) << log.all();
}

TEST(SerialLine, AHungUpLineRestsInsteadOfSpinningAndServesOnceReopened) {
  PtyPair line;
  PanelSimulator panel(serial_panel(line));
  {
    const auto link = open_link(line.link_uri());
    ASSERT_TRUE(link->connect().has_value());
    link->show(frame_number(1));
  }
  // Nobody holds the slave now: the master polls as hung up until it is opened again.
  line.close_slave();
  const auto hung_up = std::chrono::steady_clock::now();
  constexpr std::uint64_t kLooks = 4;
  const auto deadline = hung_up + kPatience;
  while (panel.counters().line_hangups < kLooks && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  ASSERT_GE(panel.counters().line_hangups, kLooks);
  // Each look after the first waited for the line's rest (50 ms): a busy loop takes microseconds.
  EXPECT_GE(std::chrono::steady_clock::now() - hung_up, 50ms * (kLooks - 1));

  const auto link = open_link(line.link_uri());
  ASSERT_TRUE(link->connect().has_value());
  link->show(frame_number(2));
  EXPECT_TRUE(panel_shows(panel, frame_number(2)));
}

}  // namespace
}  // namespace bangtin
