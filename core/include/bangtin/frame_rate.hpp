// bangtin::FrameRate — frames per second as an operator reads them in `bangtin status`: of the
// frames that really went out (to a panel over its link, onto a lobby screen), over the last
// couple of seconds.
//
// Counted as the gaps between frames, not the frames inside one second: a second holds 26 frames
// at a steady 25 a second when both of its ends have one, and "26.0 frames/s" tells an operator
// of a board set to 25 that something is off when nothing is. Frames that stop read 0 after a
// silence of two of their gaps, whether the link went down or a window stopped presenting.
#pragma once

#include <chrono>
#include <deque>

namespace bangtin {

class FrameRate {
 public:
  using Clock = std::chrono::steady_clock;
  // Long enough to hold two frames of a page that changes once a second.
  static constexpr Clock::duration kWindow = std::chrono::milliseconds(2500);

  void count(Clock::time_point shown);
  // Frames a second over the window before `now`; 0 with fewer than two frames in it, or when
  // none came for two of their gaps.
  double per_second(Clock::time_point now) const;
  // Nothing went out: the link went down, the window closed.
  void clear() { shown_.clear(); }

 private:
  std::deque<Clock::time_point> shown_;
};

}  // namespace bangtin
