// A display split into zones: a fixed title, the playlist's content, the Vietnamese clock.
#include <gtest/gtest.h>

#include <chrono>

#include "bangtin/renderer.hpp"

using namespace bangtin;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path kSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const std::string kTitle = "CẢI CÁCH HÀNH CHÍNH";

// 2026-11-26 09:41:30 in Hà Nội (UTC+7).
const auto kThursdayMorning =
    std::chrono::sys_days(std::chrono::year(2026) / 11 / 26) + 2h + 41min + 30s;

Frame crop(const Frame& frame, Rect r) {
  Frame out = Frame::blank(r.width, r.height, frame.format);
  for (int y = 0; y < r.height; ++y)
    for (int x = 0; x < r.width; ++x) out.set_pixel(x, y, frame.pixel(r.x + x, r.y + y));
  return out;
}

Layout street_layout(Rect title, Rect content, Rect clock) {
  TextStyle title_style{TextEffect::still};
  title_style.colour = Rgb{255, 220, 0};
  return Layout{{Zone{title, ZoneRole::title, kTitle, title_style, {}},
                 Zone{content, ZoneRole::content, {}, {}, {}},
                 Zone{clock, ZoneRole::clock, {}, TextStyle{TextEffect::still}, {}}}};
}

}  // namespace

TEST(Zones, VietnameseClockText) {
  EXPECT_EQ(vietnamese_clock_text(kThursdayMorning, 7h), "09:41 Thứ Năm, 26/11/2026");
  EXPECT_EQ(vietnamese_clock_text(kThursdayMorning, 0h), "02:41 Thứ Năm, 26/11/2026");
  EXPECT_EQ(vietnamese_clock_text(kThursdayMorning + 3 * 24h, 7h), "09:41 Chủ Nhật, 29/11/2026");
}

TEST(Zones, EachZoneShowsItsOwnContentInItsOwnRectangle) {
  const PanelGeometry panel{192, 64, PixelFormat::rgb565};
  const Rect title{0, 0, 192, 16};
  const Rect content{0, 16, 192, 32};
  const Rect clock{0, 48, 192, 16};
  DisplayRenderer display(panel, street_layout(title, content, clock), kSans, {}, 7h);
  const PreparedItem item = display.content().scroll("Dịch vụ công trực tuyến", 50, 1);
  const Frame frame = display.frame(&item, 2s, kThursdayMorning);
  ASSERT_EQ(frame.width, 192);
  ASSERT_EQ(frame.height, 64);

  TextStyle title_style{TextEffect::still};
  title_style.colour = Rgb{255, 220, 0};
  EXPECT_EQ(
      crop(frame, title),
      TextRenderer({192, 16, panel.format}, kSans).prepare(kTitle, title_style).frame_at(0ns));
  EXPECT_EQ(crop(frame, content), item.frame_at(2s));
  EXPECT_EQ(crop(frame, clock), TextRenderer({192, 16, panel.format}, kSans)
                                    .still("09:41 Thứ Năm, 26/11/2026")
                                    .frame_at(0ns));
  EXPECT_GT(crop(frame, title).lit_count(), 50);
  EXPECT_GT(crop(frame, clock).lit_count(), 50);

  // The clock turns over on the minute; the rest stays as it was.
  const Frame next_minute = display.frame(&item, 2s, kThursdayMorning + 30s);
  EXPECT_NE(crop(next_minute, clock), crop(frame, clock));
  EXPECT_EQ(crop(next_minute, title), crop(frame, title));
  // Nothing to play: the content zone is dark, the fixed zones still show.
  const Frame idle = display.frame(nullptr, 0ns, kThursdayMorning);
  EXPECT_EQ(crop(idle, content).lit_count(), 0);
  EXPECT_EQ(crop(idle, title), crop(frame, title));
}

TEST(Zones, APlainDisplayIsOneZone) {
  const PanelGeometry panel{128, 32, PixelFormat::mono};
  DisplayRenderer display(panel, Layout::single(panel), kSans);
  const PreparedItem item = display.content().scroll("Một cửa", 40, 1);
  Frame out;
  display.draw(out, &item, 1500ms, kThursdayMorning);
  EXPECT_EQ(out, item.frame_at(1500ms));
  EXPECT_EQ(display.content().panel().height, 32);
}

TEST(Zones, BadLayoutsAreRefusedWithTheReason) {
  const PanelGeometry panel{128, 32, PixelFormat::mono};
  const auto refused = [&](Layout layout, const std::string& reason) {
    try {
      DisplayRenderer display(panel, std::move(layout), kSans);
      ADD_FAILURE() << "accepted a layout that should fail with: " << reason;
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(reason), std::string::npos) << error.what();
    }
  };
  refused(street_layout({0, 0, 128, 16}, {0, 8, 128, 16}, {0, 24, 128, 8}), "overlaps zone 1");
  refused(street_layout({0, 0, 128, 16}, {0, 16, 140, 16}, {0, 0, 0, 0}), "outside");
  refused(Layout{{Zone{Rect{0, 0, 128, 32}, ZoneRole::title, kTitle, {}, {}}}},
          "exactly one content zone");
}

TEST(Zones, LobbyScreenLayoutRendersEveryZone) {
  const PanelGeometry panel{1920, 1080, PixelFormat::rgb888};
  DisplayRenderer display(
      panel, street_layout({0, 0, 1920, 200}, {0, 240, 1920, 700}, {0, 960, 1920, 120}), kSans, {},
      7h);
  TextStyle page{TextEffect::page};
  page.colour = Rgb{230, 240, 255};
  const PreparedItem item = display.content().prepare(
      "Bộ phận Một cửa UBND xã tiếp nhận và trả kết quả hồ sơ cho người dân, doanh nghiệp. "
      "Giờ làm việc: sáng 7:30–11:30, chiều 13:30–17:00, từ thứ Hai đến thứ Sáu.",
      page);
  const Frame frame = display.frame(&item, 1s, kThursdayMorning);
  EXPECT_GT(crop(frame, {0, 0, 1920, 200}).lit_count(), 1000);
  EXPECT_GT(crop(frame, {0, 240, 1920, 700}).lit_count(), 1000);
  EXPECT_GT(crop(frame, {0, 960, 1920, 120}).lit_count(), 1000);
  EXPECT_EQ(crop(frame, {0, 200, 1920, 40}).lit_count(), 0);  // between zones: dark
  write_png(frame, std::filesystem::path(BANGTIN_BINARY_DIR) / "renderer-lobby-layout.png");
}
