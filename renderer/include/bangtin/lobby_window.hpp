// bangtin::LobbyWindow — a display's frames on a lobby TV: an SDL window, fullscreen on the
// chosen monitor, synchronized to its refresh, without a mouse cursor, the frame scaled up to
// fill the screen (whole pixels for LED-sized layouts, smooth for HD ones), letterboxed.
// Needs a display server (X11/Wayland, or Xvfb in tests); LED boards never open one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bangtin/display_settings.hpp"
#include "bangtin/frame.hpp"

namespace bangtin {

// What the window shows besides the frame's own colours.
struct WindowLook {
  std::string title = "bangtin";
  Rgb mono_colour{255, 176, 0};  // how lit pixels of a mono layout look on screen
};

class LobbyWindow {
 public:
  // Opens the window for frames of `frame_width` x `frame_height`. Throws std::runtime_error
  // with SDL's reason: no display server, no such monitor, no renderer. The monitor is SDL's
  // display index.
  LobbyWindow(int frame_width, int frame_height, WindowOptions options = {}, WindowLook look = {});
  ~LobbyWindow();
  LobbyWindow(const LobbyWindow&) = delete;
  LobbyWindow& operator=(const LobbyWindow&) = delete;
  LobbyWindow(LobbyWindow&&) noexcept;
  LobbyWindow& operator=(LobbyWindow&&) noexcept;

  // Draws the frame and presents it (waiting for the monitor's refresh when vsync is on); a frame
  // equal to the one on screen is neither converted nor presented again. True when a new
  // picture was presented. Throws std::invalid_argument for a frame of another size.
  bool show(const Frame& frame);
  // Handles pending window events, presenting the frame again when the window was exposed,
  // resized or restored; false once the window was asked to close.
  bool handle_events();
  // What the window shows, read back from the renderer at the window's size (rgb888).
  Frame screenshot();
  // How many times the window was presented: a still page counts once, however often shown.
  std::uint64_t frames_presented() const;
  // The window's size in pixels (the monitor's resolution when fullscreen).
  int width() const;
  int height() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bangtin
