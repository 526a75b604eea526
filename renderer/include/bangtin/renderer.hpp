// bangtin renderer — text and effects -> frames in a panel's pixel format.
//
// An item's text is rasterized once, when it is prepared, into a strip sized to its ink; each
// frame after that is a copy out of the strip, so a board costs next to nothing per frame. The
// size is chosen from the ink of the actual text (stacked Vietnamese marks and descenders
// included), never from the font's nominal height, so no lit pixel is clipped.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "bangtin/frame.hpp"

namespace bangtin {

struct PanelGeometry {
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::mono;
};

// A font file of the given family that covers Vietnamese, found through fontconfig.
// Throws std::runtime_error when none is installed.
std::filesystem::path find_vietnamese_font(std::string_view family = "DejaVu Sans");

// One item, rasterized and ready to play: frame_at() is a pure function of the time since the
// item started.
class PreparedItem {
 public:
  // How long the item plays (all its passes); zero for content without an end of its own.
  std::chrono::nanoseconds duration() const { return duration_; }
  Frame frame_at(std::chrono::nanoseconds elapsed) const;
  void draw(std::chrono::nanoseconds elapsed, Frame& out) const;

 private:
  friend class TextRenderer;
  PanelGeometry panel_;
  int strip_width_ = 0;
  // Coverage 0..255 per pixel of the strip, panel height rows, ink already placed vertically.
  std::vector<std::uint8_t> strip_;
  Rgb colour_;
  double speed_ = 0;  // pixels per second; 0 means the strip stands still, centred
  std::chrono::nanoseconds duration_{0};
};

class TextRenderer {
 public:
  // Throws std::runtime_error naming the font when it cannot be opened.
  TextRenderer(PanelGeometry panel, std::filesystem::path font_file);
  ~TextRenderer();
  TextRenderer(TextRenderer&&) noexcept;
  TextRenderer& operator=(TextRenderer&&) noexcept;

  const PanelGeometry& panel() const { return panel_; }

  // Text moving right to left at `speed` pixels per second, entering at the right edge and
  // leaving at the left, `passes` times.
  PreparedItem scroll(std::string_view text, double speed, int passes,
                      Rgb colour = {255, 255, 255}) const;
  // Text standing still, centred, sized to fit the panel's width as well as its height.
  PreparedItem still(std::string_view text, Rgb colour = {255, 255, 255}) const;

 private:
  PreparedItem rasterize(std::string_view text, Rgb colour, int max_width) const;
  struct Fonts;
  PanelGeometry panel_;
  std::unique_ptr<Fonts> fonts_;
};

}  // namespace bangtin
