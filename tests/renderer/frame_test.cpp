#include <gtest/gtest.h>

#include "bangtin/frame.hpp"

using namespace bangtin;

TEST(Frame, MonoPacksLeftmostPixelInTheHighBit) {
  Frame frame = Frame::blank(10, 2, PixelFormat::mono);
  ASSERT_EQ(frame.bytes.size(), 4u);  // two bytes a row
  frame.set_pixel(0, 0, Rgb{255, 255, 255});
  frame.set_pixel(9, 1, Rgb{255, 255, 255});
  EXPECT_EQ(frame.bytes[0], 0x80);
  EXPECT_EQ(frame.bytes[3], 0x40);
  EXPECT_TRUE(frame.lit(9, 1));
  EXPECT_FALSE(frame.lit(8, 1));
  EXPECT_EQ(frame.lit_count(), 2);
}

TEST(Frame, Rgb565RoundTripsPrimaryColoursBigEndian) {
  Frame frame = Frame::blank(2, 1, PixelFormat::rgb565);
  frame.set_pixel(0, 0, Rgb{255, 0, 0});
  frame.set_pixel(1, 0, Rgb{0, 0, 255});
  EXPECT_EQ(frame.bytes[0], 0xF8);
  EXPECT_EQ(frame.bytes[1], 0x00);
  EXPECT_EQ(frame.pixel(0, 0), (Rgb{255, 0, 0}));
  EXPECT_EQ(frame.pixel(1, 0), (Rgb{0, 0, 255}));
}

TEST(Frame, PixelFormatNamesRoundTrip) {
  for (PixelFormat f : {PixelFormat::mono, PixelFormat::rgb565, PixelFormat::rgb888})
    EXPECT_EQ(parse_pixel_format(to_string(f)), f);
  EXPECT_FALSE(parse_pixel_format("rgb"));
}

TEST(Frame, WritePngReportsAnUnwritablePath) {
  const Frame frame = Frame::blank(8, 8, PixelFormat::mono);
  EXPECT_THROW(write_png(frame, "/nonexistent-dir/x.png"), std::runtime_error);
}
