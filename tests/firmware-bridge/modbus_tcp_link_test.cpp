// ModbusTcpLink against real sockets: the panel simulator, or a bare libmodbus server posing as a
// panel. Waits go through wait_for_commit, whose timeout is reached only when a test fails.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/register_map.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

using test_support::BareModbusServer;
using test_support::link_uri;
using test_support::patterned_frame;
using test_support::RefusingPort;
using test_support::simulated_identity;

constexpr std::chrono::milliseconds kPatience{5000};

SimulatorOptions panel(int width, int height, PixelFormat format) {
  SimulatorOptions options;
  options.port = 0;
  options.width = width;
  options.height = height;
  options.format = format;
  return options;
}

// The LinkError message of `attempt`, or a failure when it does not throw one.
template <typename Attempt>
std::string link_error_of(Attempt attempt) {
  try {
    attempt();
  } catch (const LinkError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no LinkError thrown";
  return {};
}

TEST(ModbusTcpLink, ConnectReadsTheIdentityOfAMonoPanel) {
  PanelSimulator simulator(panel(128, 32, PixelFormat::mono));
  const auto link = open_link(link_uri(simulator.port()));
  EXPECT_EQ(link->connect(), simulated_identity(128, 32, PixelFormat::mono));
  EXPECT_TRUE(link->is_open());
}

TEST(ModbusTcpLink, ConnectReadsTheIdentityOfAnRgb565Panel) {
  PanelSimulator simulator(panel(64, 16, PixelFormat::rgb565));
  const auto link = open_link(link_uri(simulator.port(), 7));
  EXPECT_EQ(link->connect(), simulated_identity(64, 16, PixelFormat::rgb565));
}

TEST(ModbusTcpLink, ShowsAMonoFramePixelExact) {
  PanelSimulator simulator(panel(128, 32, PixelFormat::mono));
  const auto link = open_link(link_uri(simulator.port()));
  link->connect();
  const Frame frame = patterned_frame(128, 32, PixelFormat::mono, 1);

  link->show(frame);

  const auto shown = simulator.wait_for_commit(0, kPatience);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(*shown, frame);
  EXPECT_EQ(simulator.commits(), 1u);
}

TEST(ModbusTcpLink, ShowsAnRgb565FrameWrittenInManyChunks) {
  PanelSimulator simulator(panel(64, 16, PixelFormat::rgb565));
  const auto link = open_link(link_uri(simulator.port()));
  link->connect();
  const Frame frame = patterned_frame(64, 16, PixelFormat::rgb565, 2);
  ASSERT_GT(register_map::framebuffer_registers(frame.bytes.size()),
            4 * register_map::kMaxRegistersPerWrite);

  link->show(frame);

  const auto shown = simulator.wait_for_commit(0, kPatience);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(*shown, frame);
}

TEST(ModbusTcpLink, ShowsAFrameWithAnOddNumberOfBytes) {
  PanelSimulator simulator(panel(5, 3, PixelFormat::rgb888));
  const auto link = open_link(link_uri(simulator.port()));
  link->connect();
  const Frame frame = patterned_frame(5, 3, PixelFormat::rgb888, 3);
  ASSERT_EQ(frame.bytes.size() % 2, 1u);

  link->show(frame);

  const auto shown = simulator.wait_for_commit(0, kPatience);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(*shown, frame);
}

TEST(ModbusTcpLink, SuccessiveFramesArriveInOrder) {
  PanelSimulator simulator(panel(64, 16, PixelFormat::rgb565));
  const auto link = open_link(link_uri(simulator.port()));
  link->connect();

  for (unsigned n = 1; n <= 12; ++n) {
    const Frame frame = patterned_frame(64, 16, PixelFormat::rgb565, 100 + n);
    link->show(frame);
    const auto shown = simulator.wait_for_commit(n - 1, kPatience);
    ASSERT_TRUE(shown.has_value()) << "commit " << n;
    EXPECT_EQ(*shown, frame) << "commit " << n;
    EXPECT_EQ(simulator.commits(), n);
    // The simulator shows a frame before acknowledging its commit, as a real panel does.
    EXPECT_EQ(simulator.shown_frame(), frame) << "commit " << n;
  }
}

TEST(ModbusTcpLink, ConnectWhereNothingListensNamesTheLink) {
  RefusingPort nowhere;
  const auto link = open_link(link_uri(nowhere.port()));

  const std::string message = link_error_of([&] { link->connect(); });

  EXPECT_EQ(message, "modbus-tcp://127.0.0.1:" + std::to_string(nowhere.port()) +
                         " unit 1: connect failed: Connection refused");
  EXPECT_FALSE(link->is_open());
}

TEST(ModbusTcpLink, ShowBeforeConnectThrows) {
  const auto link = open_link("modbus-tcp://127.0.0.1:1502");
  const std::string message =
      link_error_of([&] { link->show(Frame::blank(8, 8, PixelFormat::mono)); });
  EXPECT_EQ(message.rfind("modbus-tcp://127.0.0.1:1502 unit 1: ", 0), 0u) << message;
}

TEST(ModbusTcpLink, ShowAfterThePanelGoesAwayThrowsAndReconnectWorks) {
  auto simulator = std::make_unique<PanelSimulator>(panel(128, 32, PixelFormat::mono));
  const int port = simulator->port();
  const auto link = open_link(link_uri(port));
  link->connect();
  link->show(patterned_frame(128, 32, PixelFormat::mono, 1));

  simulator.reset();
  const std::string message =
      link_error_of([&] { link->show(patterned_frame(128, 32, PixelFormat::mono, 2)); });
  EXPECT_EQ(message.rfind(link->describe() + ": ", 0), 0u) << message;
  EXPECT_FALSE(link->is_open());

  // The panel comes back on the same address, as a rebooted one would.
  SimulatorOptions same_address = panel(128, 32, PixelFormat::mono);
  same_address.port = port;
  PanelSimulator rebooted(same_address);
  EXPECT_EQ(link->connect(), simulated_identity(128, 32, PixelFormat::mono));
  const Frame frame = patterned_frame(128, 32, PixelFormat::mono, 3);
  link->show(frame);
  const auto shown = rebooted.wait_for_commit(0, kPatience);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(*shown, frame);
}

TEST(ModbusTcpLink, RefusesAServerThatIsNotABangtinPanel) {
  BareModbusServer impostor({0x1234, 2, 128, 32, 0, 0});
  const auto link = open_link(link_uri(impostor.port()));

  const std::string message = link_error_of([&] { link->connect(); });

  EXPECT_NE(message.find(link->describe() + ": not a bangtin panel (magic 0x1234"),
            std::string::npos)
      << message;
  EXPECT_FALSE(link->is_open());
}

TEST(ModbusTcpLink, RefusesAPanelSpeakingAnotherMapVersion) {
  BareModbusServer future_panel({register_map::kMagicValue, 5, 128, 32, 0, 0, 256});
  const auto link = open_link(link_uri(future_panel.port()));

  const std::string message = link_error_of([&] { link->connect(); });

  EXPECT_NE(message.find("register map version 5, this controller speaks versions 2 to 4"),
            std::string::npos)
      << message;
}

TEST(ModbusTcpLink, RefusesFirmwareOfTheWalkingSkeletonsMapVersion1) {
  BareModbusServer old_panel({register_map::kMagicValue, 1, 128, 32, 0, 0});
  const auto link = open_link(link_uri(old_panel.port()));

  const std::string message = link_error_of([&] { link->connect(); });

  EXPECT_NE(message.find("register map version 1"), std::string::npos) << message;
}

TEST(ModbusTcpLink, ReportsTheModbusErrorWhenTheIdentityCannotBeRead) {
  BareModbusServer too_small({register_map::kMagicValue, 1});
  const auto link = open_link(link_uri(too_small.port()));

  const std::string message = link_error_of([&] { link->connect(); });

  EXPECT_NE(message.find("reading the identity block failed: Illegal data address"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace bangtin
