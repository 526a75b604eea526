// Frames of picture items: an image prepared once (decoded, scaled, in the panel's format) and
// then copied each frame, beside a text item in the same zone, and beside what a plain program
// does (decode and scale the file every frame), in one run.
#include <SDL.h>
#include <SDL_image.h>
#include <benchmark/benchmark.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "bangtin/renderer.hpp"

using namespace bangtin;

namespace {

constexpr auto kFrameStep = std::chrono::milliseconds(40);  // 25 fps
const PanelGeometry kLobbyZone{1920, 700, PixelFormat::rgb888};
const PanelGeometry kBoard{128, 32, PixelFormat::mono};

// A 1280x720 poster-like picture (gradients and bands), written once per run.
const std::filesystem::path& poster_file() {
  static const std::filesystem::path file = [] {
    const auto path = std::filesystem::temp_directory_path() /
                      ("bangtin-bench-poster-" + std::to_string(::getpid()) + ".png");
    Frame poster = Frame::blank(1280, 720, PixelFormat::rgb888);
    for (int y = 0; y < poster.height; ++y)
      for (int x = 0; x < poster.width; ++x)
        poster.set_pixel(x, y,
                         y > 560 ? Rgb{198, 40, 40}
                                 : Rgb{static_cast<std::uint8_t>(11 + x / 20),
                                       static_cast<std::uint8_t>(61 + y / 10), 192});
    write_png(poster, path);
    return path;
  }();
  return file;
}

TextStyle image_style(PictureFit fit = PictureFit::whole) {
  TextStyle style{TextEffect::still};
  style.media.kind = MediaKind::image;
  style.media.file = poster_file();
  style.media.stamp = FileStamp{std::filesystem::file_size(poster_file()), 1};
  style.media.fit = fit;
  return style;
}

void frames_of(benchmark::State& state, const PreparedItem& item, const PanelGeometry& zone) {
  Frame frame = Frame::blank(zone.width, zone.height, zone.format);
  std::chrono::milliseconds t{0};
  for (auto _ : state) {
    item.draw(t, frame);
    benchmark::DoNotOptimize(frame.bytes.data());
    t += kFrameStep;
  }
}

void BM_PictureFrame_Image_Lobby(benchmark::State& state) {
  const TextRenderer renderer(kLobbyZone, find_vietnamese_font());
  frames_of(state, renderer.prepare("", image_style()), kLobbyZone);
}

void BM_PictureFrame_Text_Lobby(benchmark::State& state) {
  const TextRenderer renderer(kLobbyZone, find_vietnamese_font());
  frames_of(state,
            renderer.still("Giờ tiếp nhận hồ sơ: sáng 7:30–11:30, chiều 13:30–17:00, từ thứ Hai "
                           "đến thứ Sáu"),
            kLobbyZone);
}

void BM_PictureFrame_Image_Board(benchmark::State& state) {
  const TextRenderer renderer(kBoard, find_vietnamese_font());
  frames_of(state, renderer.prepare("", image_style(PictureFit::fill)), kBoard);
}

void BM_PictureFrame_QrAndScroll_Board(benchmark::State& state) {
  const TextRenderer renderer(kBoard, default_font(kBoard));
  TextStyle style{TextEffect::scroll};
  style.speed = 50;
  style.passes = 1000;
  style.media.kind = MediaKind::qr;
  style.media.qr_text = "HTTPS://DICHVUCONG.GOV.VN";
  style.media.qr_level = QrLevel::low;
  frames_of(state, renderer.prepare("Quét mã QR để vào Cổng Dịch vụ công quốc gia", style), kBoard);
}

void BM_PictureFrame_Text_Board(benchmark::State& state) {
  const TextRenderer renderer(kBoard, default_font(kBoard));
  frames_of(state, renderer.scroll("Quét mã QR để vào Cổng Dịch vụ công quốc gia", 50, 1000),
            kBoard);
}

// A plain program: the file decoded with SDL2_image and scaled with SDL every frame.
void BM_PictureFrame_Naive_Lobby(benchmark::State& state) {
  std::unique_ptr<SDL_Surface, decltype(&SDL_FreeSurface)> target(
      SDL_CreateRGBSurfaceWithFormat(0, kLobbyZone.width, kLobbyZone.height, 24,
                                     SDL_PIXELFORMAT_RGB24),
      &SDL_FreeSurface);
  for (auto _ : state) {
    std::unique_ptr<SDL_Surface, decltype(&SDL_FreeSurface)> loaded(IMG_Load(poster_file().c_str()),
                                                                    &SDL_FreeSurface);
    if (!loaded) throw std::runtime_error(IMG_GetError());
    SDL_Rect where{(kLobbyZone.width - 1244) / 2, 0, 1244, 700};
    SDL_BlitScaled(loaded.get(), nullptr, target.get(), &where);
    benchmark::DoNotOptimize(target->pixels);
  }
}

}  // namespace

BENCHMARK(BM_PictureFrame_Naive_Lobby)
    ->Name("BM_PictureFrame_Naive/image_1920x700_decode_each_frame")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PictureFrame_Image_Lobby)
    ->Name("BM_PictureFrame/image_1920x700")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PictureFrame_Text_Lobby)
    ->Name("BM_PictureFrame/text_still_1920x700")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PictureFrame_Image_Board)->Name("BM_PictureFrame/image_mono128x32");
BENCHMARK(BM_PictureFrame_QrAndScroll_Board)->Name("BM_PictureFrame/qr_and_scroll_mono128x32");
BENCHMARK(BM_PictureFrame_Text_Board)->Name("BM_PictureFrame/text_scroll_mono128x32");
