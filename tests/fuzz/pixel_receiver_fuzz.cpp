// The panel simulator's DDP and E1.31 receivers from the bytes up: datagrams handed to a
// SimulatedPanel, which keeps its back buffer, the universes received and the awaited sync
// universe from one datagram to the next within an input, as a receiver does between packets.
//
// Input: a first byte choosing the panel, then datagrams, each as a byte whose lowest bit says
// DDP (0) or E1.31 (1), two bytes of length (big-endian) and the datagram (the last one gets
// what is left when the length runs past the end).
//   panel (bits 0-1): 0 an 8x4 rgb888 panel at universe 1; 1 a 40x10 mono panel at universe 1
//   (400 pixels, three universes); 2 a 20x9 rgb565 panel at universe 63998 (two universes, the
//   last ones there are); 3 a text display, which takes no pixels
// Besides the sanitizers, it checks that the panel keeps its size and format, and that a
// datagram commits exactly when the commit count goes up.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>

#include "bangtin/simulated_panel.hpp"

namespace {

using bangtin::PixelFormat;
using bangtin::SimulatorOptions;

void require(bool holds) {
  if (!holds) std::abort();
}

SimulatorOptions panel_options(int choice) {
  SimulatorOptions options;
  switch (choice) {
    case 0:
      options.width = 8;
      options.height = 4;
      options.format = PixelFormat::rgb888;
      break;
    case 1:
      options.width = 40;
      options.height = 10;
      break;
    case 2:
      options.width = 20;
      options.height = 9;
      options.format = PixelFormat::rgb565;
      options.e131_universe = 63998;
      break;
    default:
      options.text_display = bangtin::TextDisplayLayout{{0}, 4, std::nullopt};
      break;
  }
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const SimulatorOptions options = panel_options(data[0] & 3);
  bangtin::SimulatedPanel panel(options);
  std::span<const std::uint8_t> rest(data + 1, size - 1);
  while (rest.size() >= 3) {
    const bool e131 = (rest[0] & 1) != 0;
    const std::size_t length =
        std::min<std::size_t>(static_cast<std::size_t>(rest[1] << 8 | rest[2]), rest.size() - 3);
    const auto datagram = rest.subspan(3, length);
    rest = rest.subspan(3 + length);
    const std::uint64_t commits = panel.commits();
    const bool committed = e131 ? panel.e131_datagram(datagram) : panel.ddp_datagram(datagram);
    require(panel.commits() == commits + (committed ? 1 : 0));
    const bangtin::Frame& shown = panel.shown_frame();
    require(shown.width == options.width && shown.height == options.height &&
            shown.format == options.format &&
            shown.bytes.size() == bangtin::row_bytes(options.format, options.width) *
                                      static_cast<std::size_t>(options.height));
  }
  return 0;
}
