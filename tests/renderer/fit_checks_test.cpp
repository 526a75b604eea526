// What the renderer refuses to draw, and how it says so: a zone too low for its font's Vietnamese
// marks, measured once by rows_needed() and refused by prepare() at exactly that height; title
// and clock zones that cannot be drawn stay dark while the rest of the display plays.
#include <gtest/gtest.h>

#include <chrono>

#include "bangtin/renderer.hpp"

using namespace bangtin;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path kSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const std::string kText = "Chào mừng bà con";

bool dark(const Frame& frame, Rect where) {
  for (int y = where.y; y < where.bottom(); ++y)
    for (int x = where.x; x < where.right(); ++x)
      if (frame.pixel(x, y) != Rgb{0, 0, 0}) return false;
  return true;
}

struct Case {
  PixelFormat format;
  GlyphStyle glyphs;
};

}  // namespace

TEST(FitChecks, RowsNeededIsTheHeightBelowWhichPrepareRefusesTheText) {
  for (const Case c :
       {Case{PixelFormat::rgb888, GlyphStyle::smooth}, Case{PixelFormat::rgb888, GlyphStyle::crisp},
        Case{PixelFormat::mono, GlyphStyle::crisp}}) {
    const RenderOptions options{Light{}, c.glyphs};
    const int rows = TextRenderer({64, 32, c.format}, kSans, options).rows_needed();
    SCOPED_TRACE("format " + std::string(to_string(c.format)) + ", " + std::to_string(rows) +
                 " rows");
    ASSERT_GT(rows, 4);
    const TextRenderer fits({64, rows, c.format}, kSans, options);
    EXPECT_EQ(fits.rows_needed(), rows) << "measured in the font, not the zone";
    EXPECT_GT(fits.scroll(kText, 32, 1).duration(), 0ns);
    EXPECT_GT(fits.still(kText).duration(), 0ns);

    const TextRenderer too_low({64, rows - 1, c.format}, kSans, options);
    for (const TextEffect effect :
         {TextEffect::scroll, TextEffect::still, TextEffect::page, TextEffect::blink}) {
      try {
        too_low.prepare(kText, TextStyle{effect});
        ADD_FAILURE() << "a zone one row too low drew the text";
      } catch (const TextDoesNotFit& error) {
        EXPECT_EQ(error.rows_needed(), rows);
        EXPECT_EQ(error.rows(), rows - 1);
        EXPECT_NE(
            std::string(error.what()).find("needs at least " + std::to_string(rows) + " rows"),
            std::string::npos)
            << error.what();
      }
    }
  }
}

TEST(FitChecks, CrispGlyphsNeedNoMoreRowsThanSmoothOnes) {
  // What validate suggests for a colour board that is a row too low: crisp glyphs.
  const PanelGeometry zone{64, 8, PixelFormat::rgb888};
  const int smooth = TextRenderer(zone, kSans, {Light{}, GlyphStyle::smooth}).rows_needed();
  const int crisp = TextRenderer(zone, kSans, {Light{}, GlyphStyle::crisp}).rows_needed();
  EXPECT_EQ(smooth, 9);
  EXPECT_EQ(crisp, 8);
}

TEST(FitChecks, TheClockCharactersHoldEveryCharacterOfEveryDayOfTheWeek) {
  const std::string all = vietnamese_clock_characters();
  const auto monday = std::chrono::sys_days(std::chrono::year(2026) / 11 / 23);
  for (auto day = monday; day < monday + std::chrono::days(7); day += std::chrono::days(1)) {
    const std::string text = vietnamese_clock_text(day + 23h + 59min, 7h);
    // Every UTF-8 sequence of the day's text appears in the characters.
    for (std::size_t at = 0; at < text.size();) {
      std::size_t length = 1;
      while (at + length < text.size() && (text[at + length] & 0xC0) == 0x80) ++length;
      EXPECT_NE(all.find(text.substr(at, length)), std::string::npos)
          << text.substr(at, length) << " of " << text;
      at += length;
    }
  }
}

TEST(FitChecks, TitleAndClockZonesTooLowStayDarkAndTheContentStillPlays) {
  const PanelGeometry panel{128, 40, PixelFormat::rgb888};
  const Rect title{0, 0, 128, 6};
  const Rect content{0, 6, 128, 28};
  const Rect clock{0, 34, 128, 6};
  const Layout layout{{Zone{title, ZoneRole::title, "CẢI CÁCH HÀNH CHÍNH", {}, {}},
                       Zone{content, ZoneRole::content, {}, {}, {}},
                       Zone{clock, ZoneRole::clock, {}, TextStyle{TextEffect::still}, {}}}};
  DisplayRenderer display(panel, layout, kSans, {}, 7h);

  ASSERT_EQ(display.problems().size(), 2u);
  EXPECT_EQ(display.problems()[0].zone, 0u);
  EXPECT_EQ(display.problems()[1].zone, 2u);
  const int rows = TextRenderer({128, 6, panel.format}, kSans).rows_needed();
  EXPECT_EQ(display.problems()[0].rows_needed, rows);
  EXPECT_EQ(display.problems()[1].rows_needed, rows);
  EXPECT_NE(display.problems()[1].message.find("the zone has 6"), std::string::npos)
      << display.problems()[1].message;

  const PreparedItem item = display.content().still("Một cửa");
  const Frame frame = display.frame(&item, 0ns, std::chrono::system_clock::now());
  EXPECT_TRUE(dark(frame, title));
  EXPECT_TRUE(dark(frame, clock));
  EXPECT_FALSE(dark(frame, content));
}

TEST(FitChecks, AZoneWhoseFontCannotBeOpenedStaysDarkButTheContentZoneMustOpenItsFont) {
  const PanelGeometry panel{128, 32, PixelFormat::mono};
  const Layout with_bad_title{
      {Zone{{0, 0, 128, 12}, ZoneRole::title, "Tiêu đề", {}, "/nonexistent.ttf"},
       Zone{{0, 12, 128, 20}, ZoneRole::content, {}, {}, {}}}};
  DisplayRenderer display(panel, with_bad_title, kSans);
  ASSERT_EQ(display.problems().size(), 1u);
  EXPECT_EQ(display.problems()[0].rows_needed, 0);
  EXPECT_NE(display.problems()[0].message.find("/nonexistent.ttf"), std::string::npos);

  EXPECT_THROW(DisplayRenderer(panel, Layout::single(panel), "/nonexistent.ttf"),
               std::runtime_error);
}
