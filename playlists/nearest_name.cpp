#include "nearest_name.hpp"

#include <algorithm>

#include "unicode_text.hpp"

namespace bangtin::playlists_detail {
namespace {

// Levenshtein distance counting a swap of neighbours as one edit, the commonest typing slip
// ("taregts"). Works on code points so a Vietnamese letter is one edit, not three bytes.
std::size_t edit_distance(const std::u32string& a, const std::u32string& b) {
  const std::size_t columns = b.size() + 1;
  std::vector<std::size_t> previous_previous(columns), previous(columns), current(columns);
  for (std::size_t j = 0; j < columns; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        current[j] = std::min(current[j], previous_previous[j - 2] + 1);
    }
    std::swap(previous_previous, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::optional<std::string> nearest_name(std::string_view typed,
                                        const std::vector<std::string>& candidates) {
  const std::u32string folded_typed = folded_code_points(typed);
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const std::u32string folded_candidate = folded_code_points(candidate);
    const std::size_t distance = edit_distance(folded_typed, folded_candidate);
    // About one slip per three letters: "strret" finds "street", "market" does not.
    const std::size_t longer = std::max(folded_typed.size(), folded_candidate.size());
    if (distance > std::max<std::size_t>(1, longer / 3) || distance >= longer) continue;
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates) {
  const auto nearest = nearest_name(typed, candidates);
  return nearest ? " (did you mean '" + *nearest + "'?)" : "";
}

}  // namespace bangtin::playlists_detail
