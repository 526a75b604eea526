// The operator's preview of a board: round LEDs on a black face, unlit ones faintly visible.
#include <gtest/gtest.h>

#include "bangtin/renderer.hpp"

using namespace bangtin;

TEST(LedPreview, EachPixelBecomesARoundDot) {
  Frame board = Frame::blank(3, 2, PixelFormat::mono);
  board.set_pixel(0, 0, Rgb{255, 255, 255});
  board.set_pixel(2, 1, Rgb{255, 255, 255});
  const Rgb amber{255, 176, 0};
  const Frame preview = led_dot_preview(board, 10, amber);
  ASSERT_EQ(preview.width, 30);
  ASSERT_EQ(preview.height, 20);
  ASSERT_EQ(preview.format, PixelFormat::rgb888);
  EXPECT_EQ(preview.pixel(5, 5), amber);  // a lit LED's centre
  EXPECT_EQ(preview.pixel(25, 15), amber);
  EXPECT_EQ(preview.pixel(0, 0), Rgb{});  // the face between LEDs: the dots are round
  EXPECT_EQ(preview.pixel(9, 9), Rgb{});
  const Rgb off = preview.pixel(15, 5);  // an unlit LED: a dim dot, not nothing
  EXPECT_GT(off.r, 0);
  EXPECT_LT(off.r, 64);
  // Round: along the middle row the dot reaches nearly the cell's edge, at the corner it does not.
  EXPECT_EQ(preview.pixel(1, 5), amber);
  EXPECT_EQ(preview.pixel(1, 1), Rgb{});
}

TEST(LedPreview, ColourPanelsKeepTheirColours) {
  Frame screen = Frame::blank(2, 1, PixelFormat::rgb565);
  screen.set_pixel(1, 0, Rgb{0, 0, 255});
  const Frame preview = led_dot_preview(screen, 8);
  EXPECT_EQ(preview.pixel(12, 4), (Rgb{26, 26, 255}));  // unlit channels glow faintly too
  EXPECT_EQ(preview.pixel(4, 4), (Rgb{26, 26, 26}));
  EXPECT_EQ(led_dot_preview(screen, 1).width, 2);
}
