#include "text_layout.hpp"

#include <algorithm>
#include <set>
#include <sstream>

namespace bangtin::text_layout {

using namespace text_raster;

namespace {

// Rendered in front of every line so that all lines and items in a zone share one size and one
// baseline: the tallest stacked marks and the deepest descenders of Vietnamese set the fit,
// whatever a particular message happens to contain. It is cut off again before the line is used.
const std::string kFitPrefix = "ỄẶẬỖ gjpqyỵ";
const std::string kFitGap = "  ";

// The column where the line proper starts in a rendering of kFitPrefix + kFitGap + line. Half
// the gap stays with the line, for letters whose ink starts left of their origin (j, ỵ).
int line_start_of(TTF_Font* font) {
  const int prefix_end = advance_width(font, kFitPrefix);
  const int text_start = advance_width(font, kFitPrefix + kFitGap);
  return std::max(prefix_end, (prefix_end + text_start) / 2);
}

int copy_columns(Coverage& out, const Coverage& from, int from_x, int to_x, int row_shift) {
  int copied = 0;
  for (int y = 0; y < from.height; ++y) {
    const int out_y = y + row_shift;
    if (out_y < 0 || out_y >= out.height) continue;
    for (int x = std::max(0, from_x); x < from.width; ++x) {
      const int out_x = x - from_x + to_x;
      if (out_x < 0 || out_x >= out.width) continue;
      auto& pixel = out.alpha[static_cast<std::size_t>(out_y) * out.width + out_x];
      pixel = std::max(pixel, from.at(x, y));
      ++copied;
    }
  }
  return copied;
}

// First and one-past-last columns holding ink, from column `from` on.
std::pair<int, int> ink_columns(const Coverage& coverage, int from) {
  int first = coverage.width;
  int last = from;
  for (int y = 0; y < coverage.height; ++y)
    for (int x = from; x < coverage.width; ++x)
      if (coverage.at(x, y) != 0) {
        first = std::min(first, x);
        last = std::max(last, x + 1);
      }
  return first < last ? std::pair{first, last} : std::pair{from, from};
}

}  // namespace

// A letter's ink measured as a line shows it: rendered after the fit prefix, so that its rows
// count from the same reference row as every other letter's (SDL_ttf moves the baseline down
// when some glyph rises above the font's ascent).
LineMetrics LetterInk::of(FontSizes& fonts, int size, char32_t letter) {
  const auto [known, added] = known_.try_emplace(static_cast<std::uint64_t>(size) << 32 |
                                                 static_cast<std::uint64_t>(letter));
  if (!added) return known->second;
  TTF_Font* font = fonts.at(size);
  const Coverage line = render(font, kFitPrefix + kFitGap + to_utf8(letter), fonts.mode());
  const int reference_row = ink_rows(line, 0, advance_width(font, kFitPrefix)).top;
  const RowSpan ink = ink_rows(line);
  known->second = LineMetrics{reference_row - ink.top, ink.bottom - reference_row};
  return known->second;
}

int LetterInk::line_start(FontSizes& fonts, int size) {
  const auto [known, added] = line_starts_.try_emplace(size, 0);
  if (added) known->second = line_start_of(fonts.at(size));
  return known->second;
}

Typesetter::Typesetter(FontSizes& fonts, LetterInk& ink, std::string text)
    : fonts_(fonts), ink_(ink), text_(std::move(text)) {
  std::set<char32_t> seen;
  for (char32_t c : decode(text_)) {
    if (c == U' ' || c == U'\n' || c == U'\t' || !seen.insert(c).second) continue;
    distinct_letters_ += c;
  }
}

Typesetter::RenderedLine Typesetter::render_line(int size, const std::string& line) {
  TTF_Font* font = fonts_.at(size);
  RenderedLine rendered{render(font, kFitPrefix + kFitGap + line, fonts_.mode()), 0, 0};
  rendered.first_column = ink_.line_start(fonts_, size);
  rendered.reference_row = ink_rows(rendered.coverage, 0, advance_width(font, kFitPrefix)).top;
  return rendered;
}

LineMetrics Typesetter::metrics(int size) {
  if (auto it = metrics_.find(size); it != metrics_.end()) return it->second;
  // A space has no ink: the prefix's own rows, which every line keeps room for.
  LineMetrics metrics = ink_.of(fonts_, size, U' ');
  for (char32_t letter : distinct_letters_) {
    const LineMetrics letter_rows = ink_.of(fonts_, size, letter);
    metrics.above = std::max(metrics.above, letter_rows.above);
    metrics.below = std::max(metrics.below, letter_rows.below);
  }
  metrics_[size] = metrics;
  return metrics;
}

int Typesetter::rows_for(int lines, int size) {
  const LineMetrics m = metrics(size);
  return lines * m.pitch() + std::max(0, lines - 1) * gap(m);
}

std::optional<int> Typesetter::largest_size(int lines, int height, int at_most) {
  const auto needs = [&](int size) { return rows_for(lines, size); };
  const auto fits = [&](int size) { return needs(size) <= height; };
  if (!fits(kSmallestSize)) return std::nullopt;
  if (at_most <= largest_candidate(height) && fits(at_most)) return at_most;
  const int limit = std::min(largest_candidate(height), std::max(kSmallestSize, at_most));
  // The ink grows about in proportion to the size, so scaling a measured size by the room left
  // lands within a size or two of the answer; each measurement renders the text's letters, which
  // at HD sizes is the costly part. Scaling twice (from the smallest size, then from the first
  // estimate) and then searching outwards needs a handful of renders instead of a dozen.
  const auto scaled = [&](int size) {
    const double estimate = static_cast<double>(size) * height / std::max(1, needs(size));
    return static_cast<int>(
        std::clamp(estimate, double{kSmallestSize}, static_cast<double>(limit)));
  };
  const int guess = scaled(scaled(kSmallestSize));
  // Bracket the answer: `low` fits, `high` does not (or is past the limit).
  int low = kSmallestSize;
  int high = limit + 1;
  if (fits(guess)) {
    low = guess;
    for (int step = 1; low < limit; step *= 2) {
      const int probe = std::min(limit, low + step);
      if (!fits(probe)) {
        high = probe;
        break;
      }
      low = probe;
    }
  } else {
    high = guess;
    for (int step = 1; high - step > kSmallestSize; step *= 2) {
      const int probe = high - step;
      if (fits(probe)) {
        low = probe;
        break;
      }
      high = probe;
    }
  }
  while (high - low > 1) {
    const int mid = low + (high - low) / 2;
    if (fits(mid)) {
      low = mid;
    } else {
      high = mid;
    }
  }
  return low;
}

std::vector<std::string> Typesetter::wrap(int size, int width, std::size_t stop_after) {
  TTF_Font* font = fonts_.at(size);
  std::vector<std::string> lines;
  std::istringstream paragraphs(text_);
  std::string paragraph;
  while (std::getline(paragraphs, paragraph)) {
    std::istringstream words(paragraph);
    std::string word;
    std::string line;
    while (words >> word) {
      const std::string longer = line.empty() ? word : line + " " + word;
      if (line.empty() || advance_width(font, longer) <= width) {
        line = longer;
      } else {
        lines.push_back(line);
        if (lines.size() >= stop_after) return lines;
        line = word;
      }
    }
    if (!line.empty()) lines.push_back(line);
    if (lines.size() >= stop_after) return lines;
  }
  return lines;
}

bool Typesetter::wraps_within(int size, int max_lines, int width,
                              std::vector<std::string>* wrapped) {
  std::vector<std::string> lines = wrap(size, width, static_cast<std::size_t>(max_lines) + 1);
  if (static_cast<int>(lines.size()) > max_lines) return false;
  TTF_Font* font = fonts_.at(size);
  const bool narrow = std::all_of(lines.begin(), lines.end(), [&](const std::string& line) {
    return advance_width(font, line) <= width;
  });
  if (narrow && wrapped) *wrapped = std::move(lines);
  return narrow;
}

std::optional<int> Typesetter::largest_wrapping_size(int max_lines, int width, int above,
                                                     int up_to) {
  int fits = above;         // the answer is above this...
  int too_big = up_to + 1;  // ...and below this
  // Text too long for the lines even at the smallest candidate is common (a notice for a page
  // item shown still): one wrap settles it.
  if (fits < up_to && !wraps_within(fits + 1, max_lines, width)) return std::nullopt;
  while (too_big - fits > 1) {
    const int mid = fits + (too_big - fits) / 2;
    if (wraps_within(mid, max_lines, width)) {
      fits = mid;
    } else {
      too_big = mid;
    }
  }
  if (fits == above) return std::nullopt;
  return fits;
}

Coverage Typesetter::single_line(int size, int height) {
  const LineMetrics m = metrics(size);
  const RenderedLine line = render_line(size, text_);
  Coverage out{std::max(0, line.coverage.width - line.first_column), height, {}};
  out.alpha.assign(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(height), 0);
  const int reference_row = (height - m.pitch()) / 2 + m.above;
  copy_columns(out, line.coverage, line.first_column, 0, reference_row - line.reference_row);
  return out;
}

int Typesetter::single_line_width(int size) {
  TTF_Font* font = fonts_.at(size);
  // render() makes a surface exactly as wide as SDL_ttf measures the same string.
  return std::max(
      0, advance_width(font, kFitPrefix + kFitGap + text_) - ink_.line_start(fonts_, size));
}

void Typesetter::place_centred(Coverage& out, const RenderedLine& line, int reference_row) {
  const auto [first, last] = ink_columns(line.coverage, line.first_column);
  const int to_x = (out.width - (last - first)) / 2;
  copy_columns(out, line.coverage, first, to_x, reference_row - line.reference_row);
}

Coverage Typesetter::screen(int size, const std::vector<std::string>& lines, int width,
                            int height) {
  const LineMetrics m = metrics(size);
  Coverage out{width, height, {}};
  out.alpha.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0);
  const int block = rows_for(static_cast<int>(lines.size()), size);
  int top = (height - block) / 2;
  for (const std::string& text : lines) {
    place_centred(out, render_line(size, text), top + m.above);
    top += m.pitch() + gap(m);
  }
  // Room was kept for marks and descenders these lines may not have (a title in capitals):
  // centre the ink itself. Nothing can be cut, since the ink is no taller than that room.
  const RowSpan ink = ink_rows(out);
  const int shift = (height - ink.height()) / 2 - ink.top;
  if (ink.height() > 0 && shift != 0) {
    std::vector<std::uint8_t> moved(out.alpha.size(), 0);
    for (int y = ink.top; y < ink.bottom; ++y) {
      std::copy_n(out.alpha.begin() + static_cast<std::ptrdiff_t>(y) * width, width,
                  moved.begin() + static_cast<std::ptrdiff_t>(y + shift) * width);
    }
    out.alpha = std::move(moved);
  }
  return out;
}

}  // namespace bangtin::text_layout
