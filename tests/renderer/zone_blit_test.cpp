// Drawing an item into a zone of a bigger frame, at any pixel offset (mono zones need not start
// on a byte), gives exactly the item's own frame there and leaves every other pixel alone.
#include <gtest/gtest.h>

#include <chrono>

#include "bangtin/renderer.hpp"

using namespace bangtin;
using namespace std::chrono_literals;

namespace {

Frame all_lit(int width, int height, PixelFormat format) {
  Frame frame = Frame::blank(width, height, format);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) frame.set_pixel(x, y, Rgb{255, 255, 255});
  return frame;
}

}  // namespace

TEST(ZoneBlit, ItemDrawnAtAnyOffsetMatchesItsOwnFrameAndTouchesNothingElse) {
  for (PixelFormat format : {PixelFormat::mono, PixelFormat::rgb565, PixelFormat::rgb888}) {
    const TextRenderer renderer({61, 20, format}, find_vietnamese_font());
    const PreparedItem item = renderer.scroll("Một cửa liên thông: Ễ Ặ ỵ", 37, 1, Rgb{200, 90, 30});
    for (const Rect where : {Rect{0, 0, 61, 20}, Rect{3, 5, 61, 20}, Rect{13, 1, 61, 20},
                             Rect{70, 11, 61, 20}, Rect{100, 30, 61, 20}}) {
      for (auto t : {0ms, 400ms, 1100ms, 1733ms, 2900ms}) {
        const Frame own = item.frame_at(t);
        Frame big = all_lit(140, 40, format);
        item.draw(t, big, where);
        for (int y = 0; y < big.height; ++y)
          for (int x = 0; x < big.width; ++x) {
            const bool inside = x >= where.x && x < where.right() && y >= where.y &&
                                y < where.bottom() && x < big.width && y < big.height;
            const Rgb expected = inside ? own.pixel(x - where.x, y - where.y) : Rgb{255, 255, 255};
            ASSERT_EQ(big.pixel(x, y), expected)
                << to_string(format) << " zone at " << where.x << "," << where.y
                << " t=" << t.count() << "ms pixel " << x << "," << y;
          }
      }
    }
  }
}
