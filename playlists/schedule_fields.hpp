// Reading when things happen, as operator files write it: an item's `schedule:`, `from:`,
// `until:` and `duration:`, and the config's `holidays:`. Problems inside a value (the second date
// of a range, the end of a window) are reported at that very place.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <optional>
#include <string_view>

#include "bangtin/playlists.hpp"
#include "yaml_file.hpp"

namespace bangtin::playlists_detail {

// `never_plays_reported` is set when a warning already said the item can never play (an empty
// `days` or `hours`), so the general check need not say it again.
std::optional<ItemSchedule> read_item_schedule(YamlFile& yaml, const YAML::Node& node,
                                               bool& never_plays_reported);

// `from:` and `until:`: a local date and time, or a date alone (see parse_local_instant).
std::optional<TimePoint> read_local_instant(YamlFile& yaml, const YAML::Node& node,
                                            std::string_view key, std::chrono::minutes utc_offset,
                                            bool date_means_its_end);

std::optional<std::chrono::seconds> read_duration(YamlFile& yaml, const YAML::Node& node);

std::optional<HolidayAdjustments> read_holiday_adjustments(YamlFile& yaml, const YAML::Node& node);

}  // namespace bangtin::playlists_detail
