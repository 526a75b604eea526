#include <utf8proc.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <list>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "bangtin/controller.hpp"
#include "bangtin/latest_value_worker.hpp"

namespace bangtin {

namespace {

using std::chrono::nanoseconds;

// A daemon that was stopped (or a loop that stalled) longer than this does not walk through
// every play it missed: it picks the schedule up where it stands now.
constexpr auto kLongestCatchUp = std::chrono::minutes(10);

const ZoneConfig& content_zone(const DisplayConfig& display) {
  for (const ZoneConfig& zone : display.zones)
    if (zone.role == ZoneRole::content) return zone;
  throw std::invalid_argument("display " + display.name + " has no content zone");
}

PanelGeometry geometry_of(const DisplayConfig& display, const Rect& rect) {
  return PanelGeometry{rect.width, rect.height, display.pixel};
}

// The display's font, or the face that suits its content zone best.
std::filesystem::path font_for(const DisplayConfig& display) {
  if (!display.font.empty()) return display.font;
  return display.zones.empty()
             ? default_font(display.geometry(), display.glyphs)
             : default_font(geometry_of(display, content_zone(display).rect), display.glyphs);
}

constexpr Rgb kWhite{255, 255, 255};

Layout layout_of(const DisplayConfig& display) {
  const PanelGeometry panel{display.width, display.height, display.pixel};
  if (display.zones.empty()) return Layout::single(panel);
  Layout layout;
  for (const ZoneConfig& zone : display.zones) {
    TextStyle style{TextEffect::still};
    style.colour = zone.colour.value_or(display.colour.value_or(kWhite));
    layout.zones.push_back(Zone{zone.rect, zone.role, zone.text, style, zone.font});
  }
  return layout;
}

// The text colour of the content zone: its own, else the display's.
Rgb content_colour(const DisplayConfig& display) {
  if (!display.zones.empty() && content_zone(display).colour) return *content_zone(display).colour;
  return display.colour.value_or(kWhite);
}

// An item's colour: its own, else its zone's, else the display's.
Rgb colour_of(const Item& item, const DisplayConfig& display) {
  return item.colour ? *item.colour : content_colour(display);
}

Light light_at(const DisplayConfig& display, SystemClock::time_point now,
               std::chrono::minutes utc_offset) {
  using namespace std::chrono;
  const auto local = now + utc_offset;
  const auto time_of_day = floor<minutes>(local - floor<days>(local));
  return Light{display.gamma, brightness_at(display, time_of_day)};
}

// The item as the renderer is to play it on the display; how long that takes is the renderer's
// to work out, from its passes or its duration.
TextStyle style_of(const Item& item, const DisplayConfig& display) {
  TextStyle style;
  style.effect = item.effect;
  style.colour = colour_of(item, display);
  style.speed = even_scroll_speed(item.speed, display.fps);
  style.passes = item.passes;
  style.duration = item.duration;
  style.media = item.media;
  return style;
}

// How long the item plays on the display, worked out without rasterizing it.
PlayLength measure(const TextRenderer& renderer, const Item& item, const DisplayConfig& display) {
  const MediaKind media = item.media.kind;
  if (media != MediaKind::none && display.link.rfind("modbus-text-", 0) == 0)
    throw std::runtime_error(
        "a message display draws text it is sent, in its own font; it shows no "
        "pictures, QR codes, videos or documents");
  if ((media == MediaKind::video || media == MediaKind::document) &&
      display.output != DisplayOutput::window) {
    throw std::runtime_error(
        std::string(media == MediaKind::video ? "a video plays" : "a document's pages play") +
        " on window displays (lobby screens) only; an LED board would show it too small and too "
        "slowly to read or watch");
  }
  const PlayTiming timing = renderer.measure(item.text, style_of(item, display));
  return PlayLength{timing.duration, timing.pass};
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

GlyphStyle resolved_glyphs(const DisplayConfig& display) {
  const GlyphStyle style = display.glyphs;
  if (style != GlyphStyle::automatic) return style;
  return display.pixel == PixelFormat::mono ? GlyphStyle::crisp : GlyphStyle::smooth;
}

// "display 'bang-nho'", or "the title zone 'tieu-de' of display 'sanh-ubnd'" in a split display.
std::string zone_description(const DisplayConfig& display, const ZoneConfig& zone) {
  if (display.zones.size() == 1 && zone.rect == Rect{0, 0, display.width, display.height})
    return "display '" + display.name + "'";
  const char* role = zone.role == ZoneRole::title   ? "title"
                     : zone.role == ZoneRole::clock ? "clock"
                                                    : "content";
  return std::string("the ") + role + " zone" + (zone.name.empty() ? "" : " '" + zone.name + "'") +
         " of display '" + display.name + "'";
}

std::filesystem::path font_of(const DisplayConfig& display, const ZoneConfig& zone) {
  return zone.font.empty() ? font_for(display) : std::filesystem::path(zone.font);
}

// What lets a zone draw text of `rows_needed` rows: more rows, or the other glyph style when
// that needs no more than the zone has.
std::string fit_advice(const DisplayConfig& display, const ZoneConfig& zone, std::string_view text,
                       int rows_needed) {
  std::string advice = "make it at least " + std::to_string(rows_needed) + " pixels high";
  const GlyphStyle other =
      resolved_glyphs(display) == GlyphStyle::crisp ? GlyphStyle::smooth : GlyphStyle::crisp;
  try {
    const TextRenderer alternative(geometry_of(display, zone.rect), font_of(display, zone),
                                   RenderOptions{Light{}, other});
    const int rows = alternative.rows_needed(text);
    if (rows <= zone.rect.height) {
      advice += std::string(", or set 'glyphs: ") +
                (other == GlyphStyle::crisp ? "crisp" : "smooth") + "', which needs " +
                std::to_string(rows);
    }
  } catch (const std::exception&) {
    // The font itself cannot be opened: that is the problem reported, not the zone's height.
  }
  return advice;
}

// "is 8 pixels high; its font DejaVuSans.ttf needs at least 9 rows to draw WHAT whole"
std::string too_low(const DisplayConfig& display, const ZoneConfig& zone, int rows_needed,
                    std::string_view what) {
  return zone_description(display, zone) + " is " + std::to_string(zone.rect.height) +
         " pixels high; its font " + font_of(display, zone).filename().string() +
         " needs at least " + std::to_string(rows_needed) + " rows to draw " + std::string(what) +
         " whole";
}

Diagnostic error_at(const SourceMark& where, std::string message) {
  return Diagnostic{where, Severity::error, std::move(message)};
}

std::string item_problem_text(const Item& item, const DisplayConfig& display,
                              const std::exception& error) {
  return "item '" + item.id + "' cannot be drawn on display '" + display.name +
         "' and is left out there: " + error.what();
}

// The display's zones as the renderer can draw them, set up once. The player draws with it and
// render_checks() sets up the same for `bangtin validate`: what validate calls an error is
// exactly what the board would go without.
struct DisplayDrawing {
  // Nothing when not even the content zone could be set up (its font cannot be opened): the
  // board then gets dark frames.
  std::optional<DisplayRenderer> renderer;
  bool content_draws = false;  // the content zone is high enough for a line of text
  std::vector<Diagnostic> problems;

  DisplayDrawing(const DisplayConfig& display, std::chrono::minutes utc_offset) {
    try {
      renderer.emplace(display.geometry(), layout_of(display), font_for(display),
                       RenderOptions{Light{display.gamma, 100}, display.glyphs}, utc_offset);
    } catch (const std::exception& error) {
      problems.push_back(error_at(
          display.where,
          "display '" + display.name + "' cannot be drawn, so it stays dark: " + error.what()));
      return;
    }
    for (const ZoneProblem& problem : renderer->problems()) {
      const ZoneConfig& zone = display.zones.at(problem.zone);
      const bool title = zone.role == ZoneRole::title;
      problems.push_back(error_at(
          zone.where,
          problem.rows_needed > 0
              ? too_low(display, zone, problem.rows_needed, title ? "its text" : "the clock") +
                    ", so it stays dark (" +
                    fit_advice(display, zone, title ? zone.text : vietnamese_clock_characters(),
                               problem.rows_needed) +
                    ")"
              : zone_description(display, zone) +
                    " cannot be drawn, so it stays dark: " + problem.message));
    }
    const ZoneConfig& zone = content_zone(display);
    const int rows_needed = renderer->content().rows_needed();
    content_draws = rows_needed <= zone.rect.height;
    if (!content_draws) {
      problems.push_back(error_at(
          zone.where, too_low(display, zone, rows_needed, "Vietnamese marks") +
                          ", so no item and no idle content can be drawn there and it stays "
                          "dark (" +
                          fit_advice(display, zone, {}, rows_needed) + ")"));
    }
  }
  // Prepares the display's items and idle content; nothing when the content zone draws no text.
  const TextRenderer* content() const { return content_draws ? &renderer->content() : nullptr; }
};

// What the content zone shows when nothing plays: the idle text, else the clock, else nothing.
struct IdleDrawing {
  std::optional<PreparedItem> text;
  bool clock = false;
  std::vector<Diagnostic> problems;

  IdleDrawing(const DisplayDrawing& drawing, const DisplayConfig& display,
              const IdleContent& idle) {
    const TextRenderer* content = drawing.content();
    if (!content) return;      // the display's own problem says it stays dark
    std::string text_refused;  // why, reported below once it is known what shows instead
    if (idle.kind == IdleContent::Kind::text) {
      try {
        text = content->still(idle.text, content_colour(display));
        return;
      } catch (const std::exception& error) {
        text_refused = error.what();
      }
    }
    const std::string clock_characters = vietnamese_clock_characters();
    const int rows_needed = content->rows_needed(clock_characters);
    clock = rows_needed <= content->panel().height;
    const std::string dark = "the content zone stays dark when nothing plays";
    if (idle.kind == IdleContent::Kind::text) {
      problems.push_back(
          error_at(idle.text_where, "the idle text cannot be drawn on display '" + display.name +
                                        "' (" + text_refused + "); " +
                                        (clock ? "the idle clock shows instead" : dark)));
    } else if (!clock) {
      const ZoneConfig& zone = content_zone(display);
      problems.push_back(error_at(
          zone.where, too_low(display, zone, rows_needed, "the idle clock") + ", so " + dark +
                          " (" + fit_advice(display, zone, clock_characters, rows_needed) + ")"));
    }
  }

  std::string description() const {
    return text ? "the idle text" : clock ? "the idle clock" : "a dark content zone";
  }
};

// What decides how an item plays on a board, and so what it looks like: its text, its style (the
// display's colour and frame rate folded in) and the board's model (zone size, pixel format, font
// and glyph style). Boards of one model share what is measured or drawn for one key.
std::string play_key(const TextRenderer& renderer, const Item& item, const DisplayConfig& display) {
  const TextStyle style = style_of(item, display);
  const PanelGeometry& zone = renderer.panel();
  std::string key = renderer.font_file().string();
  key.reserve(key.size() + 96 + item.text.size());
  for (const double number :
       {static_cast<double>(resolved_glyphs(display)), static_cast<double>(zone.width),
        static_cast<double>(zone.height), static_cast<double>(zone.format),
        static_cast<double>(style.effect), style.speed, static_cast<double>(style.passes),
        style.duration ? static_cast<double>(style.duration->count()) : -1.0,
        static_cast<double>(style.size), static_cast<double>(style.colour.r),
        static_cast<double>(style.colour.g), static_cast<double>(style.colour.b)}) {
    char digits[32];
    const auto written = std::to_chars(digits, digits + sizeof digits, number);
    key += ' ';
    key.append(digits, written.ptr);
  }
  key += '\n';
  key += item.text;
  // A video's clip decodes for the board it plays on: boards out of step would pull one decoder
  // back and forth.
  if (item.media.kind == MediaKind::video) key += "\nvideo on " + display.name;
  if (item.media.kind != MediaKind::none) {
    // The file as stamped: a picture replaced on disk is drawn anew.
    const Media& media = item.media;
    key += '\n';
    for (const long long number :
         {static_cast<long long>(media.kind), static_cast<long long>(media.fit),
          static_cast<long long>(media.side), static_cast<long long>(media.qr_level),
          static_cast<long long>(media.stamp.bytes),
          static_cast<long long>(media.stamp.modified_ns)}) {
      key += std::to_string(number);
      key += ' ';
    }
    key += media.file.string();
    key += '\n';
    key += media.qr_text;
  }
  return key;
}

}  // namespace

// How long items play, measured without drawing them (TextRenderer::measure) and remembered by
// play_key: boards of one model measure a text once, and a reload measures only the texts it
// has not seen. Entries no programme used since the one before are dropped, so the memory follows
// the programme, not its history. One thread at a time.
class PlayMeasures {
 public:
  struct Measured {
    PlayLength length;
    std::optional<std::string> error;  // why the renderer refuses the item
  };

  const Measured& of(const TextRenderer& renderer, const Item& item, const DisplayConfig& display) {
    std::string key = play_key(renderer, item, display);
    if (const auto found = current_.find(key); found != current_.end()) return found->second;
    if (const auto kept = previous_.find(key); kept != previous_.end()) {
      return current_.emplace(std::move(key), std::move(kept->second)).first->second;
    }
    Measured measured;
    try {
      measured.length = measure(renderer, item, display);
    } catch (const std::exception& error) {
      measured.error = error.what();
    }
    return current_.emplace(std::move(key), std::move(measured)).first->second;
  }

  // A new programme is coming: what the last one used stays at hand for it, the rest goes.
  void next_programme() {
    previous_ = std::move(current_);
    current_.clear();
  }

 private:
  std::unordered_map<std::string, Measured> current_;
  std::unordered_map<std::string, Measured> previous_;
};

// The items drawn for the displays of one daemon, found by play_key and light: boards of one
// model showing the same item draw it once and hold its pixels once. It only refers to them: each
// display keeps what may play on it again (PreparedStrips, within the display's memory), and an
// item goes when the last display lets go of it. An item is never changed once made: a display
// whose light changes (each has its brightness schedule) takes the item in its new light, made
// once from the coverage they share (PreparedItem::lit), and the other displays show on what
// they have. Any thread: the loop, each display's StripsAhead, the disk thread.
class DrawnItems {
 public:
  using Draw = std::function<PreparedItem()>;

  // The item for `key` in `light`, when a display holds it.
  std::shared_ptr<const PreparedItem> find(const std::string& key, const Light& light) {
    const std::lock_guard lock(mutex_);
    const auto versions = items_.find(key);
    if (versions == items_.end()) return nullptr;
    for (const Version& version : versions->second)
      if (version.light == light) return version.item.lock();
    return nullptr;
  }

  // The item for `key` in `light`: the one a display holds, else converted from one in another
  // light, else drawn by `draw` (in `light`). However many displays ask for it at once, it is
  // made once: the others wait for it. Throws what `draw` throws.
  std::shared_ptr<const PreparedItem> obtain(const std::string& key, const Light& light,
                                             const Draw& draw) {
    return held_or_made(key, light, draw, nullptr);
  }

  // `item` (drawn for `key`) in `light`: the one a display holds, else converted from `item`.
  std::shared_ptr<const PreparedItem> relit(const std::string& key, const Light& light,
                                            const PreparedItem& item) {
    return held_or_made(key, light, nullptr, &item);
  }

  DrawingCount count() const {
    const std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  struct Version {
    Light light;
    std::weak_ptr<const PreparedItem> item;
    // Being made by one caller of held_or_made(), whom the others wait for. Set and cleared within
    // that call, so a wish a display dropped before drawing it leaves no mark behind.
    bool in_flight = false;
  };
  using Versions = std::vector<Version>;

  static Versions::iterator in_light(Versions& versions, const Light& light) {
    return std::find_if(versions.begin(), versions.end(),
                        [&](const Version& version) { return version.light == light; });
  }

  std::shared_ptr<const PreparedItem> held_or_made(const std::string& key, const Light& light,
                                                   const Draw& draw,
                                                   const PreparedItem* other_light) {
    std::shared_ptr<const PreparedItem> convert_from;
    {
      std::unique_lock lock(mutex_);
      for (;;) {
        Versions& versions = items_[key];
        const auto wanted = in_light(versions, light);
        if (wanted != versions.end()) {
          if (std::shared_ptr<const PreparedItem> item = wanted->item.lock()) return item;
          if (wanted->in_flight) {
            made_.wait(lock);
            continue;  // `versions` may have moved meanwhile
          }
          wanted->in_flight = true;
        } else {
          versions.push_back(Version{light, {}, true});
        }
        for (const Version& version : versions)
          if ((convert_from = version.item.lock())) break;
        break;
      }
    }
    std::shared_ptr<const PreparedItem> made;
    try {
      const PreparedItem* from = convert_from ? convert_from.get() : other_light;
      made = std::make_shared<const PreparedItem>(from ? from->lit(light) : draw());
    } catch (...) {
      settle(key, light, nullptr, false);
      throw;
    }
    settle(key, light, made, convert_from || other_light);
    return made;
  }

  void settle(const std::string& key, const Light& light,
              const std::shared_ptr<const PreparedItem>& made, bool converted) {
    const std::lock_guard lock(mutex_);
    Versions& versions = items_[key];
    const auto wanted = in_light(versions, light);  // there: only its maker clears in_flight
    wanted->item = made;
    wanted->in_flight = false;
    if (made) ++(converted ? count_.relit : count_.drawn);
    if (items_.size() > 2 * size_after_sweep_ + 256) sweep();
    made_.notify_all();
  }

  // Forgets the items no display holds any more, now and then: keys of all the texts ever shown
  // would otherwise pile up.
  void sweep() {
    for (auto entry = items_.begin(); entry != items_.end();) {
      Versions& versions = entry->second;
      std::erase_if(versions, [](const Version& version) {
        return !version.in_flight && version.item.expired();
      });
      entry = versions.empty() ? items_.erase(entry) : std::next(entry);
    }
    size_after_sweep_ = items_.size();
  }

  mutable std::mutex mutex_;
  std::condition_variable made_;
  std::unordered_map<std::string, Versions> items_;  // by play_key
  std::size_t size_after_sweep_ = 0;
  DrawingCount count_;
};

struct DisplayContent {
  std::unique_ptr<Schedule> schedule;  // Play::item points into it
  // Where the display finds what it draws, shared with the displays planned with it.
  std::shared_ptr<DrawnItems> drawn;
  std::vector<Diagnostic> problems;
  std::string note;  // when every item is left out: what the display shows instead

  DisplayContent(const std::shared_ptr<const Programme>& programme, const DisplayConfig& display,
                 const DisplayDrawing& drawing, const IdleDrawing& idle, PlayMeasures& measures,
                 std::shared_ptr<DrawnItems> drawn_items)
      : drawn(std::move(drawn_items)) {
    std::vector<const Item*> items = items_for(*programme, display);
    // A content zone too low for any text is the display's problem, reported once.
    const TextRenderer* renderer = drawing.content();
    if (!renderer) items.clear();
    std::map<std::string, PlayLength, std::less<>> lengths;  // by item id
    for (const Item* item : items) {
      // One item the renderer refuses is left out and reported; the others still play.
      const PlayMeasures::Measured& measured = measures.of(*renderer, *item, display);
      if (measured.error) {
        // At the same place as `bangtin validate` puts it (see check_item).
        problems.push_back(
            error_at(item->media.kind == MediaKind::none ? item->where : item->media_where,
                     item_problem_text(*item, display, std::runtime_error(*measured.error))));
      } else {
        lengths.emplace(item->id, measured.length);
      }
    }
    if (!items.empty() && lengths.empty()) {
      note = "display '" + display.name + "' shows " + idle.description() + ": none of its " +
             std::to_string(items.size()) + " item(s) can be drawn";
    }
    // Items left out play for no time, and a Schedule leaves those out.
    schedule = std::make_unique<Schedule>(programme, display, [&lengths](const Item& item) {
      const auto found = lengths.find(item.id);
      return found == lengths.end() ? PlayLength{} : found->second;
    });
  }
};

namespace {

// Items drawn for a display, kept while they are likely to play again, within a budget: the
// least recently shown go first. The item on air is held by the player, so it is never freed
// under it.
class PreparedStrips {
 public:
  explicit PreparedStrips(std::size_t budget_bytes) : budget_(budget_bytes) {}

  // Without counting as a use.
  const PreparedItem* peek(const std::string& key) const {
    const auto found = index_.find(key);
    return found == index_.end() ? nullptr : found->second->item.get();
  }

  std::shared_ptr<const PreparedItem> find(const std::string& key) {
    const auto found = index_.find(key);
    if (found == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, found->second);  // most recently used first
    return found->second->item;
  }

  void add(const std::string& key, std::shared_ptr<const PreparedItem> item) {
    const std::size_t bytes = item->bytes();
    order_.push_front(Entry{key, std::move(item), bytes});
    index_[key] = order_.begin();
    held_ += bytes;
    while (held_ > budget_ && order_.size() > 1) {
      held_ -= order_.back().bytes;
      index_.erase(order_.back().key);
      order_.pop_back();
    }
  }

  // Each item replaced by what `instead(key, item)` gives for it, in the same place.
  template <typename Instead>
  void replace_each(const Instead& instead) {
    held_ = 0;
    for (Entry& entry : order_) {
      entry.item = instead(entry.key, *entry.item);
      entry.bytes = entry.item->bytes();
      held_ += entry.bytes;
    }
  }

  std::size_t items() const { return order_.size(); }
  // Counts every item kept, also those other displays show too and hold with it (DrawnItems):
  // what this display's memory holds, which is not what it adds to the daemon's.
  std::size_t bytes() const { return held_; }
  std::size_t budget() const { return budget_; }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const PreparedItem> item;
    std::size_t bytes = 0;
  };
  std::size_t budget_;
  std::size_t held_ = 0;
  std::list<Entry> order_;
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

PreparedItem drawn_in_light(const TextRenderer& renderer, std::string_view text,
                            const TextStyle& style, const Light& light) {
  PreparedItem item = renderer.prepare(text, style);
  item.set_light(light);
  return item;
}

// Draws the item that plays next while the one on air plays, on a thread of its own with a
// renderer of its own, so that a change of item finds its strip ready and the loop feeding the
// boards never waits for a font (a full-HD page takes a good part of a second). Only the latest
// wish is drawn: a schedule that moved on has no use for the one before.
class StripsAhead {
 public:
  struct Drawn {
    std::string key;
    Light light;
    std::shared_ptr<const PreparedItem> item;  // nothing: the renderer refused it
    std::string error;                         // then: why
  };

  explicit StripsAhead(const TextRenderer& model)
      : renderer_(model.twin()), worker_([this](Worker::Inbox& inbox) { run(inbox); }) {}

  // Another display's StripsAhead drawing the same item at the same time draws it alone: this
  // one waits for it (DrawnItems::obtain).
  void ask(std::string key, std::string text, TextStyle style, Light light,
           std::shared_ptr<DrawnItems> drawn_items) {
    worker_.submit(Wish{std::move(key), std::move(text), style, light, std::move(drawn_items)});
  }

  std::optional<Drawn> take() {
    const std::lock_guard lock(drawn_mutex_);
    return std::exchange(drawn_, std::nullopt);
  }

 private:
  struct Wish {
    std::string key;
    std::string text;
    TextStyle style;
    Light light;
    std::shared_ptr<DrawnItems> drawn_items;
  };
  using Worker = LatestValueWorker<Wish>;

  void run(Worker::Inbox& inbox) {
    while (std::optional<Wish> wish = inbox.wait()) {
      if (inbox.stopping()) return;
      Drawn drawn{std::move(wish->key), wish->light, nullptr, {}};
      try {
        drawn.item = wish->drawn_items->obtain(drawn.key, wish->light, [&] {
          return drawn_in_light(renderer_, wish->text, wish->style, wish->light);
        });
      } catch (const std::exception& error) {
        // Measured without fault, so not expected: a media file replaced or removed since, a
        // document page Poppler cannot draw, memory. The player says so once.
        drawn.error = error.what();
      }
      const std::lock_guard lock(drawn_mutex_);
      drawn_ = std::move(drawn);
    }
  }

  TextRenderer renderer_;  // the worker thread's alone
  std::mutex drawn_mutex_;
  std::optional<Drawn> drawn_;
  Worker worker_;  // last: its thread uses everything above
};

}  // namespace

// The display's drawing set up once, and what its items' lengths are measured with.
struct DisplaySetUp {
  DisplayDrawing drawing;
  IdleDrawing idle;

  DisplaySetUp(const Programme& programme, const DisplayConfig& display)
      : drawing(display, programme.config.utc_offset),
        idle(drawing, display, programme.config.idle) {}
};

struct ContentPlanner::Impl {
  std::map<std::string, std::unique_ptr<DisplaySetUp>> set_ups;  // by display name
  PlayMeasures measures;
  std::shared_ptr<DrawnItems> drawn = std::make_shared<DrawnItems>();
};

ContentPlanner::ContentPlanner() : impl_(std::make_unique<Impl>()) {}
ContentPlanner::~ContentPlanner() = default;

void ContentPlanner::next_programme() { impl_->measures.next_programme(); }

std::shared_ptr<const DisplayContent> ContentPlanner::plan(
    const std::shared_ptr<const Programme>& programme, const DisplayConfig& display) {
  auto& set_up = impl_->set_ups[display.name];
  if (!set_up) set_up = std::make_unique<DisplaySetUp>(*programme, display);
  return std::make_shared<const DisplayContent>(programme, display, set_up->drawing, set_up->idle,
                                                impl_->measures, impl_->drawn);
}

DrawingCount ContentPlanner::drawings() const { return impl_->drawn->count(); }

struct DisplayPlayer::State {
  DisplayConfig display;
  std::chrono::minutes utc_offset;
  std::string untimed_text;
  DisplaySetUp set_up;
  DisplayDrawing& drawing = set_up.drawing;
  IdleDrawing& idle = set_up.idle;
  PlayMeasures measures;
  std::shared_ptr<const DisplayContent> content;
  // The content the play on air came from: after a reload it may still be the old one.
  std::shared_ptr<const DisplayContent> play_content;
  PreparedStrips strips{display.memory_bytes};
  std::shared_ptr<const PreparedItem> play_frames;  // the play on air, drawn when first shown
  std::string play_frames_key;
  bool draws_ahead = false;
  std::unique_ptr<StripsAhead> ahead;        // started with the first item drawn
  bool looked_ahead = false;                 // for the play on air
  std::string asked_for;                     // the play on air's key, asked of the drawing thread
  bool waiting_for_drawing = false;          // this frame: the play on air is being drawn
  PreparedItem::VideoCounts video_at_start;  // the clip's counts when the play on air began
  PreparedItem::VideoCounts ended_video;     // frames of the last video play that ended
  std::string draw_failure;                  // why the play on air cannot be drawn, until said
  std::string next_key;                      // of the play after it, when known
  Light light;
  std::optional<Play> play;
  SystemClock::time_point last_drawn;
  std::string clock_text;
  PreparedItem clock;
  Frame frame;

  State(const Programme& programme, const DisplayConfig& display_config,
        std::shared_ptr<const DisplayContent> planned)
      : display(display_config),
        utc_offset(programme.config.utc_offset),
        set_up(programme, display),
        light{display.gamma, 100} {
    const IdleContent& idle_content = programme.config.idle;
    untimed_text = idle_content.kind == IdleContent::Kind::text ? idle_content.text : std::string();
    for (const Playlist& playlist : programme.playlists) {
      if (!untimed_text.empty()) break;
      untimed_text = !playlist.title.empty() ? playlist.title : playlist.name;
    }
    if (idle.text) clock_text = idle_content.text;
    content = planned ? std::move(planned) : plan_alone(programme);
  }

  // Content the player plans itself. It draws where it drew before (with the displays a planner
  // planned it with), else in DrawnItems of its own.
  std::shared_ptr<const DisplayContent> plan_alone(const Programme& programme) {
    return std::make_shared<const DisplayContent>(
        std::make_shared<const Programme>(programme), display, drawing, idle, measures,
        content ? content->drawn : std::make_shared<DrawnItems>());
  }

  DrawnItems& drawn_items() const { return *content->drawn; }

  // Street boards dim at night: the strips on hand are converted again, no font work.
  void follow_light(SystemClock::time_point now) {
    const Light wanted = light_at(display, now, utc_offset);
    if (wanted == light) return;
    light = wanted;
    if (drawing.renderer) drawing.renderer->set_light(light);
    // Other displays may show these very items in their own light: they are left alone, and
    // this display takes them in its new light, converted once for all displays that change.
    const auto in_new_light = [this](const std::string& key, const PreparedItem& item) {
      return drawn_items().relit(key, light, item);
    };
    strips.replace_each(in_new_light);
    if (play_frames) play_frames = in_new_light(play_frames_key, *play_frames);
    if (idle.text) idle.text->set_light(light);
    clock.set_light(light);
  }

  void begin(Play next, std::vector<Change>* changes, bool ended_early) {
    if (play_frames && play_frames->frame_rate() > 0) {
      const PreparedItem::VideoCounts now = play_frames->video_counts();
      ended_video = PreparedItem::VideoCounts{now.decoded - video_at_start.decoded,
                                              now.shown - video_at_start.shown,
                                              now.late - video_at_start.late};
    }
    if (changes)
      changes->push_back(Change{std::move(play), ended_early, next, play_content, content});
    play = std::move(next);
    play_content = content;
    play_frames.reset();
    play_frames_key.clear();
    looked_ahead = false;
    next_key.clear();
    asked_for.clear();
  }

  // Ends the play on air where it was last drawn and starts what the schedule has at `now`.
  void start_afresh(SystemClock::time_point now, std::vector<Change>* changes) {
    if (play) play->end = std::min(play->end, std::max(last_drawn, play->start));
    begin(content->schedule->at(now), changes, play.has_value());
  }

  // Moves the schedule on to `now`; changes as frame_at() gives them.
  void advance(SystemClock::time_point now, std::vector<Change>* changes) {
    std::vector<Change> found;
    if (!play) {
      begin(content->schedule->at(now), &found, false);
    } else if (now < last_drawn || now - play->end > kLongestCatchUp) {
      start_afresh(now, &found);  // the clock jumped, or the loop stood still for long
    }
    while (now >= play->end) {
      begin(content->schedule->next(play->cursor, play->end), &found, play->interrupted);
    }
    last_drawn = now;
    if (changes && !found.empty()) {
      Change change = std::move(found.front());
      if (found.size() > 1) {
        change.started = found.back().started;
        change.started_items = found.back().started_items;
      }
      changes->push_back(std::move(change));
    }
  }

  // The play on air as drawn for the display: from the strips on hand (drawn ahead, or kept from
  // an earlier play). A daemon's player never draws on its own thread, which feeds every board:
  // an item not drawn yet (at start-up, after a cut, or a PDF or photo that takes a while) is
  // asked of the drawing thread and the zone stays dark until it is there. A one-off render draws
  // it there and then. Nothing when it cannot be drawn (the zone stays dark).
  const PreparedItem* play_item_frames() {
    const TextRenderer* renderer = drawing.content();
    if (!play || !play->item || !renderer) return nullptr;
    keep_drawn_ahead();
    if (!play_frames) {
      std::string key = play_key(*renderer, *play->item, display);
      play_frames = strips.find(key);
      if (!play_frames && draws_ahead) {
        play_frames = drawn_items().find(key, light);  // another board of this model drew it
        if (!play_frames) {
          if (asked_for != key) {
            if (!ahead) ahead = std::make_unique<StripsAhead>(*renderer);
            ahead->ask(key, play->item->text, style_of(*play->item, display), light,
                       content->drawn);
            asked_for = key;
          }
          waiting_for_drawing = true;
          return nullptr;
        }
        strips.add(key, play_frames);
      }
      if (!play_frames) {
        try {
          play_frames = drawn_items().obtain(key, light, [&] {
            return drawn_in_light(*renderer, play->item->text, style_of(*play->item, display),
                                  light);
          });
        } catch (const std::exception& error) {
          draw_failure = item_problem_text(*play->item, display, error);
          return nullptr;  // measured without fault, so not expected; the play stays dark
        }
        strips.add(key, play_frames);
      }
      play_frames_key = std::move(key);
      video_at_start = play_frames->video_counts();  // a clip kept from before counts on
    }
    if (draws_ahead && !looked_ahead) look_ahead(*renderer);
    return play_frames.get();
  }

  void keep_drawn_ahead() {
    if (!ahead) return;
    std::optional<StripsAhead::Drawn> drawn = ahead->take();
    if (!drawn) return;
    if (!drawn->item) {
      // Asked for the play on air, and it cannot be drawn: said once, and not asked again.
      if (drawn->key == asked_for && play && play->item)
        draw_failure = item_problem_text(*play->item, display, std::runtime_error(drawn->error));
      return;
    }
    if (drawn->light != light) {  // the light changed meanwhile
      drawn->item = drawn_items().relit(drawn->key, light, *drawn->item);
    }
    strips.add(drawn->key, std::move(drawn->item));
  }

  // Asks for the play after this one to be drawn, unless it is on hand already.
  void look_ahead(const TextRenderer& renderer) {
    looked_ahead = true;
    const Play next = play_content->schedule->next(play->cursor, play->end);
    if (!next.item) return;
    next_key = play_key(renderer, *next.item, display);
    if (const auto kept = strips.find(next_key)) {
      // A video played before stands where it ended: its decoder goes back to the start now,
      // not when the play begins. (Pointing it at 0 without waiting.)
      if (next_key != play_frames_key)
        kept->wait_ready(nanoseconds(0), std::chrono::milliseconds(0));
      return;
    }
    // A display of the same model ahead of this one may have drawn it already.
    if (std::shared_ptr<const PreparedItem> drawn = drawn_items().find(next_key, light)) {
      strips.add(next_key, std::move(drawn));
      return;
    }
    if (!ahead) ahead = std::make_unique<StripsAhead>(renderer);
    ahead->ask(next_key, next.item->text, style_of(*next.item, display), light, content->drawn);
  }

  // Nothing when the content zone can draw neither the idle text nor the clock: it stays dark.
  const PreparedItem* idle_frames(SystemClock::time_point now) {
    if (idle.text) return &*idle.text;
    if (!idle.clock) {
      clock_text = vietnamese_clock_text(now, utc_offset);  // a text display still shows it
      return nullptr;
    }
    const std::string text = vietnamese_clock_text(now, utc_offset);
    if (text != clock_text) {
      clock = drawing.content()->still(text, content_colour(display));
      clock.set_light(light);
      clock_text = text;
    }
    return &clock;
  }

  void draw(const PreparedItem* item, nanoseconds elapsed, SystemClock::time_point now) {
    if (drawing.renderer) {
      drawing.renderer->draw(frame, item, elapsed, now);
    } else if (frame.width != display.width || frame.height != display.height) {
      frame = Frame::blank(display.width, display.height, display.pixel);
    }
  }
};

DisplayPlayer::DisplayPlayer(const Programme& programme, const DisplayConfig& display,
                             std::shared_ptr<const DisplayContent> planned)
    : state_(std::make_unique<State>(programme, display, std::move(planned))) {}
DisplayPlayer::~DisplayPlayer() = default;
DisplayPlayer::DisplayPlayer(DisplayPlayer&&) noexcept = default;
DisplayPlayer& DisplayPlayer::operator=(DisplayPlayer&&) noexcept = default;

const DisplayConfig& DisplayPlayer::display() const { return state_->display; }
std::vector<std::string> DisplayPlayer::problems() const {
  const State& s = *state_;
  std::vector<std::string> lines;
  for (const std::vector<Diagnostic>* diagnostics :
       {&std::as_const(s.drawing.problems), &std::as_const(s.idle.problems), &s.content->problems})
    for (const Diagnostic& diagnostic : *diagnostics) lines.push_back(diagnostic.to_string());
  if (!s.content->note.empty()) lines.push_back(s.content->note);
  return lines;
}
int DisplayPlayer::brightness() const { return state_->light.brightness; }

std::optional<ScrollStrip> DisplayPlayer::scroll_strip() const {
  const State& s = *state_;
  if (!s.play || !s.play->item || s.display.zones.size() != 1 || !s.play_frames)
    return std::nullopt;
  return s.play_frames->scroll_strip(s.last_drawn - s.play->start);
}

std::shared_ptr<const Frame> DisplayPlayer::next_scroll_strip() const {
  const State& s = *state_;
  if (s.next_key.empty() || s.display.zones.size() != 1) return nullptr;
  const PreparedItem* next = s.strips.peek(s.next_key);
  if (!next) return nullptr;
  const std::optional<ScrollStrip> view = next->scroll_strip(nanoseconds(0));
  return view ? view->strip : nullptr;
}

std::string DisplayPlayer::text_shown() const {
  const State& s = *state_;
  if (s.play && s.play->item) return s.play->item->text;
  return s.clock_text;
}
const Play* DisplayPlayer::on_air() const { return state_->play ? &*state_->play : nullptr; }

void DisplayPlayer::advance(SystemClock::time_point now, std::vector<Change>* changes) {
  state_->advance(now, changes);
}

Frame DisplayPlayer::frame_at(SystemClock::time_point now, std::vector<Change>* changes) {
  State& s = *state_;
  s.advance(now, changes);
  s.follow_light(now);
  s.waiting_for_drawing = false;
  const PreparedItem* frames = s.play->item ? s.play_item_frames() : s.idle_frames(now);
  // Until the drawing thread has it, the board keeps the picture it has (the last frame of the
  // play before), rather than a dark flash; at start-up there is none, and the frame is dark.
  if (s.waiting_for_drawing && !s.frame.bytes.empty()) return s.frame;
  const auto elapsed = s.play->item ? now - s.play->start : nanoseconds(0);
  // A one-off render shows exactly the frame of its instant; the daemon's boards never wait.
  if (frames && !s.draws_ahead) frames->wait_ready(elapsed, std::chrono::seconds(10));
  s.draw(frames, elapsed, now);
  return s.frame;
}

void DisplayPlayer::draw_ahead() { state_->draws_ahead = true; }

PreparedItem::VideoCounts DisplayPlayer::ended_video_counts() const { return state_->ended_video; }

bool DisplayPlayer::on_air_drawn() const {
  const State& s = *state_;
  return !s.play || !s.play->item || s.play_frames != nullptr;
}

std::optional<std::string> DisplayPlayer::take_draw_failure() {
  std::string failure = std::exchange(state_->draw_failure, {});
  if (failure.empty()) return std::nullopt;
  return failure;
}

double DisplayPlayer::frame_rate() const {
  const State& s = *state_;
  return s.play && s.play->item && s.play_frames ? s.play_frames->frame_rate() : 0.0;
}

PreparedItem::VideoCounts DisplayPlayer::video_counts() const {
  const State& s = *state_;
  return s.play_frames ? s.play_frames->video_counts() : PreparedItem::VideoCounts{};
}

PreparedCacheStatus DisplayPlayer::prepared_cache() const {
  const State& s = *state_;
  return PreparedCacheStatus{s.strips.items(), s.strips.bytes(), s.strips.budget()};
}

void DisplayPlayer::resume(SystemClock::time_point now, std::vector<Change>* changes) {
  State& s = *state_;
  s.start_afresh(now, changes);
  s.last_drawn = now;
}

void DisplayPlayer::reload(const Programme& programme, SystemClock::time_point now,
                           std::vector<Change>* changes) {
  State& s = *state_;
  s.measures.next_programme();
  reload(s.plan_alone(programme), now, changes);
}

void DisplayPlayer::reload(std::shared_ptr<const DisplayContent> planned,
                           SystemClock::time_point now, std::vector<Change>* changes) {
  State& s = *state_;
  s.content = std::move(planned);
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
      s.play_frames.reset();
    }
    return;
  }
  const auto kept = std::find_if(items.begin(), items.end(), [&](const Item* item) {
    return item->id == on_air->id && item->text == on_air->text && item->media == on_air->media;
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
  std::optional<PreparedItem> still;
  if (const TextRenderer* content = s.drawing.content()) {
    try {
      still = content->still(s.untimed_text, content_colour(s.display));
      still->set_light(s.light);
    } catch (const std::exception&) {
      // A title the zone cannot draw leaves it dark; the display's problems say why already.
    }
  }
  s.draw(still ? &*still : nullptr, nanoseconds(0), SystemClock::time_point{});
  return s.frame;
}

namespace {

// What `bangtin validate` learns from the renderer, worked out once: each display is set up once
// (a programme of many items opens each font once) and each item is prepared once on a display
// for both of the checks that need it. Keyed by the config file too: `bangtin validate` may check
// several configs.
class RenderCheckCache {
 public:
  struct Prepared {
    PlayLength length;
    std::optional<std::string> problem;
  };

  // Configs are often checked on another machine than the controller's: a font file missing here
  // has been warned about by the loader, and what it would draw cannot be known.
  static bool fonts_here(const DisplayConfig& display) {
    std::error_code ignored;
    if (!display.font.empty() && !std::filesystem::exists(display.font, ignored)) return false;
    return std::all_of(display.zones.begin(), display.zones.end(), [](const ZoneConfig& zone) {
      std::error_code ignored_too;
      return zone.font.empty() || std::filesystem::exists(zone.font, ignored_too);
    });
  }

  const DisplayDrawing& drawing_for(const DisplayConfig& display) {
    auto& drawing = drawings_[display.where.file.string() + '\n' + display.name];
    if (!drawing) drawing = std::make_unique<DisplayDrawing>(display, std::chrono::minutes(0));
    return *drawing;
  }

  Prepared prepared_for(const Item& item, const DisplayConfig& display) {
    if (!fonts_here(display)) return {};
    const TextRenderer* renderer = drawing_for(display).content();
    if (!renderer) return {};  // the display's own problem, reported once
    auto& outcome = prepared_[item.where.file.string() + ':' + std::to_string(item.where.line) +
                              ':' + std::to_string(item.where.column) + '\n' +
                              display.where.file.string() + '\n' + display.name];
    if (!outcome) {
      const PlayMeasures::Measured& measured = measures_.of(*renderer, item, display);
      outcome =
          measured.error
              ? Prepared{{}, item_problem_text(item, display, std::runtime_error(*measured.error))}
              : Prepared{measured.length, std::nullopt};
    }
    return *outcome;
  }

 private:
 private:
  std::map<std::string, std::unique_ptr<DisplayDrawing>> drawings_;
  std::map<std::string, std::optional<Prepared>> prepared_;
  PlayMeasures measures_;
};

}  // namespace

RenderChecks render_checks() {
  const auto cache = std::make_shared<RenderCheckCache>();
  RenderChecks checks;
  checks.missing_glyphs = [cache](const DisplayConfig& display, std::string_view text) {
    // Message displays that draw their own font know ASCII only: the rest is folded (ộ -> o).
    if (display.link.rfind("modbus-text-", 0) == 0) return non_ascii_characters(text);
    const DisplayDrawing& drawing = cache->drawing_for(display);
    if (!RenderCheckCache::fonts_here(display) || !drawing.renderer) return std::vector<char32_t>{};
    return drawing.renderer->content().missing_glyphs(text);
  };
  checks.play_length = [cache](const Item& item, const DisplayConfig& display) {
    return cache->prepared_for(item, display).length;
  };
  checks.item_problem = [cache](const Item& item, const DisplayConfig& display) {
    return cache->prepared_for(item, display).problem;
  };
  checks.display_problems = [cache](const DisplayConfig& display, const IdleContent& idle) {
    if (!RenderCheckCache::fonts_here(display)) return std::vector<Diagnostic>{};
    const DisplayDrawing& drawing = cache->drawing_for(display);
    std::vector<Diagnostic> problems = drawing.problems;
    const IdleDrawing idle_drawing(drawing, display, idle);
    problems.insert(problems.end(), idle_drawing.problems.begin(), idle_drawing.problems.end());
    return problems;
  };
  return checks;
}

}  // namespace bangtin
