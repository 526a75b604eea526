#include "image_file.hpp"

#include <SDL.h>
#include <SDL_image.h>

#include <array>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "bangtin/renderer.hpp"
#include "checked_by_stamp.hpp"

namespace bangtin::image_file {
namespace {

[[noreturn]] void refuse(const std::filesystem::path& file, const std::string& why) {
  throw MediaError(file.filename().string() + ": " + why);
}

std::uint32_t big_endian(const std::uint8_t* at, int bytes) {
  std::uint32_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | at[i];
  return value;
}

std::uint32_t little_endian(const std::uint8_t* at, int bytes) {
  std::uint32_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | at[i];
  return value;
}

std::optional<Size> png_size(const std::vector<std::uint8_t>& head) {
  static constexpr std::array<std::uint8_t, 8> signature{0x89, 'P',  'N',  'G',
                                                         '\r', '\n', 0x1A, '\n'};
  if (head.size() < 24 || !std::equal(signature.begin(), signature.end(), head.begin()))
    return std::nullopt;
  if (std::memcmp(head.data() + 12, "IHDR", 4) != 0) return Size{};
  return Size{static_cast<int>(std::min<std::uint32_t>(big_endian(&head[16], 4), 1u << 30)),
              static_cast<int>(std::min<std::uint32_t>(big_endian(&head[20], 4), 1u << 30))};
}

// The frame header (SOFn) of a JPEG, found by walking its segments.
std::optional<Size> jpeg_size(const std::filesystem::path& file,
                              const std::vector<std::uint8_t>& head) {
  if (head.size() < 4 || head[0] != 0xFF || head[1] != 0xD8) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  in.seekg(2);
  for (int segments = 0; segments < 1000 && in; ++segments) {
    std::array<std::uint8_t, 4> marker{};
    if (!in.read(reinterpret_cast<char*>(marker.data()), 2) || marker[0] != 0xFF) break;
    while (marker[1] == 0xFF && in.read(reinterpret_cast<char*>(&marker[1]), 1)) {
    }
    const std::uint8_t type = marker[1];
    if (type == 0xD8 || (type >= 0xD0 && type <= 0xD7) || type == 0x01) continue;
    if (type == 0xD9 || type == 0xDA) break;  // end, or image data before any frame header
    if (!in.read(reinterpret_cast<char*>(&marker[2]), 2)) break;
    const std::uint32_t length = big_endian(&marker[2], 2);
    if (length < 2) break;
    const bool frame_header =
        type >= 0xC0 && type <= 0xCF && type != 0xC4 && type != 0xC8 && type != 0xCC;
    if (frame_header) {
      std::array<std::uint8_t, 5> sof{};
      if (!in.read(reinterpret_cast<char*>(sof.data()), 5)) break;
      return Size{static_cast<int>(big_endian(&sof[3], 2)),
                  static_cast<int>(big_endian(&sof[1], 2))};
    }
    in.seekg(length - 2, std::ios::cur);
  }
  return Size{};
}

std::optional<Size> webp_size(const std::vector<std::uint8_t>& head) {
  if (head.size() < 30 || std::memcmp(head.data(), "RIFF", 4) != 0 ||
      std::memcmp(head.data() + 8, "WEBP", 4) != 0)
    return std::nullopt;
  const std::uint8_t* chunk = head.data() + 12;
  if (std::memcmp(chunk, "VP8X", 4) == 0) {
    return Size{static_cast<int>(little_endian(chunk + 12, 3) + 1),
                static_cast<int>(little_endian(chunk + 15, 3) + 1)};
  }
  if (std::memcmp(chunk, "VP8L", 4) == 0 && chunk[8] == 0x2F) {
    const std::uint32_t bits = little_endian(chunk + 9, 4);
    return Size{static_cast<int>((bits & 0x3FFF) + 1),
                static_cast<int>(((bits >> 14) & 0x3FFF) + 1)};
  }
  if (std::memcmp(chunk, "VP8 ", 4) == 0 && chunk[11] == 0x9D && chunk[12] == 0x01 &&
      chunk[13] == 0x2A) {
    return Size{static_cast<int>(little_endian(chunk + 14, 2) & 0x3FFF),
                static_cast<int>(little_endian(chunk + 16, 2) & 0x3FFF)};
  }
  return Size{};
}

std::string megapixels(std::int64_t pixels) {
  return std::to_string(pixels / 1'000'000) + "." + std::to_string(pixels / 100'000 % 10);
}

}  // namespace

Size peek_size(const std::filesystem::path& file) {
  std::error_code error;
  const std::uintmax_t bytes = std::filesystem::file_size(file, error);
  if (error) refuse(file, "cannot be read (" + error.message() + ")");
  if (bytes > kLargestFileBytes)
    refuse(file, "is " + std::to_string(bytes >> 20) + " MB; a picture may be at most " +
                     std::to_string(kLargestFileBytes >> 20) + " MB");
  std::vector<std::uint8_t> head(64);
  std::ifstream in(file, std::ios::binary);
  if (!in) refuse(file, "cannot be opened");
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  std::optional<Size> size = png_size(head);
  if (!size) size = jpeg_size(file, head);
  if (!size) size = webp_size(head);
  if (!size) refuse(file, "is not a PNG, JPEG or WebP picture");
  if (size->width <= 0 || size->height <= 0) refuse(file, "is damaged: no picture size in it");
  const std::int64_t pixels = std::int64_t{size->width} * size->height;
  if (pixels > kMostPixels || size->width > kLongestSide || size->height > kLongestSide) {
    refuse(file, "is " + std::to_string(size->width) + "x" + std::to_string(size->height) + " (" +
                     megapixels(pixels) + " megapixels); a picture may have at most " +
                     megapixels(kMostPixels) + " megapixels and " + std::to_string(kLongestSide) +
                     " pixels a side: scale it down first (a lobby screen shows 2 megapixels)");
  }
  return *size;
}

Frame decode(const std::filesystem::path& file) {
  const Size size = peek_size(file);
  // SDL_image loads its JPEG and WebP decoders on first use; from several threads at once only
  // when they are loaded already.
  static std::once_flag decoders_loaded;
  std::call_once(decoders_loaded, [] { IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG | IMG_INIT_WEBP); });
  std::unique_ptr<SDL_Surface, decltype(&SDL_FreeSurface)> loaded(IMG_Load(file.c_str()),
                                                                  &SDL_FreeSurface);
  if (!loaded) refuse(file, std::string("cannot be decoded: ") + IMG_GetError());
  if (loaded->w != size.width || loaded->h != size.height)
    refuse(file, "is damaged: its header and its pixels disagree on its size");
  const std::unique_ptr<SDL_Surface, decltype(&SDL_FreeSurface)> rgba(
      SDL_ConvertSurfaceFormat(loaded.get(), SDL_PIXELFORMAT_RGBA32, 0), &SDL_FreeSurface);
  loaded.reset();  // a 40-megapixel picture is 160 MB a copy: no more of them than needed
  if (!rgba) refuse(file, std::string("cannot be converted: ") + SDL_GetError());
  Frame frame = Frame::blank(rgba->w, rgba->h, PixelFormat::rgb888);
  const auto* pixels = static_cast<const std::uint8_t*>(rgba->pixels);
  for (int y = 0; y < rgba->h; ++y) {
    const std::uint8_t* from = pixels + static_cast<std::size_t>(y) * rgba->pitch;
    std::uint8_t* to = frame.bytes.data() + static_cast<std::size_t>(y) * frame.stride();
    for (int x = 0; x < rgba->w; ++x, from += 4, to += 3) {
      const unsigned alpha = from[3];
      for (int c = 0; c < 3; ++c) to[c] = static_cast<std::uint8_t>((from[c] * alpha + 127) / 255);
    }
  }
  return frame;
}

Size checked_size(const std::filesystem::path& file, const FileStamp& stamp) {
  static CheckedByStamp<Size> checked(4096);
  return checked.get(file, stamp, [&] {
    const Frame decoded = decode(file);
    return Size{decoded.width, decoded.height};
  });
}

}  // namespace bangtin::image_file
