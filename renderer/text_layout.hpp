// Private to the renderer: sizes and lines. Chooses the pixel size of a text from the ink of its
// glyphs (stacked Vietnamese marks and descenders included), never the font's nominal height, and
// lays lines into coverage blocks: one long line for scrolling, centred wrapped lines for a still
// screen, a stack of screens for paging.
#pragma once

#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "text_raster.hpp"

namespace bangtin::text_layout {

using text_raster::Coverage;

// Rows of ink a line needs at one size, above and below a fixed reference row (the top of the
// fit prefix's ink), so lines of one text share one baseline whatever letters each holds.
struct LineMetrics {
  int above = 0;
  int below = 0;
  int pitch() const { return above + below; }
};

// The rows one letter's ink takes at one size, measured once per font and kept: a line's metrics
// are those of its letters together, so a zone fitting thousands of texts renders each letter it
// meets once per size, not each text.
class LetterInk {
 public:
  LineMetrics of(text_raster::FontSizes& fonts, int size, char32_t letter);
  // The column where a line proper starts in a rendering that begins with the fit prefix.
  int line_start(text_raster::FontSizes& fonts, int size);

 private:
  std::unordered_map<std::uint64_t, LineMetrics> known_;  // by size << 32 | letter
  std::unordered_map<int, int> line_starts_;              // by size
};

class Typesetter {
 public:
  // `text` must be NFC (the renderer normalizes first).
  Typesetter(text_raster::FontSizes& fonts, LetterInk& ink, std::string text);

  LineMetrics metrics(int size);
  // Rows `lines` lines of the text take at `size`, the gaps between them included.
  int rows_for(int lines, int size);
  // The largest size, up to `at_most`, at which `lines` lines (with their gaps) fit `height`;
  // nothing when even the smallest readable size does not (`at_most` itself when it is below
  // that size and fits). Each size tried renders the text's letters.
  std::optional<int> largest_size(int lines, int height, int at_most = INT_MAX);
  // The largest size largest_size() tries for `height`.
  static int largest_candidate(int height) { return std::max(kSmallestSize, height * 2); }
  // Greedy word wrap at `size` into lines no wider than `width` (a word wider than that stands
  // alone on its line). '\n' in the text always breaks. Stops once it has `stop_after` lines.
  std::vector<std::string> wrap(int size, int width, std::size_t stop_after = SIZE_MAX);
  // Whether the text at `size` wraps into at most `max_lines` lines, each no wider than `width`
  // (a lone word wider than that fails it); the lines are left in `wrapped` when it does.
  bool wraps_within(int size, int max_lines, int width,
                    std::vector<std::string>* wrapped = nullptr);
  // The largest size in (above, up_to] at which wraps_within holds; nothing when none does. Found
  // by bisection: a larger size only makes the lines wider, so it never fits where a smaller one
  // did not.
  std::optional<int> largest_wrapping_size(int max_lines, int width, int above, int up_to);

  // The whole text on one line, `height` rows tall with the ink centred vertically.
  Coverage single_line(int size, int height);
  // single_line(size, ...).width, without rendering the line.
  int single_line_width(int size);
  // Lines centred in width x height, one screen.
  Coverage screen(int size, const std::vector<std::string>& lines, int width, int height);
  static int gap(const LineMetrics& metrics) { return std::max(1, metrics.pitch() / 10); }

  static constexpr int kSmallestSize = 6;

 private:
  struct RenderedLine {
    Coverage coverage;
    int first_column = 0;  // where the line proper starts, after the fit prefix
    int reference_row = 0;
  };
  RenderedLine render_line(int size, const std::string& line);
  // Copies the line's ink into `out` with its reference row at `reference_row` and its ink
  // centred between columns 0 and out.width.
  void place_centred(Coverage& out, const RenderedLine& line, int reference_row);

  text_raster::FontSizes& fonts_;
  LetterInk& ink_;
  std::string text_;
  std::u32string distinct_letters_;  // each letter of the text once: enough to measure its ink
  std::map<int, LineMetrics> metrics_;
};

}  // namespace bangtin::text_layout
