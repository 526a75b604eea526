// Private to the renderer: pictures (decoded files, QR codes, document pages) made ready for a
// zone once, when their item is prepared: scaled (libswscale) into the space they have, then put
// in the panel's format and light. Frames after that are copies, as for text.
#pragma once

#include "bangtin/display_settings.hpp"
#include "bangtin/frame.hpp"
#include "bangtin/renderer.hpp"

namespace bangtin::picture_pixels {

// `picture` (rgb888) scaled to width x height, aspect not kept: bicubic, which also averages
// properly when it shrinks a photo many times over.
Frame scaled(const Frame& picture, int width, int height);

// The picture in a space of width x height as `fit` says: an rgb888 frame of exactly that size,
// dark where the picture does not reach.
Frame fitted(const Frame& picture, int width, int height, PictureFit fit);

// The size `fit` gives a picture of width x height in a space of `space_width` x `space_height`
// (for whole: the largest that fits, aspect kept; fill and centre take the space).
struct Size {
  int width = 0;
  int height = 0;
};
Size fitted_size(int width, int height, int space_width, int space_height, PictureFit fit);

// How a picture's colours become a panel's pixels.
//   Colour panels: each channel through the light, as text is (gamma, then brightness).
//   Mono panels: Atkinson dithering of the luminance (through the gamma): flat black and white
//   (logos, pictograms, QR codes) come out exact, greys as an even pattern of lit LEDs whose
//   share is the grey's, and it diffuses only three quarters of the error, so dark and light
//   areas stay clean instead of speckled as with Floyd-Steinberg. A lit LED is lit whatever the
//   brightness above zero: a mono panel dims itself.
Frame in_panel_format(const Frame& picture, PixelFormat format, const Light& light);

}  // namespace bangtin::picture_pixels
