#include "bangtin/frame_rate.hpp"

#include <algorithm>

namespace bangtin {

void FrameRate::count(Clock::time_point shown) {
  shown_.push_back(shown);
  while (shown_.back() - shown_.front() > kWindow) shown_.pop_front();
}

double FrameRate::per_second(Clock::time_point now) const {
  const auto first =
      std::find_if(shown_.begin(), shown_.end(), [&](auto at) { return now - at <= kWindow; });
  const auto frames = std::distance(first, shown_.end());
  if (frames < 2) return 0;
  const double span = std::chrono::duration<double>(shown_.back() - *first).count();
  if (span <= 0) return 0;
  // Frames that stopped: a silence of more than two of their gaps is not their rate any more.
  const double gap = span / static_cast<double>(frames - 1);
  if (std::chrono::duration<double>(now - shown_.back()).count() > 2 * gap) return 0;
  return static_cast<double>(frames - 1) / span;
}

}  // namespace bangtin
