#include "bangtin/playlists.hpp"

namespace bangtin {

int brightness_at(const DisplayConfig& display, std::chrono::minutes local_time_of_day) {
  constexpr std::chrono::minutes day{24 * 60};
  const std::chrono::minutes time = ((local_time_of_day % day) + day) % day;
  // The latest step at or before `time`; when there is none yet today, the latest of all, which
  // has held since the evening before. Loaded steps are sorted, but a handful of steps is no
  // reason to rely on it.
  const BrightnessStep* holding = nullptr;
  const BrightnessStep* latest = nullptr;
  for (const BrightnessStep& step : display.brightness) {
    if (!latest || step.from > latest->from) latest = &step;
    if (step.from <= time && (!holding || step.from > holding->from)) holding = &step;
  }
  if (holding) return holding->percent;
  return latest ? latest->percent : 100;
}

}  // namespace bangtin
