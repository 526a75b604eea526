#include "programme_checks.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "eligibility.hpp"
#include "time_text.hpp"
#include "unicode_text.hpp"

namespace bangtin::playlists_detail {
namespace {

using namespace std::chrono;

void warn(std::vector<Diagnostic>& diagnostics, const SourceMark& where, std::string message) {
  diagnostics.push_back(Diagnostic{where, Severity::warning, std::move(message)});
}

std::string quoted_names(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "'" : ", '") + name + "'";
  return text;
}

// "'☎' (U+260E), '✓' (U+2713)"
std::string characters_text(const std::vector<char32_t>& characters) {
  std::string text;
  for (const char32_t character : characters) {
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(character));
    text += (text.empty() ? "'" : ", '") + utf8_of(character) + "' (" + code + ")";
  }
  return text;
}

// Reports, once per set of characters, the displays whose font cannot draw some of `text`.
void check_glyphs(std::string_view text, const SourceMark& where,
                  const std::vector<const DisplayConfig*>& displays, const RenderChecks& checks,
                  std::vector<Diagnostic>& diagnostics) {
  if (!checks.missing_glyphs || text.empty()) return;
  std::vector<std::pair<std::vector<char32_t>, std::vector<std::string>>> missing_by_set;
  for (const DisplayConfig* display : displays) {
    auto missing = checks.missing_glyphs(*display, text);
    if (missing.empty()) continue;
    const auto same = std::find_if(missing_by_set.begin(), missing_by_set.end(),
                                   [&](const auto& entry) { return entry.first == missing; });
    if (same != missing_by_set.end())
      same->second.push_back(display->name);
    else
      missing_by_set.emplace_back(std::move(missing), std::vector<std::string>{display->name});
  }
  for (const auto& [characters, names] : missing_by_set)
    warn(diagnostics, where,
         std::string("the font of display") + (names.size() > 1 ? "s " : " ") +
             quoted_names(names) + " cannot draw " + characters_text(characters));
}

// The shortest stretch the item may play in one go: each window (a day's programme ends at
// midnight, so one crossing it is two stretches), and the time from `from` to `until`.
struct Stretch {
  nanoseconds length;
  std::string description;
};
std::optional<Stretch> shortest_stretch(const Item& item) {
  std::optional<Stretch> shortest;
  const auto consider = [&](nanoseconds length, std::string description) {
    if (!shortest || length < shortest->length) shortest = Stretch{length, std::move(description)};
  };
  for (const auto& window : item.schedule.hours) {
    if (window.start == window.end) continue;
    if (window.end > window.start) {
      consider(window.end - window.start, "window " + window_text(window));
    } else {
      const auto description = "window " + window_text(window) + " (up to midnight and after)";
      consider(hours(24) - window.start, description);
      if (window.end > minutes(0)) consider(window.end, description);
    }
  }
  if (item.from && item.until)
    consider(*item.until - *item.from, "the time from 'from' to 'until'");
  return shortest;
}

void check_length(const Item& item, const std::vector<const DisplayConfig*>& displays,
                  const RenderChecks& checks, std::vector<Diagnostic>& diagnostics) {
  if (!checks.play_length) return;
  const auto stretch = shortest_stretch(item);
  if (!stretch) return;
  for (const DisplayConfig* display : displays) {
    const PlayLength length = checks.play_length(item, *display);
    if (length.whole <= stretch->length) continue;
    const std::string needs =
        item.duration ? "its duration of " + duration_text(length.whole)
                      : (item.passes == 1 ? std::string("its pass")
                                          : "its " + std::to_string(item.passes) + " passes") +
                            " take" + (item.passes == 1 ? "s " : " ") + duration_text(length.whole);
    warn(diagnostics, item.text_where,
         "text too long for its window: on display '" + display->name + "' " + needs + ", but " +
             stretch->description + " lasts " + duration_text(stretch->length) +
             "; it will be cut short");
  }
}

// The keys an item's time depends on, for saying what together leaves no time.
std::string schedule_keys_of(const Item& item) {
  std::vector<std::string> keys;
  const ItemSchedule& schedule = item.schedule;
  if (!schedule.dates.empty()) keys.emplace_back("dates");
  if (!schedule.weekdays.all() || schedule.holidays) keys.emplace_back("days");
  if (schedule.hours.size() != 1 || schedule.hours.front().start != minutes(0) ||
      schedule.hours.front().end != hours(24))
    keys.emplace_back("hours");
  if (schedule.except_holidays || !schedule.except_dates.empty()) keys.emplace_back("except");
  if (item.from) keys.emplace_back("from");
  if (item.until) keys.emplace_back("until");
  if (keys.empty()) return "schedule";
  std::string text;
  for (std::size_t i = 0; i < keys.size(); ++i)
    text += (i == 0 ? "" : i + 1 == keys.size() ? " and " : ", ") + keys[i];
  return text;
}

std::vector<const DisplayConfig*> targeted_displays(const Item& item, const Config& config) {
  std::vector<const DisplayConfig*> displays;
  for (const auto& display : config.displays)
    if (plays_on(item, display)) displays.push_back(&display);
  return displays;
}

}  // namespace

void check_item(const Item& item, bool never_plays_reported, const Config& config,
                const RenderChecks& checks, std::vector<Diagnostic>& diagnostics) {
  const Eligibility eligibility(item, config.utc_offset, config.holidays);
  const bool never_plays = never_plays_reported || !eligibility.ever_plays();
  if (!never_plays_reported && never_plays)
    warn(diagnostics, item.where,
         "item never plays: no time fits its " + schedule_keys_of(item) + " together");
  const auto displays = targeted_displays(item, config);
  if (checks.item_problem) {
    for (const DisplayConfig* display : displays)
      if (auto problem = checks.item_problem(item, *display))
        diagnostics.push_back(
            Diagnostic{item.media.kind == MediaKind::none ? item.where : item.media_where,
                       Severity::error, std::move(*problem)});
  }
  check_glyphs(item.text, item.text_where, displays, checks, diagnostics);
  if (!never_plays) check_length(item, displays, checks, diagnostics);
}

void check_displays(const Config& config, const RenderChecks& checks,
                    std::vector<Diagnostic>& diagnostics) {
  std::vector<const DisplayConfig*> displays;
  for (const auto& display : config.displays) {
    displays.push_back(&display);
    if (!checks.display_problems) continue;
    auto problems = checks.display_problems(display, config.idle);
    diagnostics.insert(diagnostics.end(), std::make_move_iterator(problems.begin()),
                       std::make_move_iterator(problems.end()));
  }
  if (config.idle.kind == IdleContent::Kind::text)
    check_glyphs(config.idle.text, config.idle.text_where, displays, checks, diagnostics);
}

}  // namespace bangtin::playlists_detail
