// The panel simulator seen from the wire: raw libmodbus requests, so what is checked is the
// register map itself and not how ModbusTcpLink happens to use it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/register_map.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

namespace rm = register_map;
using test_support::link_uri;
using test_support::patterned_frame;
using test_support::raw_client;

constexpr std::chrono::milliseconds kPatience{5000};

SimulatorOptions mono_panel(int width = 128, int height = 32) {
  SimulatorOptions options;
  options.port = 0;
  options.width = width;
  options.height = height;
  return options;
}

// Writes the whole back buffer as the register map asks, in requests of at most 123 registers.
void write_back_buffer(modbus_t* client, const std::vector<std::uint16_t>& registers) {
  const int total = static_cast<int>(registers.size());
  for (int first = 0; first < total; first += rm::kMaxRegistersPerWrite) {
    const int count = std::min(rm::kMaxRegistersPerWrite, total - first);
    ASSERT_EQ(
        modbus_write_registers(client, rm::kFramebuffer + first, count, registers.data() + first),
        count)
        << modbus_strerror(errno);
  }
}

std::uint16_t read_register(modbus_t* client, int address) {
  std::uint16_t value = 0;
  EXPECT_EQ(modbus_read_registers(client, address, 1, &value), 1) << modbus_strerror(errno);
  return value;
}

TEST(PanelSimulator, PicksAFreePortWhenAskedForPortZero) {
  PanelSimulator first(mono_panel());
  PanelSimulator second(mono_panel());
  EXPECT_GT(first.port(), 0);
  EXPECT_GT(second.port(), 0);
  EXPECT_NE(first.port(), second.port());
}

TEST(PanelSimulator, ThrowsWhenItsPortIsTaken) {
  PanelSimulator first(mono_panel());
  SimulatorOptions same_port = mono_panel();
  same_port.port = first.port();
  EXPECT_THROW(PanelSimulator{same_port}, std::runtime_error);
}

TEST(PanelSimulator, ThrowsOnOptionsItCannotServe) {
  SimulatorOptions no_pixels = mono_panel(0, 32);
  EXPECT_THROW(PanelSimulator{no_pixels}, std::invalid_argument);
  SimulatorOptions beyond_the_map = mono_panel(4096, 4096);
  EXPECT_THROW(PanelSimulator{beyond_the_map}, std::invalid_argument);
  SimulatorOptions named_host = mono_panel();
  named_host.host = "localhost";
  EXPECT_THROW(PanelSimulator{named_host}, std::runtime_error);
}

TEST(PanelSimulator, PublishesItsIdentityInHoldingRegisters) {
  SimulatorOptions options = mono_panel(96, 24);
  options.format = PixelFormat::rgb888;
  PanelSimulator simulator(options);
  const auto client = raw_client(simulator.port());

  std::uint16_t identity[rm::kIdentityCount] = {};
  ASSERT_EQ(modbus_read_registers(client.get(), rm::kMagic, rm::kIdentityCount, identity),
            rm::kIdentityCount);
  EXPECT_EQ(identity[rm::kMagic], 0x4254);
  EXPECT_EQ(identity[rm::kVersion], 4);
  EXPECT_EQ(identity[rm::kWidth], 96);
  EXPECT_EQ(identity[rm::kHeight], 24);
  EXPECT_EQ(identity[rm::kPixelFormat], 2);
  EXPECT_EQ(identity[rm::kCapabilities], rm::kCapabilityBrightness | rm::kCapabilityPower |
                                             rm::kCapabilityKeepsBackBuffer | rm::kCapabilityStrip |
                                             rm::kCapabilityRing);
  // The frame's 3456 registers and the default 32768 for strips.
  EXPECT_EQ(identity[rm::kWindowRegisters], 96 * 24 * 3 / 2 + 32768);
}

TEST(PanelSimulator, ShowsABlankFrameUntilTheFirstCommit) {
  PanelSimulator simulator(mono_panel());
  EXPECT_EQ(simulator.shown_frame(), Frame::blank(128, 32, PixelFormat::mono));
  EXPECT_EQ(simulator.commits(), 0u);
  EXPECT_FALSE(simulator.wait_for_commit(0, std::chrono::milliseconds(1)).has_value());
}

TEST(PanelSimulator, NeverShowsAFrameThatWasNotCommitted) {
  PanelSimulator simulator(mono_panel());
  const auto client = raw_client(simulator.port());
  const int register_count = rm::framebuffer_registers(128 * 32 / 8);

  // Each write is acknowledged only after the simulator has handled it, so no wait is needed.
  write_back_buffer(client.get(), std::vector<std::uint16_t>(register_count, 0xFFFF));
  EXPECT_EQ(simulator.shown_frame(), Frame::blank(128, 32, PixelFormat::mono));
  EXPECT_EQ(simulator.commits(), 0u);

  ASSERT_EQ(modbus_write_register(client.get(), rm::kCommit, 7), 1);
  const auto shown = simulator.wait_for_commit(0, kPatience);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(shown->lit_count(), 128 * 32);
  EXPECT_EQ(read_register(client.get(), rm::kShownSequence), 7);
}

TEST(PanelSimulator, EveryWriteCoveringTheCommitRegisterCommits) {
  PanelSimulator simulator(mono_panel());
  const auto client = raw_client(simulator.port());

  ASSERT_EQ(modbus_write_register(client.get(), rm::kCommit, 5), 1);
  ASSERT_EQ(modbus_write_register(client.get(), rm::kCommit, 5), 1);  // same number again
  EXPECT_EQ(simulator.commits(), 2u);

  // A multiple-register write that merely spans the commit register counts too.
  const std::uint16_t around_commit[] = {0, 9, 0};
  ASSERT_EQ(modbus_write_registers(client.get(), rm::kCommit - 1, 3, around_commit), 3);
  EXPECT_EQ(simulator.commits(), 3u);
  EXPECT_EQ(read_register(client.get(), rm::kShownSequence), 9);

  // Writes that miss it do not.
  ASSERT_EQ(modbus_write_register(client.get(), rm::kShownSequence, 1), 1);
  ASSERT_EQ(modbus_write_register(client.get(), rm::kFramebuffer, 0xFFFF), 1);
  EXPECT_EQ(simulator.commits(), 3u);
}

TEST(PanelSimulator, ServesSeveralClientsAtOnce) {
  PanelSimulator simulator(mono_panel());
  const auto idle = raw_client(simulator.port());  // connected, never speaks
  const auto first = open_link(link_uri(simulator.port()));
  const auto second = open_link(link_uri(simulator.port()));
  first->connect();
  second->connect();
  {
    const auto dropped = raw_client(simulator.port());  // hangs up mid-session
    EXPECT_EQ(read_register(dropped.get(), rm::kMagic), rm::kMagicValue);
  }

  std::uint64_t commits = 0;
  for (unsigned n = 1; n <= 6; ++n) {
    const Frame frame = patterned_frame(128, 32, PixelFormat::mono, n);
    (n % 2 == 1 ? first : second)->show(frame);
    const auto shown = simulator.wait_for_commit(commits++, kPatience);
    ASSERT_TRUE(shown.has_value()) << "frame " << n;
    EXPECT_EQ(*shown, frame) << "frame " << n;
  }
  EXPECT_EQ(read_register(idle.get(), rm::kShownSequence), 3);  // each link counts its own
}

TEST(PanelSimulator, StatusAndIdentityCannotBeOverwritten) {
  PanelSimulator simulator(mono_panel());
  const auto client = raw_client(simulator.port());
  ASSERT_EQ(modbus_write_register(client.get(), rm::kShownCrcLow, 0x1234), 1);
  ASSERT_EQ(modbus_write_register(client.get(), rm::kWidth, 7), 1);
  EXPECT_EQ(read_register(client.get(), rm::kShownCrcLow),
            frame_crc32(Frame::blank(128, 32, PixelFormat::mono)) & 0xFFFF);
  EXPECT_EQ(read_register(client.get(), rm::kWidth), 128);
  // Controls are the panel's to keep.
  ASSERT_EQ(modbus_write_register(client.get(), rm::kBrightness, 40), 1);
  EXPECT_EQ(read_register(client.get(), rm::kBrightness), 40);
}

TEST(PanelSimulator, ARebootLosesTheFrameAndSaysSo) {
  PanelSimulator simulator(mono_panel());
  const auto link = open_link(link_uri(simulator.port()));
  link->connect();
  link->show(patterned_frame(128, 32, PixelFormat::mono, 1));
  EXPECT_EQ(link->status()->faults, 0);

  simulator.reboot(std::chrono::milliseconds(0));
  EXPECT_EQ(simulator.shown_frame(), Frame::blank(128, 32, PixelFormat::mono));
  EXPECT_EQ(simulator.counters().reboots, 1u);
  EXPECT_THROW(link->status(), LinkError);  // the reboot dropped the connection
  link->connect();
  const auto status = link->status();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->faults, rm::kFaultFramebufferLost);
  EXPECT_EQ(status->shown_sequence, 0);
  EXPECT_EQ(status->shown_crc, frame_crc32(Frame::blank(128, 32, PixelFormat::mono)));
}

}  // namespace
}  // namespace bangtin
