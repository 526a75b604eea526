// The simulated panel and the Modbus framing as functions of bytes, without sockets: requests cut
// out of TCP and RTU streams, the replies of the register map to valid and malformed PDUs, and
// DDP and E1.31 datagrams. Inputs the fuzz targets once tripped on stay here as regressions.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "bangtin/modbus_framing.hpp"
#include "bangtin/pixel_packets.hpp"
#include "bangtin/register_map.hpp"
#include "bangtin/simulated_panel.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

namespace mf = modbus_framing;
namespace rm = register_map;
using Bytes = std::vector<std::uint8_t>;
using Cut = mf::Cut;
using test_support::patterned_frame;

const SimulatedPanel::Clock::time_point kPowerUp{};

SimulatorOptions small_panel(PixelFormat format = PixelFormat::mono) {
  SimulatorOptions options;
  options.width = 16;
  options.height = 4;
  options.format = format;
  return options;
}

Bytes read_request(int address, int count) {
  return {0x03, static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address),
          static_cast<std::uint8_t>(count >> 8), static_cast<std::uint8_t>(count)};
}

Bytes write_request(int address, std::uint16_t value) {
  return {0x06, static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address),
          static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

Bytes write_multiple_request(int address, const std::vector<std::uint16_t>& values) {
  Bytes pdu{0x10,
            static_cast<std::uint8_t>(address >> 8),
            static_cast<std::uint8_t>(address),
            static_cast<std::uint8_t>(values.size() >> 8),
            static_cast<std::uint8_t>(values.size()),
            static_cast<std::uint8_t>(2 * values.size())};
  for (const std::uint16_t value : values) {
    pdu.push_back(static_cast<std::uint8_t>(value >> 8));
    pdu.push_back(static_cast<std::uint8_t>(value));
  }
  return pdu;
}

std::uint16_t read_register(SimulatedPanel& panel, int address) {
  const Bytes reply = panel.modbus_request(read_request(address, 1), kPowerUp);
  EXPECT_EQ(reply.size(), 4u);
  return reply.size() == 4 ? static_cast<std::uint16_t>(reply[2] << 8 | reply[3]) : 0;
}

TEST(ModbusFraming, ATcpRequestEndsWhereItsHeaderSays) {
  const Bytes stream = {0x12, 0x34, 0, 0, 0, 6, 1, 0x03, 0, 0, 0, 7, 0xAB};
  for (std::size_t size = 0; size < 12; ++size)
    EXPECT_EQ(mf::cut_tcp_request(std::span(stream).first(size)), Cut{}) << size;
  EXPECT_EQ(mf::cut_tcp_request(stream), (Cut{Cut::Kind::request, 12}));
  EXPECT_EQ(mf::tcp_unit(stream), 1);
  EXPECT_EQ(mf::tcp_pdu(std::span(stream).first(12)).size(), 5u);
  EXPECT_EQ(mf::tcp_reply(stream, Bytes{0x83, 0x02}),
            (Bytes{0x12, 0x34, 0, 0, 0, 3, 1, 0x83, 0x02}));
}

TEST(ModbusFraming, ATcpStreamThatIsNotModbusIsGarbage) {
  EXPECT_EQ(mf::cut_tcp_request(Bytes{0, 1, 0, 7}).kind, Cut::Kind::garbage);  // protocol 7
  EXPECT_EQ(mf::cut_tcp_request(Bytes{'G', 'E', 'T', ' ', '/', ' ', 'H'}).kind, Cut::Kind::garbage);
  EXPECT_EQ(mf::cut_tcp_request(Bytes{0, 1, 0, 0, 0, 1, 1}).kind, Cut::Kind::garbage);  // no PDU
  EXPECT_EQ(mf::cut_tcp_request(Bytes{0, 1, 0, 0, 0, 255, 1}).kind, Cut::Kind::garbage);
  EXPECT_EQ(mf::cut_tcp_request(Bytes{0, 1, 0, 0, 0, 254, 1}).kind, Cut::Kind::incomplete);
}

TEST(ModbusFraming, AnRtuRequestEndsWhereItsFunctionSaysAndItsCrcMustMatch) {
  // The classic example: read ten holding registers from unit 1, CRC 0xCDC5 sent low byte first.
  const Bytes request = {0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD};
  EXPECT_EQ(mf::rtu_crc(std::span(request).first(6)), 0xCDC5);
  for (std::size_t size = 0; size < request.size(); ++size)
    EXPECT_EQ(mf::cut_rtu_request(std::span(request).first(size)), Cut{}) << size;
  EXPECT_EQ(mf::cut_rtu_request(request), (Cut{Cut::Kind::request, 8}));
  EXPECT_EQ(mf::rtu_pdu(request).size(), 5u);

  Bytes damaged = request;
  damaged[7] ^= 1;
  EXPECT_EQ(mf::cut_rtu_request(damaged).kind, Cut::Kind::garbage);
  EXPECT_EQ(mf::cut_rtu_request(Bytes{0x01, 0x41}).kind, Cut::Kind::garbage);  // unknown function

  // Function 16 carries its byte count in its seventh byte.
  Bytes write = mf::rtu_reply(1, write_multiple_request(10, {1, 2, 3}));
  EXPECT_EQ(mf::cut_rtu_request(std::span(write).first(6)), Cut{});
  EXPECT_EQ(mf::cut_rtu_request(write), (Cut{Cut::Kind::request, 9 + 6}));
}

TEST(SimulatedPanel, ReadsItsIdentityWithFunction3) {
  SimulatedPanel panel(small_panel(PixelFormat::rgb565));
  const Bytes reply = panel.modbus_request(read_request(rm::kMagic, rm::kIdentityCount), kPowerUp);
  ASSERT_EQ(reply.size(), 2u + 2 * rm::kIdentityCount);
  EXPECT_EQ(reply[0], 0x03);
  EXPECT_EQ(reply[1], 2 * rm::kIdentityCount);
  EXPECT_EQ(reply[2] << 8 | reply[3], rm::kMagicValue);
  EXPECT_EQ(reply[2 + 2 * rm::kWidth + 1], 16);
  EXPECT_EQ(reply[2 + 2 * rm::kPixelFormat + 1], 1);
}

TEST(SimulatedPanel, TheUptimeCountsFromPowerUp) {
  SimulatedPanel panel(small_panel(), kPowerUp);
  const Bytes reply = panel.modbus_request(read_request(rm::kUptimeHigh, 2),
                                           kPowerUp + std::chrono::seconds(70000));
  ASSERT_EQ(reply.size(), 6u);
  EXPECT_EQ((reply[2] << 24 | reply[3] << 16 | reply[4] << 8 | reply[5]), 70000);
}

TEST(SimulatedPanel, AnswersWhatItCannotDoWithTheExceptionModbusNames) {
  SimulatedPanel panel(small_panel());
  const int registers = rm::kFramebuffer + 4 + 32768;  // a 16x4 mono frame and strip memory
  // Unknown or unserved functions: 01.
  EXPECT_EQ(panel.modbus_request(Bytes{0x04, 0, 0, 0, 1}, kPowerUp), (Bytes{0x84, 0x01}));
  EXPECT_EQ(panel.modbus_request(Bytes{0x2B, 0x0E, 1, 0}, kPowerUp), (Bytes{0xAB, 0x01}));
  // Counts out of range, or a length that disagrees with the function: 03.
  EXPECT_EQ(panel.modbus_request(read_request(0, 0), kPowerUp), (Bytes{0x83, 0x03}));
  EXPECT_EQ(panel.modbus_request(read_request(0, 126), kPowerUp), (Bytes{0x83, 0x03}));
  EXPECT_EQ(panel.modbus_request(Bytes{0x03, 0, 0, 0}, kPowerUp), (Bytes{0x83, 0x03}));
  EXPECT_EQ(panel.modbus_request(Bytes{0x06, 0, 8, 0, 1, 0}, kPowerUp), (Bytes{0x86, 0x03}));
  Bytes short_write = write_multiple_request(rm::kFramebuffer, {1, 2});
  short_write.pop_back();
  EXPECT_EQ(panel.modbus_request(short_write, kPowerUp), (Bytes{0x90, 0x03}));
  Bytes miscounted = write_multiple_request(rm::kFramebuffer, {1, 2});
  miscounted[5] = 3;
  EXPECT_EQ(panel.modbus_request(miscounted, kPowerUp), (Bytes{0x90, 0x03}));
  // Beyond the registers: 02.
  EXPECT_EQ(panel.modbus_request(read_request(registers - 1, 2), kPowerUp), (Bytes{0x83, 0x02}));
  EXPECT_EQ(panel.modbus_request(write_request(registers, 1), kPowerUp), (Bytes{0x86, 0x02}));
  EXPECT_EQ(panel.modbus_request(write_multiple_request(0xFFFF, {1, 2}), kPowerUp),
            (Bytes{0x90, 0x02}));
  EXPECT_TRUE(panel.modbus_request(Bytes{}, kPowerUp).empty());
  EXPECT_EQ(panel.commits(), 0u);
}

TEST(SimulatedPanel, ACommitShowsTheBackBufferAndWritesEchoAsModbusSays) {
  SimulatedPanel panel(small_panel());
  const Frame frame = patterned_frame(16, 4, PixelFormat::mono, 3);
  const Bytes write = write_multiple_request(rm::kFramebuffer, rm::pack_registers(frame.bytes));
  EXPECT_EQ(panel.modbus_request(write, kPowerUp), Bytes(write.begin(), write.begin() + 5));
  EXPECT_EQ(panel.commits(), 0u);
  EXPECT_EQ(panel.modbus_request(write_request(rm::kCommit, 9), kPowerUp),
            write_request(rm::kCommit, 9));
  EXPECT_EQ(panel.commits(), 1u);
  EXPECT_EQ(panel.shown_frame(), frame);
  EXPECT_EQ(read_register(panel, rm::kShownSequence), 9);
  EXPECT_EQ(read_register(panel, rm::kFaults), 0);
}

TEST(SimulatedPanel, ARefusedStripCommitKeepsNothingItCarried) {
  SimulatedPanel panel(small_panel());
  // Mode 1 with a strip of width 0, written with the commit in one request.
  const Bytes write = write_multiple_request(rm::kMode, {rm::kModeStrip, 0, 0, 0, 0, 0x0102, 7});
  EXPECT_EQ(panel.modbus_request(write, kPowerUp), (Bytes{0x90, 0x03}));
  EXPECT_EQ(read_register(panel, rm::kMode), rm::kModeFramebuffer);
  EXPECT_EQ(read_register(panel, rm::kViewportX), 0);
  EXPECT_EQ(panel.commits(), 0u);
  EXPECT_EQ(panel.rejected_commits(), 1u);
}

TEST(SimulatedPanel, AStripTooBigToCountInAnIntIsRefusedNotAllocated) {
  // The tallest rgb888 panel the map holds: a strip 65535 pixels wide would be 8.5 GB, whose
  // register count wrapped round in an int and passed for one inside the window.
  SimulatorOptions options = small_panel(PixelFormat::rgb888);
  options.width = 1;
  options.height = 43520;
  SimulatedPanel panel(options);
  const Bytes write = write_multiple_request(rm::kMode, {rm::kModeStrip, 0xFFFF, 0, 0, 0, 0, 1});
  EXPECT_EQ(panel.modbus_request(write, kPowerUp), (Bytes{0x90, 0x03}));
  EXPECT_EQ(panel.rejected_commits(), 1u);
}

TEST(SimulatedPanel, ATextDisplayTakesItsLinesAndBrightness) {
  SimulatorOptions options = small_panel();
  options.text_display = TextDisplayLayout{{1000, 2000}, 4, 3};
  SimulatedPanel panel(options);
  EXPECT_EQ(panel.text_lines(), (std::vector<std::string>{"    ", "    "}));
  panel.modbus_request(write_multiple_request(2000, {0x4869, 0x2121}), kPowerUp);  // "Hi!!"
  EXPECT_EQ(panel.text_lines(), (std::vector<std::string>{"    ", "Hi!!"}));
  EXPECT_EQ(panel.commits(), 1u);
  panel.modbus_request(write_request(3, 40), kPowerUp);
  EXPECT_EQ(panel.light(), (SimulatorLight{40, true}));
  EXPECT_EQ(panel.commits(), 1u);
}

TEST(SimulatedPanel, DdpShowsTheFrameOnPushAndE131OnItsSync) {
  SimulatedPanel panel(small_panel(PixelFormat::rgb888));
  const Frame frame = patterned_frame(16, 4, PixelFormat::rgb888, 4);
  Bytes packets;
  std::vector<std::size_t> sizes;
  ddp::encode_frame(frame.bytes, 1, packets, sizes);
  ASSERT_EQ(sizes.size(), 1u);
  EXPECT_TRUE(panel.ddp_datagram(packets));
  EXPECT_EQ(panel.shown_frame(), frame);

  const Frame next = patterned_frame(16, 4, PixelFormat::rgb888, 5);
  e131::Source source;
  source.sync_universe = 7;
  Bytes packet;
  e131::encode_data(source, 1, 1, next.bytes, packet);
  EXPECT_FALSE(panel.e131_datagram(packet));
  EXPECT_EQ(panel.shown_frame(), frame);
  e131::encode_sync(source, 7, 2, packet);
  EXPECT_TRUE(panel.e131_datagram(packet));
  EXPECT_EQ(panel.shown_frame(), next);
  EXPECT_EQ(panel.commits(), 2u);
}

TEST(SimulatedPanel, ARestartLosesTheFrameButNotTheCount) {
  SimulatedPanel panel(small_panel());
  panel.modbus_request(write_request(rm::kFramebuffer, 0xFFFF), kPowerUp);
  panel.modbus_request(write_request(rm::kCommit, 1), kPowerUp);
  panel.modbus_request(write_request(rm::kBrightness, 10), kPowerUp);
  panel.restart(kPowerUp + std::chrono::seconds(5));
  EXPECT_EQ(panel.shown_frame(), Frame::blank(16, 4, PixelFormat::mono));
  EXPECT_EQ(panel.light(), SimulatorLight{});
  EXPECT_EQ(read_register(panel, rm::kFramebuffer), 0);
  EXPECT_EQ(read_register(panel, rm::kFaults), rm::kFaultFramebufferLost);
  EXPECT_EQ(panel.commits(), 1u);
}

}  // namespace
}  // namespace bangtin
