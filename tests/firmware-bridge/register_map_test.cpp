// The register map's plain functions: packing, the CRC of a frame, status decoding, and how a frame
// becomes register writes (full or delta) with what they cost on the wire.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "bangtin/register_map.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

namespace rm = register_map;
using test_support::patterned_frame;

TEST(RegisterMap, PacksBytesBigEndianWithAnOddLastByteInTheHighHalf) {
  const std::vector<std::uint8_t> bytes = {0x12, 0x34, 0xAB, 0xCD, 0x7F};
  EXPECT_EQ(rm::pack_registers(bytes), (std::vector<std::uint16_t>{0x1234, 0xABCD, 0x7F00}));
}

TEST(RegisterMap, FrameCrcIsTheIeeeCrc32OfTheFrameBytes) {
  Frame frame = Frame::blank(9, 1, PixelFormat::rgb888);
  frame.bytes.assign({'1', '2', '3', '4', '5', '6', '7', '8', '9'});
  EXPECT_EQ(frame_crc32(frame), 0xCBF43926u);  // the check value of CRC-32/ISO-HDLC
  EXPECT_NE(frame_crc32(patterned_frame(128, 32, PixelFormat::mono, 1)),
            frame_crc32(patterned_frame(128, 32, PixelFormat::mono, 2)));
}

TEST(RegisterMap, DecodesTheStatusBlock) {
  const std::array<std::uint16_t, rm::kStatusCount> registers = {
      41,     0xDEAD, 0xBEEF, static_cast<std::uint16_t>(-55), rm::kFaultOverTemperature,
      0x0001, 0x0002};
  const PanelStatus status = rm::decode_status(registers);
  EXPECT_EQ(status.shown_sequence, 41);
  EXPECT_EQ(status.shown_crc, 0xDEADBEEFu);
  EXPECT_DOUBLE_EQ(status.temperature_celsius, -5.5);
  EXPECT_EQ(status.faults, rm::kFaultOverTemperature);
  EXPECT_EQ(status.uptime_seconds, 65538u);
}

TEST(RegisterMap, ExchangeSizesFollowTheModbusFrames) {
  // RTU: unit, function, address, count, byte count, 246 data bytes, CRC; the reply echoes
  // unit, function, address, count and a CRC.
  EXPECT_EQ(rm::write_registers_exchange_bytes(rm::Framing::rtu, 123), 255u + 8u);
  // TCP: the same PDUs behind a 7-byte MBAP header each, without a CRC.
  EXPECT_EQ(rm::write_registers_exchange_bytes(rm::Framing::tcp, 123), 259u + 12u);
  EXPECT_EQ(rm::write_register_exchange_bytes(rm::Framing::rtu), 16u);
  EXPECT_EQ(rm::read_registers_exchange_bytes(rm::Framing::rtu, rm::kStatusCount), 8u + 19u);
}

TEST(RegisterMap, AFrameWithNothingKnownGoesWholeInChunksOf123) {
  const std::vector<std::uint16_t> next(256, 0x5555);
  const rm::FramePlan plan = rm::plan_frame({}, next, rm::Framing::rtu);
  EXPECT_FALSE(plan.delta);
  EXPECT_EQ(plan.writes, (std::vector<rm::RegisterSpan>{{0, 123}, {123, 123}, {246, 10}}));
  EXPECT_EQ(plan.cost.messages, 4u);  // three writes and the commit
  EXPECT_EQ(plan.cost.bytes, 2 * 263u + (9 + 20 + 8) + 16u);
}

TEST(RegisterMap, OnlyChangedSpansAreWrittenWhenThatIsCheaper) {
  std::vector<std::uint16_t> back(256, 0);
  std::vector<std::uint16_t> next = back;
  next[10] = 1;
  next[11] = 2;
  next[200] = 3;
  const rm::FramePlan plan = rm::plan_frame(back, next, rm::Framing::rtu);
  EXPECT_TRUE(plan.delta);
  EXPECT_TRUE(plan.cost.delta);
  EXPECT_EQ(plan.writes, (std::vector<rm::RegisterSpan>{{10, 2}, {200, 1}}));
  EXPECT_EQ(plan.cost.bytes, (9 + 4 + 8) + (9 + 2 + 8) + 16u);
}

TEST(RegisterMap, NearbySpansAreMergedRatherThanPayingForAnotherRequest) {
  std::vector<std::uint16_t> back(256, 0);
  std::vector<std::uint16_t> next = back;
  next[10] = 1;
  next[14] = 1;  // three unchanged registers between: cheaper to send than a request header
  const rm::FramePlan plan = rm::plan_frame(back, next, rm::Framing::tcp);
  EXPECT_EQ(plan.writes, (std::vector<rm::RegisterSpan>{{10, 5}}));
}

TEST(RegisterMap, AnUnchangedFrameIsJustCommittedAgain) {
  const std::vector<std::uint16_t> same(256, 7);
  const rm::FramePlan plan = rm::plan_frame(same, same, rm::Framing::rtu);
  EXPECT_TRUE(plan.delta);
  EXPECT_TRUE(plan.writes.empty());
  EXPECT_EQ(plan.cost.messages, 1u);
}

TEST(RegisterMap, AFrameThatChangedEverywhereGoesWhole) {
  const std::vector<std::uint16_t> back(256, 0);
  const std::vector<std::uint16_t> next(256, 1);
  const rm::FramePlan plan = rm::plan_frame(back, next, rm::Framing::rtu);
  EXPECT_FALSE(plan.delta);
  EXPECT_EQ(plan.writes.size(), 3u);
}

TEST(RegisterMap, ABackBufferOfAnotherSizeIsNotTrusted) {
  const std::vector<std::uint16_t> back(100, 0);
  const std::vector<std::uint16_t> next(256, 0);
  EXPECT_FALSE(rm::plan_frame(back, next, rm::Framing::rtu).delta);
}

TEST(RegisterMap, RtuWireTimeCountsElevenBitsACharacterAndTheGaps) {
  const WireCost one_exchange{100, 1, false};
  // 9600 baud: 1100 bits, plus 2 gaps of 3.5 characters.
  EXPECT_NEAR(rm::rtu_wire_seconds(one_exchange, 9600), (1100.0 + 2 * 38.5) / 9600, 1e-12);
  // Above 19200 baud the gap is fixed at 1.75 ms.
  EXPECT_NEAR(rm::rtu_wire_seconds(one_exchange, 115200), 1100.0 / 115200 + 0.0035, 1e-12);
  // The reference: back-to-back writes of 123 registers, ~398 registers/s at 9600.
  const WireCost write{rm::write_registers_exchange_bytes(rm::Framing::rtu, 123), 1, false};
  EXPECT_NEAR(123 / rm::rtu_wire_seconds(write, 9600), 398, 10);
  EXPECT_NEAR(123 / rm::rtu_wire_seconds(write, 115200), 4300, 200);
}

TEST(RegisterMap, AStripFrameIsOneSmallWrite) {
  const WireCost cost = rm::strip_frame_cost(rm::Framing::rtu);
  EXPECT_EQ(cost.messages, 1u);
  EXPECT_EQ(cost.bytes, (9 + 4 + 8u));
  EXPECT_GT(1.0 / rm::rtu_wire_seconds(cost, 9600), 25.0);  // the goal for strip mode
}

}  // namespace
}  // namespace bangtin
