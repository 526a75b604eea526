// Private to the renderer: picture files read once, within limits a small controller can afford.
//
// The size is read from the file's header before anything is decoded, so a 50-megapixel photo is
// refused without first taking 200 MB to decode it. Decoding is SDL2_image's (PNG, JPEG, WebP).
#pragma once

#include <filesystem>

#include "bangtin/display_settings.hpp"
#include "bangtin/frame.hpp"

namespace bangtin::image_file {

inline constexpr std::uintmax_t kLargestFileBytes = std::uintmax_t{64} << 20;
inline constexpr std::int64_t kMostPixels = 40'000'000;  // a 7700 x 5200 photo
inline constexpr int kLongestSide = 16384;

struct Size {
  int width = 0;
  int height = 0;
};

// The picture's size from its header (PNG, JPEG, WebP). Throws MediaError naming the file when it
// is none of those, damaged, or beyond the limits above.
Size peek_size(const std::filesystem::path& file);

// The picture as rgb888, transparent parts over black (the board's dark). Throws MediaError.
Frame decode(const std::filesystem::path& file);

// Whether the file as stamped decodes, decoding it only the first time a stamp is seen in this
// process (validate, reload and each board ask again and again). Its size; throws MediaError.
Size checked_size(const std::filesystem::path& file, const FileStamp& stamp);

}  // namespace bangtin::image_file
