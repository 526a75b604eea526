#include <array>
#include <stdexcept>

#include <optional>

#include "bangtin/date_time_text.hpp"
#include "bangtin/renderer.hpp"
#include "pixel_strip.hpp"

namespace bangtin {

std::string vietnamese_clock_text(std::chrono::system_clock::time_point when,
                                  std::chrono::minutes utc_offset) {
  using namespace std::chrono;
  static const std::array<const char*, 7> kWeekdays = {"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư",
                                                       "Thứ Năm",  "Thứ Sáu", "Thứ Bảy"};
  const auto local = floor<minutes>(when + utc_offset);
  const auto day = floor<days>(local);
  return time_of_day_text(local - day) + " " + kWeekdays[weekday(day).c_encoding()] + ", " +
         day_month_year_text(day);
}

std::string vietnamese_clock_characters() {
  using namespace std::chrono;
  // A week of days names every weekday; the digits cover every date and time.
  std::string characters = "0123456789";
  for (int day = 0; day < 7; ++day)
    characters += vietnamese_clock_text(sys_days(year{2026} / January / 1) + days(day), {});
  return characters;
}

Layout Layout::single(const PanelGeometry& panel) {
  return Layout{{Zone{Rect{0, 0, panel.width, panel.height}, ZoneRole::content, {}, {}, {}}}};
}

struct DisplayRenderer::Impl {
  struct ZoneState {
    Zone zone;
    std::optional<TextRenderer> renderer;  // nothing: a fixed zone that cannot be drawn, dark
    PreparedItem shown;                    // title: its text; clock: the current minute's text
    std::string shown_text;
  };
  std::vector<ZoneState> zones;
  std::vector<ZoneProblem> problems;
  std::size_t content = 0;
  std::chrono::minutes utc_offset{0};
  std::optional<Light> light;  // set_light's, kept for the clock's strips made after it
};

DisplayRenderer::DisplayRenderer(PanelGeometry panel, Layout layout,
                                 std::filesystem::path font_file, RenderOptions options,
                                 std::chrono::minutes utc_offset)
    : panel_(panel), impl_(std::make_unique<Impl>()) {
  impl_->utc_offset = utc_offset;
  const Rect whole{0, 0, panel.width, panel.height};
  int content_zones = 0;
  for (std::size_t i = 0; i < layout.zones.size(); ++i) {
    const Zone& zone = layout.zones[i];
    const std::string name = "zone " + std::to_string(i + 1);
    if (zone.rect.empty() || zone.rect.intersection(whole) != zone.rect) {
      throw std::invalid_argument(name + " lies outside the " + std::to_string(panel.width) + "x" +
                                  std::to_string(panel.height) + " panel");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (!zone.rect.intersection(layout.zones[j].rect).empty()) {
        throw std::invalid_argument(name + " overlaps zone " + std::to_string(j + 1));
      }
    }
    if (zone.role == ZoneRole::content) {
      ++content_zones;
      impl_->content = i;
    }
    const PanelGeometry geometry{zone.rect.width, zone.rect.height, panel.format};
    Impl::ZoneState& state = impl_->zones.emplace_back(Impl::ZoneState{zone, {}, {}, {}});
    std::filesystem::path font = zone.font.empty() ? font_file : zone.font;
    // A title or clock lower than the LED glyphs' shortest strike gets the crisp face that fits.
    if (is_led_font(font) && !led_font(geometry.height))
      font = default_font(geometry, GlyphStyle::crisp);
    if (zone.role == ZoneRole::content) {
      state.renderer.emplace(geometry, font, options);
      continue;
    }
    // A title or clock that cannot be drawn leaves its zone dark: the items still play.
    try {
      TextRenderer renderer(geometry, font, options);
      if (zone.role == ZoneRole::title) state.shown = renderer.prepare(zone.text, zone.style);
      if (zone.role == ZoneRole::clock) {
        // Checked once for every minute of the week, not found out at some minute's frame.
        const int rows_needed = renderer.rows_needed(vietnamese_clock_characters());
        if (rows_needed > geometry.height)
          throw TextDoesNotFit(renderer.font_file(), 1, rows_needed, geometry.height);
      }
      state.renderer = std::move(renderer);
    } catch (const TextDoesNotFit& error) {
      impl_->problems.push_back(ZoneProblem{i, error.what(), error.rows_needed()});
    } catch (const std::exception& error) {
      impl_->problems.push_back(ZoneProblem{i, error.what(), 0});
    }
  }
  if (content_zones != 1) {
    throw std::invalid_argument("a layout needs exactly one content zone, this one has " +
                                std::to_string(content_zones));
  }
}

DisplayRenderer::~DisplayRenderer() = default;
DisplayRenderer::DisplayRenderer(DisplayRenderer&&) noexcept = default;
DisplayRenderer& DisplayRenderer::operator=(DisplayRenderer&&) noexcept = default;

const TextRenderer& DisplayRenderer::content() const {
  return *impl_->zones[impl_->content].renderer;
}

const std::vector<ZoneProblem>& DisplayRenderer::problems() const { return impl_->problems; }

void DisplayRenderer::set_light(const Light& light) {
  impl_->light = light;
  for (auto& zone : impl_->zones) zone.shown.set_light(light);
}

void DisplayRenderer::draw(Frame& out, const PreparedItem* item, std::chrono::nanoseconds elapsed,
                           std::chrono::system_clock::time_point now) {
  if (out.width != panel_.width || out.height != panel_.height || out.format != panel_.format ||
      out.bytes.size() != out.stride() * static_cast<std::size_t>(out.height)) {
    out = Frame::blank(panel_.width, panel_.height, panel_.format);
  }
  const auto since_epoch =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch());
  for (auto& state : impl_->zones) {
    const Rect where = state.zone.rect;
    if (!state.renderer) {
      clear_rect(out, where);
      continue;
    }
    switch (state.zone.role) {
      case ZoneRole::content:
        if (item) {
          item->draw(elapsed, out, where);
        } else {
          clear_rect(out, where);
        }
        break;
      case ZoneRole::clock: {
        std::string text = vietnamese_clock_text(now, impl_->utc_offset);
        if (text != state.shown_text) {
          state.shown = state.renderer->prepare(text, state.zone.style);
          if (impl_->light) state.shown.set_light(*impl_->light);
          state.shown_text = std::move(text);
        }
        [[fallthrough]];
      }
      case ZoneRole::title: {
        // Fixed zones loop their effect (a blinking title keeps blinking) on the wall clock.
        const auto cycle = state.shown.duration();
        state.shown.draw(cycle.count() > 0 ? since_epoch % cycle : since_epoch, out, where);
        break;
      }
    }
  }
}

Frame DisplayRenderer::frame(const PreparedItem* item, std::chrono::nanoseconds elapsed,
                             std::chrono::system_clock::time_point now) {
  Frame out;
  draw(out, item, elapsed, now);
  return out;
}

}  // namespace bangtin
