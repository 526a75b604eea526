// Golden frames: a frame compared pixel for pixel with a PNG kept under tests/renderer/golden/.
// On a mismatch the actual frame and a diff image (mismatches red, the rest dimmed) are written
// under <build>/renderer-golden/. BANGTIN_UPDATE_GOLDEN=1 rewrites the goldens instead, after a
// deliberate change; look at them before committing.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "bangtin/frame.hpp"

namespace golden {

inline std::filesystem::path golden_dir() {
  return std::filesystem::path(BANGTIN_SOURCE_DIR) / "tests/renderer/golden";
}
inline std::filesystem::path output_dir() {
  return std::filesystem::path(BANGTIN_BINARY_DIR) / "renderer-golden";
}

inline void expect_matches(const bangtin::Frame& frame, const std::string& name) {
  using namespace bangtin;
  const Frame actual = to_rgb888(frame);
  const auto golden_file = golden_dir() / (name + ".png");
  if (const char* update = std::getenv("BANGTIN_UPDATE_GOLDEN"); update && *update == '1') {
    std::filesystem::create_directories(golden_dir());
    write_png(actual, golden_file);
    std::cout << "rewrote " << golden_file << "\n";
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(golden_file))
      << golden_file << " is missing; run with BANGTIN_UPDATE_GOLDEN=1 to create it";
  const Frame expected = read_png(golden_file);
  bool same = expected.width == actual.width && expected.height == actual.height;
  int different = 0;
  Frame diff = Frame::blank(actual.width, actual.height, PixelFormat::rgb888);
  for (int y = 0; y < actual.height; ++y)
    for (int x = 0; x < actual.width; ++x) {
      const Rgb a = actual.pixel(x, y);
      const bool matches = same && expected.pixel(x, y) == a;
      different += !matches;
      diff.set_pixel(
          x, y,
          matches ? Rgb{static_cast<std::uint8_t>(a.r / 4), static_cast<std::uint8_t>(a.g / 4),
                        static_cast<std::uint8_t>(a.b / 4)}
                  : Rgb{255, 0, 0});
    }
  // A frame of another size differs even when it has no pixels to compare (a 0x0 frame).
  if (same && different == 0) return;
  const auto actual_file = output_dir() / (name + ".actual.png");
  const auto diff_file = output_dir() / (name + ".diff.png");
  ADD_FAILURE() << name << ": " << different << " pixels differ from " << golden_file
                << (same ? ""
                         : " (sizes differ: " + std::to_string(actual.width) + "x" +
                               std::to_string(actual.height) + ", golden " +
                               std::to_string(expected.width) + "x" +
                               std::to_string(expected.height) + ")")
                << "; see " << diff_file << " and " << actual_file;
  if (actual.width == 0 || actual.height == 0) return;  // nothing a PNG could show
  std::filesystem::create_directories(output_dir());
  write_png(actual, actual_file, 4);
  write_png(diff, diff_file, 4);
}

}  // namespace golden
