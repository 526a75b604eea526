#include "bangtin/lobby_window.hpp"

#include <SDL2/SDL.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace bangtin {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("lobby window: " + what + ": " + SDL_GetError());
}

struct WindowDestroyer {
  void operator()(SDL_Window* w) const { SDL_DestroyWindow(w); }
};
struct RendererDestroyer {
  void operator()(SDL_Renderer* r) const { SDL_DestroyRenderer(r); }
};
struct TextureDestroyer {
  void operator()(SDL_Texture* t) const { SDL_DestroyTexture(t); }
};

// SDL's video subsystem is reference-counted: each window holds one reference.
struct VideoSubsystem {
  VideoSubsystem() {
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) fail("cannot start SDL video");
  }
  ~VideoSubsystem() { SDL_QuitSubSystem(SDL_INIT_VIDEO); }
  VideoSubsystem(const VideoSubsystem&) = delete;
  VideoSubsystem& operator=(const VideoSubsystem&) = delete;
};

}  // namespace

struct LobbyWindow::Impl {
  VideoSubsystem video;
  WindowOptions options;
  WindowLook look;
  int frame_width = 0;
  int frame_height = 0;
  std::unique_ptr<SDL_Window, WindowDestroyer> window;
  std::unique_ptr<SDL_Renderer, RendererDestroyer> renderer;
  std::unique_ptr<SDL_Texture, TextureDestroyer> texture;
  // The frame as 32-bit pixels: SDL's software scaler mangles 24-bit textures when it
  // stretches them by whole pixels, and 32-bit is every GPU's native texture format anyway.
  std::vector<std::uint32_t> staging;
  // The frame the texture holds. A still page arrives again every tick: comparing it with this
  // (a memcmp) costs far less than converting, uploading and presenting it again.
  Frame on_screen;
  std::uint64_t presents = 0;

  // LED-sized layouts are blown up in whole pixels so each LED stays a crisp square; HD frames
  // fill the screen. Either keeps its proportions, with black bars where the screen's differ.
  bool whole_pixels() const { return frame_width < 640; }

  void draw() {
    // Window changes (going fullscreen, a monitor's new mode) reach the renderer through the
    // event queue: gather them first, or a software renderer keeps drawing to a stale surface.
    SDL_PumpEvents();
    int width = 0;
    int height = 0;
    SDL_GetRendererOutputSize(renderer.get(), &width, &height);
    double scale = std::min(static_cast<double>(width) / frame_width,
                            static_cast<double>(height) / frame_height);
    if (whole_pixels() && scale >= 1) scale = std::floor(scale);
    const int shown_width = static_cast<int>(std::lround(frame_width * scale));
    const int shown_height = static_cast<int>(std::lround(frame_height * scale));
    const SDL_Rect where{(width - shown_width) / 2, (height - shown_height) / 2, shown_width,
                         shown_height};
    SDL_SetRenderDrawColor(renderer.get(), 0, 0, 0, 255);
    SDL_RenderClear(renderer.get());
    SDL_RenderCopy(renderer.get(), texture.get(), nullptr, &where);
  }

  void present() {
    draw();
    SDL_RenderPresent(renderer.get());
    ++presents;
  }

  void upload(const Frame& frame) {
    const bool mono = frame.format == PixelFormat::mono;
    const Rgb lit = look.mono_colour;
    std::size_t i = 0;
    if (frame.format == PixelFormat::rgb888) {
      // HD frames are rgb888: read the bytes straight, without a call per pixel.
      const std::uint8_t* p = frame.bytes.data();
      for (std::uint32_t& out : staging) {
        out = (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
        p += 3;
      }
    } else {
      for (int y = 0; y < frame.height; ++y)
        for (int x = 0; x < frame.width; ++x) {
          const Rgb c = mono ? (frame.lit(x, y) ? lit : Rgb{}) : frame.pixel(x, y);
          staging[i++] = (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
        }
    }
    if (SDL_UpdateTexture(texture.get(), nullptr, staging.data(),
                          frame.width * static_cast<int>(sizeof(std::uint32_t))) != 0) {
      fail("cannot update the texture");
    }
  }
};

LobbyWindow::LobbyWindow(int frame_width, int frame_height, WindowOptions options, WindowLook look)
    : impl_(std::make_unique<Impl>()) {
  if (frame_width <= 0 || frame_height <= 0) throw std::invalid_argument("frame has no pixels");
  impl_->options = options;
  impl_->look = std::move(look);
  impl_->frame_width = frame_width;
  impl_->frame_height = frame_height;
  const int monitors = SDL_GetNumVideoDisplays();
  if (monitors < 1) fail("no monitor found");
  if (options.monitor < 0 || options.monitor >= monitors) {
    throw std::runtime_error("lobby window: monitor " + std::to_string(options.monitor) +
                             " does not exist (" + std::to_string(monitors) + " connected)");
  }
  Uint32 flags = SDL_WINDOW_SHOWN;
  if (options.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
  int width = options.width > 0 ? options.width : frame_width;
  int height = options.height > 0 ? options.height : frame_height;
  int x = static_cast<int>(SDL_WINDOWPOS_CENTERED_DISPLAY(options.monitor));
  int y = x;
  if (options.fullscreen) {
    // Opened at the monitor's own size and place: going fullscreen is then no resize, which the
    // renderer would only learn of from a later event (until then it draws into the old size).
    SDL_Rect bounds;
    if (SDL_GetDisplayBounds(options.monitor, &bounds) != 0) fail("cannot read the monitor's size");
    x = bounds.x;
    y = bounds.y;
    width = bounds.w;
    height = bounds.h;
  }
  impl_->window.reset(SDL_CreateWindow(look.title.c_str(), x, y, width, height, flags));
  if (!impl_->window) fail("cannot open a window");
  SDL_ShowCursor(SDL_DISABLE);

  // Whole-pixel layouts are sampled nearest (sharp LED squares), HD ones smoothly.
  SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, impl_->whole_pixels() ? "nearest" : "linear");
  const Uint32 vsync = options.vsync ? SDL_RENDERER_PRESENTVSYNC : 0;
  impl_->renderer.reset(
      SDL_CreateRenderer(impl_->window.get(), -1, SDL_RENDERER_ACCELERATED | vsync));
  if (!impl_->renderer) {
    impl_->renderer.reset(
        SDL_CreateRenderer(impl_->window.get(), -1, SDL_RENDERER_SOFTWARE | vsync));
  }
  if (!impl_->renderer) fail("cannot create a renderer");
  impl_->texture.reset(SDL_CreateTexture(impl_->renderer.get(), SDL_PIXELFORMAT_XRGB8888,
                                         SDL_TEXTUREACCESS_STREAMING, frame_width, frame_height));
  if (!impl_->texture) fail("cannot create a texture");
  impl_->staging.assign(static_cast<std::size_t>(frame_width) * frame_height, 0);
  impl_->present();
}

LobbyWindow::~LobbyWindow() = default;
LobbyWindow::LobbyWindow(LobbyWindow&&) noexcept = default;
LobbyWindow& LobbyWindow::operator=(LobbyWindow&&) noexcept = default;

bool LobbyWindow::show(const Frame& frame) {
  Impl& w = *impl_;
  if (frame.width != w.frame_width || frame.height != w.frame_height) {
    throw std::invalid_argument("lobby window shows " + std::to_string(w.frame_width) + "x" +
                                std::to_string(w.frame_height) + " frames, got " +
                                std::to_string(frame.width) + "x" + std::to_string(frame.height));
  }
  if (!w.on_screen.bytes.empty() && frame.format == w.on_screen.format &&
      frame.bytes == w.on_screen.bytes) {
    return false;  // already on screen; handle_events redraws it when the window system asks
  }
  w.upload(frame);
  w.on_screen = frame;  // reuses on_screen's buffer: no allocation per frame
  w.present();
  return true;
}

bool LobbyWindow::handle_events() {
  Impl& w = *impl_;
  bool open = true;
  bool redraw = false;    // the window system lost or resized what was presented
  bool reupload = false;  // the renderer lost the texture's contents
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    if (event.type == SDL_QUIT) open = false;
    if (event.type == SDL_RENDER_TARGETS_RESET || event.type == SDL_RENDER_DEVICE_RESET) {
      reupload = true;
    }
    if (event.type != SDL_WINDOWEVENT) continue;
    switch (event.window.event) {
      case SDL_WINDOWEVENT_CLOSE:
        open = false;
        break;
      case SDL_WINDOWEVENT_SHOWN:
      case SDL_WINDOWEVENT_EXPOSED:
      case SDL_WINDOWEVENT_RESIZED:
      case SDL_WINDOWEVENT_SIZE_CHANGED:
      case SDL_WINDOWEVENT_MAXIMIZED:
      case SDL_WINDOWEVENT_RESTORED:
      case SDL_WINDOWEVENT_DISPLAY_CHANGED:
        redraw = true;
        break;
      default:
        break;
    }
  }
  if (reupload && !w.on_screen.bytes.empty()) w.upload(w.on_screen);
  // Frames that do not change are not presented again, so the last present has to be redone
  // here whenever the screen's copy of it may be gone.
  if (redraw || reupload) w.present();
  return open;
}

Frame LobbyWindow::screenshot() {
  Impl& w = *impl_;
  w.draw();  // the back buffer holds the last frame again; read it before any present
  int width = 0;
  int height = 0;
  if (SDL_GetRendererOutputSize(w.renderer.get(), &width, &height) != 0) fail("no output size");
  Frame shot = Frame::blank(width, height, PixelFormat::rgb888);
  if (SDL_RenderReadPixels(w.renderer.get(), nullptr, SDL_PIXELFORMAT_RGB24, shot.bytes.data(),
                           static_cast<int>(shot.stride())) != 0) {
    fail("cannot read the window back");
  }
  return shot;
}

std::uint64_t LobbyWindow::frames_presented() const { return impl_->presents; }

int LobbyWindow::width() const {
  int width = 0;
  SDL_GetWindowSize(impl_->window.get(), &width, nullptr);
  return width;
}

int LobbyWindow::height() const {
  int height = 0;
  SDL_GetWindowSize(impl_->window.get(), nullptr, &height);
  return height;
}

}  // namespace bangtin
