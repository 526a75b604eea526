#include <utf8proc.h>

#include <algorithm>
#include <cmath>

#include "bangtin/controller.hpp"

namespace bangtin {

namespace {

using std::chrono::nanoseconds;

// A daemon that was stopped (or a loop that stalled) longer than this does not walk through
// every play it missed: it picks the schedule up where it stands now.
constexpr auto kLongestCatchUp = std::chrono::minutes(10);

const ZoneConfig& content_zone(const DisplayConfig& display) {
  for (const ZoneConfig& zone : display.zones)
    if (zone.kind == ZoneKind::content) return zone;
  throw std::invalid_argument("display " + display.name + " has no content zone");
}

PanelGeometry geometry_of(const DisplayConfig& display, const Rect& rect) {
  return PanelGeometry{rect.width, rect.height, display.pixel};
}

// The display's font, or the face that suits its content zone best.
std::filesystem::path font_for(const DisplayConfig& display) {
  if (!display.font.empty()) return display.font;
  return display.zones.empty()
             ? default_font(PanelGeometry{display.width, display.height, display.pixel})
             : default_font(geometry_of(display, content_zone(display).rect));
}

constexpr Rgb kWhite{255, 255, 255};

Layout layout_of(const DisplayConfig& display) {
  const PanelGeometry panel{display.width, display.height, display.pixel};
  if (display.zones.empty()) return Layout::single(panel);
  Layout layout;
  for (const ZoneConfig& zone : display.zones) {
    TextStyle style{TextEffect::still};
    style.colour = zone.colour.value_or(display.colour.value_or(kWhite));
    const ZoneRole role = zone.kind == ZoneKind::title   ? ZoneRole::title
                          : zone.kind == ZoneKind::clock ? ZoneRole::clock
                                                         : ZoneRole::content;
    layout.zones.push_back(Zone{zone.rect, role, zone.text, style, zone.font});
  }
  return layout;
}

GlyphStyle glyphs_of(GlyphSetting setting) {
  switch (setting) {
    case GlyphSetting::crisp:
      return GlyphStyle::crisp;
    case GlyphSetting::smooth:
      return GlyphStyle::smooth;
    case GlyphSetting::automatic:
      return GlyphStyle::automatic;
  }
  return GlyphStyle::automatic;
}

// An item's colour: its own, else its zone's, else the display's.
Rgb colour_of(const Item& item, const DisplayConfig& display) {
  if (item.colour) return *item.colour;
  if (!display.zones.empty() && content_zone(display).colour) return *content_zone(display).colour;
  return display.colour.value_or(kWhite);
}

Light light_at(const DisplayConfig& display, SystemClock::time_point now,
               std::chrono::minutes utc_offset) {
  using namespace std::chrono;
  const auto local = now + utc_offset;
  const auto time_of_day = floor<minutes>(local - floor<days>(local));
  return Light{display.gamma, brightness_at(display, time_of_day)};
}

TextEffect effect_of(ItemEffect effect) {
  switch (effect) {
    case ItemEffect::still:
      return TextEffect::still;
    case ItemEffect::scroll:
      return TextEffect::scroll;
    case ItemEffect::page:
      return TextEffect::page;
    case ItemEffect::blink:
      return TextEffect::blink;
    case ItemEffect::fade:
      return TextEffect::fade;
  }
  return TextEffect::scroll;
}

bool runs_in_passes(TextEffect effect) {
  return effect == TextEffect::scroll || effect == TextEffect::page || effect == TextEffect::blink;
}

// The item rasterized for the display, and how long it plays there.
struct PreparedPlay {
  PreparedItem frames;
  PlayLength length;
};

PreparedPlay prepare(const TextRenderer& renderer, const Item& item, const DisplayConfig& display) {
  TextStyle style;
  style.effect = effect_of(item.effect);
  style.colour = colour_of(item, display);
  style.speed = even_scroll_speed(item.speed, display.fps);
  style.passes = item.passes;
  if (item.duration && !runs_in_passes(style.effect)) {
    style.hold = std::chrono::duration_cast<std::chrono::milliseconds>(*item.duration);
  }
  PreparedPlay prepared{renderer.prepare(item.text, style), {}};
  nanoseconds pass =
      runs_in_passes(style.effect) ? prepared.frames.duration() / style.passes : nanoseconds(0);
  if (item.duration && runs_in_passes(style.effect) && pass > nanoseconds(0)) {
    // `duration:` instead of passes: as many passes as it takes to fill the time.
    style.passes = static_cast<int>(
        std::max<std::int64_t>(1, (*item.duration + pass - nanoseconds(1)) / pass));
    prepared.frames = renderer.prepare(item.text, style);
  }
  prepared.length.whole = item.duration ? nanoseconds(*item.duration) : prepared.frames.duration();
  prepared.length.pass = pass;
  return prepared;
}

// Each character beyond ASCII, once, in order of appearance.
std::vector<char32_t> non_ascii_characters(std::string_view text) {
  std::vector<char32_t> found;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  for (std::size_t at = 0; at < text.size();) {
    utf8proc_int32_t character = 0;
    const auto length =
        utf8proc_iterate(bytes + at, static_cast<utf8proc_ssize_t>(text.size() - at), &character);
    if (length <= 0) break;  // the loader has refused invalid UTF-8 already
    at += static_cast<std::size_t>(length);
    const auto c = static_cast<char32_t>(character);
    if (c >= 0x80 && std::find(found.begin(), found.end(), c) == found.end()) found.push_back(c);
  }
  return found;
}

}  // namespace

struct DisplayContent {
  std::map<std::string, PreparedPlay, std::less<>> prepared;  // by item id
  std::unique_ptr<Schedule> schedule;                         // Play::item points into it

  DisplayContent(const Programme& programme, const DisplayConfig& display,
                 const TextRenderer& renderer, const Light& light) {
    for (const Item* item : items_for(programme, display)) {
      // One item the renderer refuses is left out and reported; the others still play.
      try {
        auto [entry, added] = prepared.emplace(item->id, prepare(renderer, *item, display));
        entry->second.frames.set_light(light);
      } catch (const std::exception& error) {
        problems.push_back(item->where.file.string() + ":" + std::to_string(item->where.line) +
                           ":" + std::to_string(item->where.column) + ": error: item '" + item->id +
                           "' cannot be shown on " + display.name + ": " + error.what());
      }
    }
    // Items left out play for no time, and a Schedule leaves those out.
    schedule = std::make_unique<Schedule>(programme, display, [this](const Item& item) {
      const auto found = prepared.find(item.id);
      return found == prepared.end() ? PlayLength{} : found->second.length;
    });
  }
  std::vector<std::string> problems;
  const PreparedItem* frames_of(const Item* item) const {
    if (!item) return nullptr;
    const auto found = prepared.find(item->id);
    return found == prepared.end() ? nullptr : &found->second.frames;
  }
};

struct DisplayPlayer::State {
  DisplayConfig display;
  std::chrono::minutes utc_offset;
  IdleContent idle;
  std::string untimed_text;
  DisplayRenderer renderer;
  // Not const: the strips are re-lit when the brightness changes through the day.
  std::shared_ptr<DisplayContent> content;
  // The content the play on air came from: after a reload it may still be the old one.
  std::shared_ptr<DisplayContent> play_content;
  Light light;
  std::optional<Play> play;
  SystemClock::time_point last_drawn;
  std::optional<PreparedItem> idle_text;
  std::string clock_text;
  PreparedItem clock;
  Frame frame;

  State(const Programme& programme, const DisplayConfig& display_config)
      : display(display_config),
        utc_offset(programme.config.utc_offset),
        idle(programme.config.idle),
        renderer(PanelGeometry{display.width, display.height, display.pixel}, layout_of(display),
                 font_for(display),
                 RenderOptions{Light{display.gamma, 100}, glyphs_of(display.glyphs)},
                 programme.config.utc_offset),
        light{display.gamma, 100} {
    untimed_text = idle.kind == IdleContent::Kind::text ? idle.text : std::string();
    for (const Playlist& playlist : programme.playlists) {
      if (!untimed_text.empty()) break;
      untimed_text = !playlist.title.empty() ? playlist.title : playlist.name;
    }
    if (idle.kind == IdleContent::Kind::text)
      idle_text = renderer.content().still(idle.text, colour());
    content = std::make_shared<DisplayContent>(programme, display, renderer.content(), light);
  }

  Rgb colour() const {
    if (!display.zones.empty() && content_zone(display).colour)
      return *content_zone(display).colour;
    return display.colour.value_or(kWhite);
  }

  // Street boards dim at night: the strips on hand are converted again, no font work.
  void follow_light(SystemClock::time_point now) {
    const Light wanted = light_at(display, now, utc_offset);
    if (wanted == light) return;
    light = wanted;
    renderer.set_light(light);
    for (const auto& shared : {content, play_content}) {
      if (!shared) continue;
      for (auto& [id, prepared] : shared->prepared) prepared.frames.set_light(light);
    }
    if (idle_text) idle_text->set_light(light);
    clock.set_light(light);
  }

  void begin(const Play& next, std::vector<Change>* changes, bool ended_early) {
    if (changes) changes->push_back(Change{play, ended_early, next, play_content, content});
    play = next;
    play_content = content;
  }

  // Ends the play on air where it was last drawn and starts what the schedule has at `now`.
  void start_afresh(SystemClock::time_point now, std::vector<Change>* changes) {
    if (play) play->end = std::min(play->end, std::max(last_drawn, play->start));
    begin(content->schedule->at(now), changes, play.has_value());
  }

  const PreparedItem* idle_frames(SystemClock::time_point now) {
    if (idle_text) return &*idle_text;
    const std::string text = vietnamese_clock_text(now, utc_offset);
    if (text != clock_text) {
      clock = renderer.content().still(text, colour());
      clock.set_light(light);
      clock_text = text;
    }
    return &clock;
  }
};

DisplayPlayer::DisplayPlayer(const Programme& programme, const DisplayConfig& display)
    : state_(std::make_unique<State>(programme, display)) {}
DisplayPlayer::~DisplayPlayer() = default;
DisplayPlayer::DisplayPlayer(DisplayPlayer&&) noexcept = default;
DisplayPlayer& DisplayPlayer::operator=(DisplayPlayer&&) noexcept = default;

const DisplayConfig& DisplayPlayer::display() const { return state_->display; }
const std::vector<std::string>& DisplayPlayer::problems() const {
  return state_->content->problems;
}
int DisplayPlayer::brightness() const { return state_->light.brightness; }

std::optional<ScrollStrip> DisplayPlayer::scroll_strip() const {
  const State& s = *state_;
  if (!s.play || !s.play->item || s.display.zones.size() != 1) return std::nullopt;
  const PreparedItem* frames = s.play_content->frames_of(s.play->item);
  return frames ? frames->scroll_strip(s.last_drawn - s.play->start) : std::nullopt;
}

std::string DisplayPlayer::text_shown() const {
  const State& s = *state_;
  if (s.play && s.play->item) return s.play->item->text;
  return s.idle_text ? s.idle.text : s.clock_text;
}
const Play* DisplayPlayer::on_air() const { return state_->play ? &*state_->play : nullptr; }

Frame DisplayPlayer::frame_at(SystemClock::time_point now, std::vector<Change>* changes) {
  State& s = *state_;
  std::vector<Change> found;
  if (!s.play) {
    s.begin(s.content->schedule->at(now), &found, false);
  } else if (now < s.last_drawn || now - s.play->end > kLongestCatchUp) {
    s.start_afresh(now, &found);  // the clock jumped, or the loop stood still for long
  }
  while (now >= s.play->end) {
    const Play& ended = *s.play;
    s.begin(s.content->schedule->next(ended.cursor, ended.end), &found, ended.interrupted);
  }
  s.last_drawn = now;
  if (changes && !found.empty()) {
    Change change = std::move(found.front());
    if (found.size() > 1) {
      change.started = found.back().started;
      change.started_items = found.back().started_items;
    }
    changes->push_back(std::move(change));
  }
  s.follow_light(now);
  const PreparedItem* frames =
      s.play->item ? s.play_content->frames_of(s.play->item) : s.idle_frames(now);
  const auto elapsed = s.play->item ? now - s.play->start : nanoseconds(0);
  s.renderer.draw(s.frame, frames, elapsed, now);
  return s.frame;
}

void DisplayPlayer::resume(SystemClock::time_point now, std::vector<Change>* changes) {
  State& s = *state_;
  s.start_afresh(now, changes);
  s.last_drawn = now;
}

void DisplayPlayer::reload(const Programme& programme, SystemClock::time_point now,
                           std::vector<Change>* changes) {
  State& s = *state_;
  s.content = std::make_shared<DisplayContent>(programme, s.display, s.renderer.content(), s.light);
  if (!s.play || now >= s.play->end) return;  // the next frame moves on with the new schedule

  const Schedule& schedule = *s.content->schedule;
  const auto& items = schedule.items();
  const Item* on_air = s.play->item;
  if (!on_air) {
    // Idle gives way at once to what the new playlists bring, and waits for them otherwise.
    const Play next = schedule.next(s.play->cursor, now);
    if (next.item) {
      s.play->end = now;
      s.begin(next, changes, false);
    } else {
      s.play = next;
      s.play_content = s.content;
    }
    return;
  }
  const auto kept = std::find_if(items.begin(), items.end(), [&](const Item& item) {
    return item.id == on_air->id && item.text == on_air->text;
  });
  const Play instead = schedule.next(s.play->cursor_if_cut, now);
  const bool urgent_due = instead.item && instead.item->priority == Priority::urgent &&
                          on_air->priority != Priority::urgent;
  if (kept == items.end() || urgent_due) {
    // A removed or edited item is cut: the operator wants the change on the street now.
    s.play->end = now;
    s.begin(instead, changes, true);
    return;
  }
  // The item plays on from the old content; an urgent item arriving later still cuts in.
  if (const auto interrupt = schedule.next_interrupt(now, s.play->end)) {
    s.play->end = *interrupt;
    s.play->interrupted = true;
    s.play->cursor = s.play->cursor_if_cut;
  }
}

Frame DisplayPlayer::untimed_frame() {
  State& s = *state_;
  PreparedItem still = s.renderer.content().still(s.untimed_text, s.colour());
  still.set_light(s.light);
  return s.renderer.frame(&still, nanoseconds(0), SystemClock::time_point{});
}

RenderChecks render_checks() {
  // Renderers are kept per display while the checks live, so a programme of many items opens
  // each font once.
  auto renderers = std::make_shared<std::map<std::string, std::unique_ptr<TextRenderer>>>();
  const auto renderer_for = [renderers](const DisplayConfig& display) -> const TextRenderer& {
    auto& renderer = (*renderers)[display.name];
    if (!renderer) {
      const ZoneConfig* zone = display.zones.empty() ? nullptr : &content_zone(display);
      const PanelGeometry geometry =
          zone ? geometry_of(display, zone->rect)
               : PanelGeometry{display.width, display.height, display.pixel};
      const std::filesystem::path font =
          zone && !zone->font.empty() ? std::filesystem::path(zone->font) : font_for(display);
      renderer = std::make_unique<TextRenderer>(
          geometry, font, RenderOptions{Light{display.gamma, 100}, glyphs_of(display.glyphs)});
    }
    return *renderer;
  };
  RenderChecks checks;
  checks.missing_glyphs = [renderer_for](const DisplayConfig& display, std::string_view text) {
    // Message displays that draw their own font know ASCII only: the rest is folded (ộ -> o).
    if (display.link.rfind("modbus-text-", 0) == 0) return non_ascii_characters(text);
    try {
      return renderer_for(display).missing_glyphs(text);
    } catch (const std::exception&) {
      return std::vector<char32_t>{};  // an unusable font is reported when the display starts
    }
  };
  checks.play_length = [renderer_for](const Item& item, const DisplayConfig& display) {
    try {
      return prepare(renderer_for(display), item, display).length;
    } catch (const std::exception&) {
      return PlayLength{};
    }
  };
  return checks;
}

}  // namespace bangtin
