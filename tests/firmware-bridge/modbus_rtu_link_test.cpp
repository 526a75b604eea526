// ModbusRtuLink over a real pty pair made in each test: the simulator serves the master side, the
// link opens the slave by path, as it would /dev/ttyUSB0.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/register_map.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

namespace rm = register_map;
using test_support::patterned_frame;
using test_support::PtyPair;
using test_support::simulated_identity;

constexpr std::chrono::milliseconds kPatience{5000};

SimulatorOptions rtu_panel(const PtyPair& line, int width, int height, PixelFormat format) {
  SimulatorOptions options;
  options.port = -1;  // the serial line only
  options.rtu_fd = line.master();
  options.width = width;
  options.height = height;
  options.format = format;
  return options;
}

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

TEST(ModbusRtuLink, ConnectReadsTheIdentityOverThePty) {
  PtyPair line;
  PanelSimulator simulator(rtu_panel(line, 128, 32, PixelFormat::mono));
  const auto link = open_link(line.link_uri());
  EXPECT_EQ(link->connect(), simulated_identity(128, 32, PixelFormat::mono));
  EXPECT_EQ(link->describe(), "modbus-rtu://" + line.slave_path() + " unit 1 at 115200 8N1");
}

TEST(ModbusRtuLink, FramesArrivePixelExactAndInOrderOfCommit) {
  PtyPair line;
  PanelSimulator simulator(rtu_panel(line, 192, 64, PixelFormat::rgb565));
  const auto link = open_link(line.link_uri());
  link->connect();
  for (unsigned n = 1; n <= 5; ++n) {
    const Frame frame = patterned_frame(192, 64, PixelFormat::rgb565, 40 + n);
    link->show(frame);
    const auto shown = simulator.wait_for_commit(n - 1, kPatience);
    ASSERT_TRUE(shown.has_value()) << "commit " << n;
    EXPECT_EQ(*shown, frame) << "commit " << n;
    EXPECT_EQ(simulator.commits(), n);
  }
}

TEST(ModbusRtuLink, StatusReportsTheCommittedSequenceAndTheCrcOfTheFrameOnShow) {
  PtyPair line;
  PanelSimulator simulator(rtu_panel(line, 128, 32, PixelFormat::mono));
  const auto link = open_link(line.link_uri());
  link->connect();
  const auto before = link->status();
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->faults, rm::kFaultFramebufferLost);  // nothing committed since power-up
  EXPECT_EQ(before->shown_crc, frame_crc32(Frame::blank(128, 32, PixelFormat::mono)));

  const Frame frame = patterned_frame(128, 32, PixelFormat::mono, 3);
  link->show(frame);
  link->show(frame);
  const auto after = link->status();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->shown_sequence, 2);
  EXPECT_EQ(after->shown_crc, frame_crc32(frame));
  EXPECT_EQ(after->faults, 0);
  EXPECT_DOUBLE_EQ(after->temperature_celsius, 35.0);
}

TEST(ModbusRtuLink, ASmallChangeGoesAsADeltaAndTheFrameIsStillExact) {
  PtyPair line;
  PanelSimulator simulator(rtu_panel(line, 128, 32, PixelFormat::mono));
  const auto link = open_link(line.link_uri());
  link->connect();
  Frame frame = patterned_frame(128, 32, PixelFormat::mono, 5);
  const WireCost full = link->show(frame);
  EXPECT_FALSE(full.delta);
  // Two writes of 123 registers and one of 10, then the commit: after a connect it also sets the
  // mode (registers 10-16 in one write), as the panel may have been left in strip mode.
  EXPECT_EQ(full.bytes, 2 * 263u + (9 + 20 + 8) + (9 + 14 + 8));

  frame.set_pixel(100, 20, Rgb{255, 255, 255});
  frame.set_pixel(101, 20, Rgb{});
  const WireCost delta = link->show(frame);
  EXPECT_TRUE(delta.delta);
  EXPECT_LT(delta.bytes, full.bytes / 10);
  const auto shown = simulator.wait_for_commit(1, kPatience);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(*shown, frame);
}

TEST(ModbusRtuLink, AfterReconnectingTheFirstFrameGoesWholeAgain) {
  PtyPair line;
  PanelSimulator simulator(rtu_panel(line, 128, 32, PixelFormat::mono));
  const auto link = open_link(line.link_uri());
  link->connect();
  const Frame frame = patterned_frame(128, 32, PixelFormat::mono, 6);
  link->show(frame);
  EXPECT_TRUE(link->show(frame).delta);
  link->close();
  link->connect();
  EXPECT_FALSE(link->show(frame).delta);  // the panel may have lost its back buffer meanwhile
}

TEST(ModbusRtuLink, RepliesPacedToTheLineRateTakeAtLeastTheWireTime) {
  PtyPair line;
  SimulatorOptions options = rtu_panel(line, 128, 32, PixelFormat::mono);
  options.line_rate = 115200;
  PanelSimulator simulator(options);
  const auto link = open_link(line.link_uri(115200));
  link->connect();

  const auto start = std::chrono::steady_clock::now();
  const WireCost cost = link->show(patterned_frame(128, 32, PixelFormat::mono, 7));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  // A pty alone moves a frame in well under a millisecond; paced, it takes the line's time.
  EXPECT_GE(took.count(), rm::rtu_wire_seconds(cost, 115200) * 0.99);
}

TEST(ModbusRtuLink, AnotherUnitOnTheLineDoesNotAnswer) {
  PtyPair line;
  PanelSimulator simulator(rtu_panel(line, 128, 32, PixelFormat::mono));
  const auto link = open_link(line.link_uri(115200, 9) + "&timeout=100");
  const std::string message = link_error_of([&] { link->connect(); });
  EXPECT_NE(message.find("reading the identity block failed: Connection timed out"),
            std::string::npos)
      << message;
}

TEST(ModbusRtuLink, Rs485ModeOnADeviceThatCannotDoItIsAClearError) {
  PtyPair line;
  PanelSimulator simulator(rtu_panel(line, 128, 32, PixelFormat::mono));
  const auto link = open_link(line.link_uri() + "&rs485=1");
  const std::string message = link_error_of([&] { link->connect(); });
  EXPECT_NE(message.find("cannot switch " + line.slave_path() + " to RS-485 mode"),
            std::string::npos)
      << message;
  EXPECT_FALSE(link->is_open());
}

TEST(ModbusRtuLink, AMissingDeviceNamesTheDevice) {
  const auto link = open_link("modbus-rtu:///dev/bangtin-no-such-tty?baud=9600");
  const std::string message = link_error_of([&] { link->connect(); });
  EXPECT_EQ(message.rfind("modbus-rtu:///dev/bangtin-no-such-tty unit 1 at 9600 8N1: cannot open "
                          "/dev/bangtin-no-such-tty: ",
                          0),
            0u)
      << message;
}

}  // namespace
}  // namespace bangtin
