#include <array>
#include <cstdio>

#include "bangtin/controller.hpp"

namespace bangtin {

namespace {

std::filesystem::path font_for(const DisplayConfig& display) {
  return display.font.empty() ? find_vietnamese_font() : std::filesystem::path(display.font);
}

// How often the idle clock is redrawn: it shows minutes, so once a minute, on the minute.
constexpr auto kIdleSlot = std::chrono::minutes(1);

}  // namespace

std::string vietnamese_date_time(SystemClock::time_point when, std::chrono::minutes utc_offset) {
  using namespace std::chrono;
  static const std::array<const char*, 7> kWeekdays = {"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư",
                                                       "Thứ Năm",  "Thứ Sáu", "Thứ Bảy"};
  const auto local = floor<minutes>(when + utc_offset);
  const auto day = floor<days>(local);
  const year_month_day date(day);
  const hh_mm_ss time(local - day);
  char rest[48];
  std::snprintf(rest, sizeof rest, ", %02u/%02u/%d %02d:%02d", unsigned(date.day()),
                unsigned(date.month()), int(date.year()), int(time.hours().count()),
                int(time.minutes().count()));
  return kWeekdays[weekday(day).c_encoding()] + std::string(rest);
}

DisplayProgramme::DisplayProgramme(const Programme& programme, const DisplayConfig& display)
    : display_(display),
      utc_offset_(programme.config.utc_offset),
      renderer_(PanelGeometry{display.width, display.height, display.pixel}, font_for(display)),
      rotation_({}) {
  std::vector<SystemClock::duration> durations;
  for (const Item* item : items_for(programme, display)) {
    items_.push_back(*item);
    prepared_.push_back(renderer_.scroll(item->text, item->speed, item->passes));
    durations.push_back(
        std::chrono::duration_cast<SystemClock::duration>(prepared_.back().duration()));
  }
  rotation_ = Rotation(std::move(durations));
}

DisplayProgramme::Showing DisplayProgramme::at(SystemClock::time_point now) {
  if (const auto slot = rotation_.at(now)) {
    const PreparedItem& prepared = prepared_[slot->index];
    return Showing{&items_[slot->index], slot->started, slot->ends,
                   prepared.frame_at(now - slot->started)};
  }
  // Nothing scheduled: a board is never left dark; it shows the date and time.
  const auto started = std::chrono::floor<std::chrono::minutes>(now);
  const std::string text = vietnamese_date_time(now, utc_offset_);
  if (text != idle_text_) {
    idle_ = renderer_.still(text);
    idle_text_ = text;
  }
  return Showing{nullptr, started, started + kIdleSlot, idle_.frame_at({})};
}

}  // namespace bangtin
