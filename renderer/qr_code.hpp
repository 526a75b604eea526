// Private to the renderer: QR codes (libqrencode), drawn with whole-pixel modules.
//
// Drawn as the standard (ISO/IEC 18004) asks: dark modules on light, inside a light quiet zone four
// modules wide. On an LED board light is lit: the code is lit LEDs with dark modules, so a phone's
// camera sees it the right way round, and the board's dark casing is not mistaken for the quiet
// zone.
#pragma once

#include <string>
#include <vector>

#include "bangtin/display_settings.hpp"
#include "bangtin/frame.hpp"

namespace bangtin::qr_code {

inline constexpr int kQuietModules = 4;

struct Modules {
  int version = 0;
  int size = 0;                                          // modules a side: 17 + 4 * version
  std::vector<bool> dark;                                // size x size, row by row
  int side() const { return size + 2 * kQuietModules; }  // with the quiet zone
};

// The smallest code that holds `text` at `level`. Throws MediaError when no QR code can (over
// 2,953 bytes at L) or the text is empty.
Modules encode(const std::string& text, QrLevel level);

// The code with `module` pixels a module, quiet zone included: an rgb888 square of
// side() * module pixels, white and black.
Frame draw(const Modules& modules, int module);

// What fits a square of `side` pixels at one pixel a module at least: how many modules a side
// the largest version that fits has, and how many characters it takes at `level` (8-bit bytes;
// more in capitals and digits, which QR codes store more densely). 0 when no version fits.
struct Capacity {
  int version = 0;
  int bytes = 0;
};
Capacity capacity(int side, QrLevel level);

}  // namespace bangtin::qr_code
