// Fitting still text: the sizes the searches find are the ones the exhaustive search (every size
// from the largest down) found, and fitting keeps only a few font sizes open.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "bangtin/renderer.hpp"
#include "text_layout.hpp"  // private to the renderer: the fit itself

using namespace bangtin;
using text_layout::LetterInk;
using text_layout::Typesetter;
using text_raster::FontSizes;
using text_raster::GlyphMode;

namespace {

const std::vector<std::string> kTexts = {
    "CẢI CÁCH HÀNH CHÍNH",
    "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia: nhanh chóng, tiết kiệm, minh bạch",
    "Giờ làm việc: sáng 7:30–11:30, chiều 13:30–17:00\nTừ thứ Hai đến thứ Sáu",
    "Ngàyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy dài",
    "Bộ phận Một cửa UBND xã tiếp nhận và trả kết quả hồ sơ cho người dân, doanh nghiệp; "
    "thông báo khẩn: tạm ngừng tiếp dân chiều thứ Sáu để bảo trì hệ thống điện.",
};

// The searches the renderer did before: bisection over every size up to twice the height for the
// height, then every size from that one down for the wrap; the first fit wins.
std::optional<int> bisected_largest_size(Typesetter& setter, int lines, int height) {
  const auto fits = [&](int size) {
    const auto m = setter.metrics(size);
    return lines * m.pitch() + (lines - 1) * Typesetter::gap(m) <= height;
  };
  if (!fits(Typesetter::kSmallestSize)) return std::nullopt;
  int low = Typesetter::kSmallestSize;
  int high = std::max(Typesetter::kSmallestSize, height * 2);
  while (low < high) {
    const int mid = (low + high + 1) / 2;
    if (fits(mid)) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low;
}

std::optional<int> exhaustive(Typesetter& setter, int lines, int width, int above, int up_to) {
  for (int size = up_to; size > above; --size)
    if (setter.wraps_within(size, lines, width)) return size;
  return std::nullopt;
}

// The size the renderer chose for a still item before, line counts 1 to 12.
int exhaustive_still_size(Typesetter& setter, int width, int height) {
  int best = 0;
  for (int lines = 1; lines <= 12; ++lines) {
    const auto largest = bisected_largest_size(setter, lines, height);
    if (!largest || *largest <= best) break;
    if (const auto size = exhaustive(setter, lines, width, best, *largest)) best = *size;
  }
  return best == 0 ? Typesetter::kSmallestSize : best;
}

}  // namespace

TEST(TextFit, BisectionFindsWhatTheExhaustiveSearchFound) {
  const auto font = find_vietnamese_font();
  struct Zone {
    int width, height;
  };
  int compared = 0;
  for (const GlyphMode mode : {GlyphMode::smooth, GlyphMode::crisp}) {
    FontSizes fonts(font, mode);
    LetterInk ink;
    for (const Zone zone : {Zone{64, 16}, Zone{128, 32}, Zone{192, 64}, Zone{320, 120}}) {
      for (const std::string& text : kTexts) {
        Typesetter setter(fonts, ink, text_raster::nfc(text));
        for (int lines = 1; lines <= 6; ++lines) {
          const auto largest = setter.largest_size(lines, zone.height);
          if (!largest) break;
          for (const int above : {0, *largest / 2}) {
            SCOPED_TRACE(text + " in " + std::to_string(zone.width) + "x" +
                         std::to_string(zone.height) + ", " + std::to_string(lines) + " lines");
            EXPECT_EQ(setter.largest_wrapping_size(lines, zone.width, above, *largest),
                      exhaustive(setter, lines, zone.width, above, *largest));
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 100);
}

TEST(TextFit, LargestSizeIsWhatBisectingEverySizeFound) {
  for (const GlyphMode mode : {GlyphMode::smooth, GlyphMode::crisp}) {
    FontSizes fonts(find_vietnamese_font(), mode);
    LetterInk ink;
    Typesetter setter(fonts, ink, text_raster::nfc(kTexts[1]));
    for (int height = 8; height <= 200; height += 3) {
      for (int lines = 1; lines <= 4; ++lines) {
        SCOPED_TRACE(std::to_string(lines) + " lines in " + std::to_string(height) + " rows");
        EXPECT_EQ(setter.largest_size(lines, height), bisected_largest_size(setter, lines, height));
        if (const auto largest = setter.largest_size(lines, height)) {
          EXPECT_EQ(setter.largest_size(lines, height, *largest + 5), largest);
          EXPECT_EQ(setter.largest_size(lines, height, *largest - 1), *largest - 1);
        }
      }
    }
  }
}

TEST(TextFit, StillItemsGetTheSizeTheExhaustiveSearchChose) {
  const auto font = find_vietnamese_font();
  int compared = 0;
  for (const PanelGeometry zone :
       {PanelGeometry{64, 16, PixelFormat::mono}, PanelGeometry{128, 32, PixelFormat::mono},
        PanelGeometry{96, 32, PixelFormat::rgb565}, PanelGeometry{192, 64, PixelFormat::rgb565},
        PanelGeometry{320, 120, PixelFormat::rgb888},
        PanelGeometry{480, 160, PixelFormat::rgb888}}) {
    const TextRenderer renderer(zone, font);
    FontSizes fonts(font, zone.format == PixelFormat::mono ? GlyphMode::crisp : GlyphMode::smooth);
    LetterInk ink;
    for (const std::string& text : kTexts) {
      SCOPED_TRACE(text + " in " + std::to_string(zone.width) + "x" + std::to_string(zone.height));
      Typesetter setter(fonts, ink, text_raster::nfc(text));
      const int text_width = zone.width - 2 * std::max(1, zone.width / 64);
      EXPECT_EQ(renderer.still(text).font_size(),
                exhaustive_still_size(setter, text_width, zone.height));
      ++compared;
    }
  }
  EXPECT_EQ(compared, 30);
}

TEST(TextFit, FittingKeepsOnlyAFewSizesOpen) {
  FontSizes fonts(find_vietnamese_font(), GlyphMode::smooth);
  LetterInk ink;
  Typesetter setter(fonts, ink, text_raster::nfc(kTexts[4]));
  for (int lines = 1; lines <= 12; ++lines) setter.largest_wrapping_size(lines, 1890, 0, 2160);
  EXPECT_LE(fonts.open_sizes(), FontSizes::kKeptSizes);
  // A size asked for again after being dropped opens again and measures the same.
  int width_before = 0;
  int width_after = 0;
  TTF_SizeUTF8(fonts.at(20), "Một cửa", &width_before, nullptr);
  for (int size = 30; size < 40; ++size) fonts.at(size);
  TTF_SizeUTF8(fonts.at(20), "Một cửa", &width_after, nullptr);
  EXPECT_GT(width_before, 0);
  EXPECT_EQ(width_after, width_before);
}
