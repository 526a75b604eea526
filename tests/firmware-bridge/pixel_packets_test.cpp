// DDP and E1.31 packets as bytes: the exact header layouts the receivers out there expect, and
// decoders that give back what the encoders put in and refuse what is malformed.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "bangtin/pixel_packets.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

using test_support::patterned_frame;

std::vector<std::uint8_t> counting_bytes(std::size_t count) {
  std::vector<std::uint8_t> bytes(count);
  std::iota(bytes.begin(), bytes.end(), std::uint8_t{0});
  return bytes;
}

TEST(PixelPackets, RgbFrameBytesGoAsTheyAre) {
  const Frame frame = patterned_frame(7, 3, PixelFormat::rgb888, 1);
  std::vector<std::uint8_t> rgb;
  rgb_from_frame(frame, rgb);
  EXPECT_EQ(rgb, frame.bytes);
}

TEST(PixelPackets, MonoAndRgb565WidenAsFramePixelDoesAndNarrowBackExactly) {
  for (const PixelFormat format : {PixelFormat::mono, PixelFormat::rgb565}) {
    const Frame frame = patterned_frame(13, 5, format, 2);
    std::vector<std::uint8_t> rgb;
    rgb_from_frame(frame, rgb);
    ASSERT_EQ(rgb.size(), 13u * 5u * 3u);
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < 13; ++x) {
        const std::size_t at = 3 * static_cast<std::size_t>(y * 13 + x);
        EXPECT_EQ((Rgb{rgb[at], rgb[at + 1], rgb[at + 2]}), frame.pixel(x, y)) << x << "," << y;
      }
    Frame back = Frame::blank(13, 5, format);
    frame_from_rgb(rgb, back);
    // Mono rows are padded to whole bytes; the padding bits carry nothing.
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < 13; ++x) EXPECT_EQ(back.pixel(x, y), frame.pixel(x, y));
  }
}

TEST(Ddp, HeaderIsTenBytesVersion1RgbToTheDisplay) {
  const std::vector<std::uint8_t> rgb = counting_bytes(30);
  std::vector<std::uint8_t> packets;
  std::vector<std::size_t> sizes;
  ddp::encode_frame(rgb, 5, packets, sizes);
  ASSERT_EQ(sizes, (std::vector<std::size_t>{40}));
  const std::vector<std::uint8_t> header(packets.begin(), packets.begin() + 10);
  EXPECT_EQ(header, (std::vector<std::uint8_t>{0x41, 5, 0x0B, 1, 0, 0, 0, 0, 0, 30}));
  EXPECT_TRUE(std::equal(rgb.begin(), rgb.end(), packets.begin() + 10));
}

TEST(Ddp, SplitsAFrameInto1440ByteSlicesByOffsetWithPushOnTheLast) {
  const std::vector<std::uint8_t> rgb = counting_bytes(128 * 64 * 3);  // 24576 bytes
  std::vector<std::uint8_t> packets;
  std::vector<std::size_t> sizes;
  ddp::encode_frame(rgb, 9, packets, sizes);
  ASSERT_EQ(sizes.size(), 18u);  // 17 full slices and 96 bytes

  std::vector<std::uint8_t> reassembled(rgb.size());
  std::size_t at = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const auto packet = ddp::decode(std::span(packets).subspan(at, sizes[i]));
    at += sizes[i];
    ASSERT_TRUE(packet.has_value()) << "packet " << i;
    EXPECT_EQ(packet->push(), i + 1 == sizes.size()) << "packet " << i;
    EXPECT_EQ(packet->sequence, 9);
    EXPECT_EQ(packet->offset, i * 1440);
    EXPECT_EQ(packet->data.size(), i + 1 == sizes.size() ? 96u : 1440u);
    std::copy(packet->data.begin(), packet->data.end(), reassembled.begin() + packet->offset);
  }
  EXPECT_EQ(reassembled, rgb);
}

TEST(Ddp, SequenceNumbersRunOneToFifteen) {
  std::uint8_t sequence = 0;
  for (int i = 1; i <= 15; ++i) EXPECT_EQ(sequence = ddp::next_sequence(sequence), i);
  EXPECT_EQ(ddp::next_sequence(sequence), 1);
}

TEST(Ddp, DecoderRefusesWhatIsNotDdpVersion1OrIsCutShort) {
  std::vector<std::uint8_t> packets;
  std::vector<std::size_t> sizes;
  ddp::encode_frame(counting_bytes(30), 1, packets, sizes);
  EXPECT_FALSE(ddp::decode(std::span(packets).first(9)).has_value());   // no whole header
  EXPECT_FALSE(ddp::decode(std::span(packets).first(39)).has_value());  // data cut short
  packets[0] = 0x81;                                                    // version 2
  EXPECT_FALSE(ddp::decode(packets).has_value());
}

TEST(E131, DataPacketHasTheRootFramingAndDmpLayersAtTheirOffsets) {
  e131::Source source;
  source.cid = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  source.name = "bangtin";
  source.priority = 150;
  source.sync_universe = 7000;
  std::vector<std::uint8_t> packet;
  e131::encode_data(source, 3, 200, counting_bytes(510), packet);

  ASSERT_EQ(packet.size(), 636u);
  const auto u16 = [&](std::size_t at) { return (packet[at] << 8) | packet[at + 1]; };
  EXPECT_EQ(u16(0), 0x0010);  // preamble size
  EXPECT_EQ(std::string(packet.begin() + 4, packet.begin() + 13), "ASC-E1.17");
  EXPECT_EQ(u16(16), 0x7000 | (636 - 16));  // root flags and length
  EXPECT_EQ(packet[21], 0x04);              // VECTOR_ROOT_E131_DATA
  EXPECT_EQ(packet[22], 1);                 // CID
  EXPECT_EQ(u16(38), 0x7000 | (636 - 38));  // framing flags and length
  EXPECT_EQ(packet[43], 0x02);              // VECTOR_E131_DATA_PACKET
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&packet[44])), "bangtin");
  EXPECT_EQ(packet[108], 150);                // priority
  EXPECT_EQ(u16(109), 7000);                  // synchronization address
  EXPECT_EQ(packet[111], 200);                // sequence
  EXPECT_EQ(u16(113), 3);                     // universe
  EXPECT_EQ(u16(115), 0x7000 | (636 - 115));  // DMP flags and length
  EXPECT_EQ(packet[117], 0x02);
  EXPECT_EQ(packet[118], 0xA1);
  EXPECT_EQ(u16(121), 1);     // address increment
  EXPECT_EQ(u16(123), 511);   // start code and 510 channels
  EXPECT_EQ(packet[125], 0);  // DMX start code
  EXPECT_EQ(packet[126], 0);
  EXPECT_EQ(packet[635], static_cast<std::uint8_t>(509));
}

TEST(E131, DataPacketsDecodeToWhatWasEncoded) {
  e131::Source source;
  source.cid[0] = 0xAB;
  source.name = std::string(80, 'x');  // longer than the field: cut to 63 bytes and a NUL
  std::vector<std::uint8_t> packet;
  const std::vector<std::uint8_t> channels = counting_bytes(123);
  e131::encode_data(source, 63999, 17, channels, packet);
  EXPECT_EQ(packet[44 + 63], 0);

  const auto decoded = e131::decode_data(packet);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->cid, source.cid);
  EXPECT_EQ(decoded->priority, e131::kDefaultPriority);
  EXPECT_EQ(decoded->sync_universe, 0);
  EXPECT_EQ(decoded->sequence, 17);
  EXPECT_EQ(decoded->universe, 63999);
  EXPECT_TRUE(std::equal(channels.begin(), channels.end(), decoded->channels.begin(),
                         decoded->channels.end()));
  EXPECT_FALSE(e131::decode_sync(packet).has_value());
}

TEST(E131, SyncPacketIs49BytesNamingTheSyncUniverse) {
  e131::Source source;
  std::vector<std::uint8_t> packet;
  e131::encode_sync(source, 7000, 42, packet);
  ASSERT_EQ(packet.size(), 49u);
  EXPECT_EQ(packet[21], 0x08);  // VECTOR_ROOT_E131_EXTENDED
  EXPECT_EQ(packet[43], 0x01);  // VECTOR_E131_EXTENDED_SYNCHRONIZATION
  EXPECT_EQ(packet[44], 42);
  const auto decoded = e131::decode_sync(packet);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->sync_universe, 7000);
  EXPECT_EQ(decoded->sequence, 42);
  EXPECT_FALSE(e131::decode_data(packet).has_value());
}

TEST(E131, DecoderRefusesMalformedPackets) {
  e131::Source source;
  std::vector<std::uint8_t> good;
  e131::encode_data(source, 1, 0, counting_bytes(30), good);
  ASSERT_TRUE(e131::decode_data(good).has_value());

  auto bad = good;
  bad[4] = 'X';  // not the ACN packet identifier
  EXPECT_FALSE(e131::decode_data(bad).has_value());
  bad = good;
  bad[125] = 0xDD;  // a start code other than dimmer data
  EXPECT_FALSE(e131::decode_data(bad).has_value());
  bad = good;
  bad.pop_back();  // lengths no longer agree with the datagram
  EXPECT_FALSE(e131::decode_data(bad).has_value());
  EXPECT_FALSE(e131::decode_data(std::span(good).first(100)).has_value());
}

TEST(E131, UniversesAndMulticastGroups) {
  EXPECT_EQ(e131::universes_for(170), 1);
  EXPECT_EQ(e131::universes_for(171), 2);
  EXPECT_EQ(e131::universes_for(128 * 64), 49);
  EXPECT_EQ(e131::multicast_group(1), "239.255.0.1");
  EXPECT_EQ(e131::multicast_group(0x1234), "239.255.18.52");
}

}  // namespace
}  // namespace bangtin
