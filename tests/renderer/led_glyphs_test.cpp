// bangtin's LED glyphs (`glyphs: led`): at every strike each Vietnamese letter is a bitmap of its
// own (at least 2 pixels from every other), no mark touches its letter or another mark, NFC and
// NFD give the same frames, and the font covers what Vietnamese notices are written with.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "bangtin/renderer.hpp"
#include "text_raster.hpp"

using namespace bangtin;
using namespace std::chrono_literals;
using text_raster::Coverage;
using text_raster::FontSizes;
using text_raster::GlyphMode;

namespace {

// A vowel of the alphabet, how its letters are built: the glyph under the marks above, and how
// many marks above it has before its tone (a circumflex or breve).
struct Vowel {
  std::string letter;      // as written, NFC
  std::string base;        // the glyph the marks sit on ("ı" under a mark above i)
  std::string plain_base;  // the glyph with no mark above (i keeps its dot under a dot below)
  int hats;
};

const std::vector<Vowel> kVowels = {
    {"a", "a", "a", 0}, {"ă", "a", "a", 1}, {"â", "a", "a", 1}, {"e", "e", "e", 0},
    {"ê", "e", "e", 1}, {"i", "ı", "i", 0}, {"o", "o", "o", 0}, {"ô", "o", "o", 1},
    {"ơ", "ơ", "ơ", 0}, {"u", "u", "u", 0}, {"ư", "ư", "ư", 0}, {"y", "y", "y", 0},
    {"A", "A", "A", 0}, {"Ă", "A", "A", 1}, {"Â", "A", "A", 1}, {"E", "E", "E", 0},
    {"Ê", "E", "E", 1}, {"I", "I", "I", 0}, {"O", "O", "O", 0}, {"Ô", "O", "O", 1},
    {"Ơ", "Ơ", "Ơ", 0}, {"U", "U", "U", 0}, {"Ư", "Ư", "Ư", 0}, {"Y", "Y", "Y", 0},
};
// Combining grave, acute, hook above, tilde, dot below.
const std::vector<std::string> kTones = {"\xCC\x80", "\xCC\x81", "\xCC\x89", "\xCC\x83",
                                         "\xCC\xA3"};
const std::string kDotBelow = "\xCC\xA3";

struct Letter {
  std::string nfc;
  std::string base;  // the glyph without the marks counted in `marks`
  int marks;         // separate marks: circumflex or breve, tone (horn and đ's bar are attached)
};

// The 134 letters of Vietnamese beyond ASCII: 60 toned vowels, ă â ê ô ơ ư đ, both cases.
std::vector<Letter> vietnamese_letters() {
  std::vector<Letter> letters = {{"đ", "đ", 0}, {"Đ", "Đ", 0}};
  for (const Vowel& vowel : kVowels) {
    if (vowel.hats > 0 || vowel.letter == "ơ" || vowel.letter == "ư" || vowel.letter == "Ơ" ||
        vowel.letter == "Ư")
      letters.push_back({vowel.letter, vowel.base, vowel.hats});
    for (const std::string& tone : kTones) {
      const bool below = tone == kDotBelow;
      letters.push_back({text_raster::nfc(vowel.letter + tone),
                         below && vowel.hats == 0 ? vowel.plain_base : vowel.base, vowel.hats + 1});
    }
  }
  return letters;
}

// The letter's pixels in a cell wide enough for any letter: glyphs share their origin.
std::vector<bool> cell_of(const Coverage& glyph, int width) {
  std::vector<bool> cell(static_cast<std::size_t>(width * glyph.height), false);
  for (int y = 0; y < glyph.height; ++y)
    for (int x = 0; x < std::min(width, glyph.width); ++x)
      cell[static_cast<std::size_t>(y * width + x)] = glyph.at(x, y) != 0;
  return cell;
}

// 8-connected groups of lit pixels.
int components(const Coverage& glyph) {
  std::vector<int> label(glyph.alpha.size(), 0);
  int count = 0;
  for (int start = 0; start < static_cast<int>(glyph.alpha.size()); ++start) {
    if (glyph.alpha[static_cast<std::size_t>(start)] == 0 || label[static_cast<std::size_t>(start)])
      continue;
    ++count;
    std::vector<int> stack{start};
    label[static_cast<std::size_t>(start)] = count;
    while (!stack.empty()) {
      const int at = stack.back();
      stack.pop_back();
      const int x = at % glyph.width;
      const int y = at / glyph.width;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx;
          const int ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= glyph.width || ny >= glyph.height) continue;
          const auto n = static_cast<std::size_t>(ny * glyph.width + nx);
          if (glyph.alpha[n] == 0 || label[n]) continue;
          label[n] = count;
          stack.push_back(ny * glyph.width + nx);
        }
    }
  }
  return count;
}

class LedGlyphs : public ::testing::TestWithParam<int> {
 protected:
  LedGlyphs() : fonts_(*led_font(GetParam()), GlyphMode::crisp) {}
  Coverage glyph(const std::string& text) {
    return text_raster::render(fonts_.at(GetParam()), text, GlyphMode::crisp);
  }
  FontSizes fonts_;
};

}  // namespace

TEST(LedGlyphFont, ThereAre134VietnameseLettersBeyondAscii) {
  EXPECT_EQ(vietnamese_letters().size(), 134u);
}

TEST_P(LedGlyphs, TheStrikeIsAsTallAsTheBoard) {
  EXPECT_EQ(glyph("Ễ").height, GetParam());
  EXPECT_EQ(glyph("a").height, GetParam());
}

TEST_P(LedGlyphs, CoversVietnameseAsciiAndTheNoticesPunctuation) {
  std::string missing;
  auto check = [&](char32_t c) {
    if (!fonts_.provides(c)) missing += text_raster::to_utf8(c) + " ";
  };
  for (char32_t c = 0x20; c < 0x7F; ++c) check(c);
  for (const Letter& letter : vietnamese_letters())
    for (const char32_t c : text_raster::code_points(letter.nfc)) check(c);
  for (const char32_t c : std::u32string(U"“”‘’–—…«»°·€₫")) check(c);
  EXPECT_EQ(missing, "");
}

TEST_P(LedGlyphs, EveryVietnameseLetterDiffersFromEveryOtherByAtLeastTwoPixels) {
  std::vector<std::string> letters;
  for (const Letter& letter : vietnamese_letters()) letters.push_back(letter.nfc);
  // The plain letters too: ấ must not pass for a, nor Ỵ for Y.
  for (const std::string plain :
       {"a", "e", "i", "o", "u", "y", "d", "A", "E", "I", "O", "U", "Y", "D"})
    letters.push_back(plain);
  std::vector<Coverage> glyphs;
  int width = 0;
  for (const std::string& letter : letters) {
    glyphs.push_back(glyph(letter));
    width = std::max(width, glyphs.back().width);
  }
  std::vector<std::vector<bool>> cells;
  for (const Coverage& g : glyphs) cells.push_back(cell_of(g, width));
  int closest = 1 << 30;
  std::string closest_pairs;
  for (std::size_t i = 0; i < cells.size(); ++i)
    for (std::size_t j = i + 1; j < cells.size(); ++j) {
      int differ = 0;
      for (std::size_t p = 0; p < cells[i].size(); ++p) differ += cells[i][p] != cells[j][p];
      EXPECT_GE(differ, 2) << letters[i] << " and " << letters[j];
      if (differ < closest) {
        closest = differ;
        closest_pairs.clear();
      }
      if (differ == closest) closest_pairs += letters[i] + "/" + letters[j] + " ";
    }
  // Written to the log for the glyph designer: the smallest difference and who has it.
  std::cout << GetParam() << " rows: closest letters differ by " << closest
            << " pixels: " << closest_pairs << "\n";
}

TEST_P(LedGlyphs, NoMarkTouchesItsLetterOrAnotherMark) {
  for (const Letter& letter : vietnamese_letters()) {
    // ỵ: the descender takes the rows under the baseline, so the dot sits against the bowl.
    if (letter.nfc == "ỵ") continue;
    const int base_parts = components(glyph(letter.base));
    EXPECT_EQ(components(glyph(letter.nfc)), base_parts + letter.marks)
        << letter.nfc << ": a mark touches the letter or another mark";
  }
}

TEST_P(LedGlyphs, TheDotBelowYStillShows) {
  // The exemption above, held to what still matters: ỵ is not y.
  const Coverage y = glyph("y");
  const Coverage dotted = glyph("ỵ");
  const int width = std::max(y.width, dotted.width);
  const std::vector<bool> a = cell_of(y, width);
  const std::vector<bool> b = cell_of(dotted, width);
  int added = 0;
  for (std::size_t p = 0; p < a.size(); ++p) added += b[p] && !a[p];
  EXPECT_GE(added, GetParam() == 32 ? 9 : 4);  // the whole dot: 2x2, 3x3 at 32 rows
}

TEST_P(LedGlyphs, DecomposedAndPrecomposedTextGiveIdenticalFrames) {
  const std::string nfc = "Người dân nộp hồ sơ trực tuyến: Ễ Ặ Ậ ỗ ỵ";
  const std::string nfd =
      "Ngu\xCC\x9Bo\xCC\x9B\xCC\x80i da\xCC\x82n no\xCC\x82\xCC\xA3p ho\xCC\x82\xCC\x80 so\xCC\x9B "
      "tru\xCC\x9B\xCC\xA3"
      "c tuye\xCC\x82\xCC\x81n: E\xCC\x82\xCC\x83 A\xCC\x86\xCC\xA3 A\xCC\xA3\xCC\x82 "
      "o\xCC\x82\xCC\x83 y\xCC\xA3";
  ASSERT_NE(nfc, nfd);
  ASSERT_EQ(text_raster::nfc(nfd), nfc);
  const PanelGeometry board{480, GetParam(), PixelFormat::mono};
  const TextRenderer renderer(board, default_font(board), RenderOptions{Light{}, GlyphStyle::led});
  const Frame precomposed = renderer.still(nfc).frame_at(0ns);
  EXPECT_EQ(precomposed, renderer.still(nfd).frame_at(0ns));
  EXPECT_GT(precomposed.lit_count(), 0);
}

INSTANTIATE_TEST_SUITE_P(Strikes, LedGlyphs, ::testing::ValuesIn(kLedFontRows),
                         [](const auto& info) { return std::to_string(info.param) + "Rows"; });

TEST(LedGlyphFont, AutoPicksTheLedGlyphsWhereAStrikeFillsAMonoZone) {
  auto font = [](int height, PixelFormat format, GlyphStyle glyphs = GlyphStyle::automatic) {
    return default_font({128, height, format}, glyphs).filename().string();
  };
  EXPECT_EQ(font(16, PixelFormat::mono), "bangtin-led-16.bdf");
  EXPECT_EQ(font(23, PixelFormat::mono), "bangtin-led-16.bdf");
  EXPECT_EQ(font(24, PixelFormat::mono), "bangtin-led-24.bdf");
  EXPECT_EQ(font(31, PixelFormat::mono), "bangtin-led-24.bdf");
  EXPECT_EQ(font(32, PixelFormat::mono), "bangtin-led-32.bdf");
  EXPECT_EQ(font(47, PixelFormat::mono), "bangtin-led-32.bdf");
  // Where a strike would leave a third of the zone dark, an outline face fills it.
  EXPECT_EQ(font(48, PixelFormat::mono), find_vietnamese_font().filename().string());
  EXPECT_EQ(font(12, PixelFormat::mono), "unifont.otf");
  EXPECT_EQ(font(16, PixelFormat::rgb565), find_vietnamese_font().filename().string());
  // Asked for: the tallest strike that fits, on any board; crisp keeps today's faces.
  EXPECT_EQ(font(64, PixelFormat::rgb888, GlyphStyle::led), "bangtin-led-32.bdf");
  EXPECT_EQ(font(20, PixelFormat::mono, GlyphStyle::led), "bangtin-led-16.bdf");
  EXPECT_EQ(font(16, PixelFormat::mono, GlyphStyle::crisp), "unifont.otf");
  EXPECT_EQ(font(32, PixelFormat::mono, GlyphStyle::crisp),
            find_vietnamese_font().filename().string());
  EXPECT_EQ(font(12, PixelFormat::mono, GlyphStyle::led), "unifont.otf");
  EXPECT_FALSE(led_font(15).has_value());
}

TEST(LedGlyphFont, EachZoneGetsTheTallestStrikeThatFits) {
  // One display font for zones of 16 to 40 rows: the strikes act as one font's sizes.
  const auto font = *led_font(32);
  for (const auto& [height, strike] : {std::pair{16, 16}, {20, 16}, {24, 24}, {32, 32}, {40, 32}}) {
    const TextRenderer zone({200, height, PixelFormat::mono}, font,
                            RenderOptions{Light{}, GlyphStyle::led});
    // The ink of "Ễ gỵ" spans most of its strike's rows, and no more.
    const Frame frame = zone.still("Ễ gỵ").frame_at(0ns);
    int top = height;
    int bottom = -1;
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < 200; ++x)
        if (frame.lit(x, y)) {
          top = std::min(top, y);
          bottom = std::max(bottom, y);
        }
    const int ink_rows = bottom - top + 1;
    EXPECT_TRUE(ink_rows > strike * 3 / 4 && ink_rows <= strike) << height << " rows: " << ink_rows;
  }
}

TEST(LedGlyphFont, ATitleUnderSixteenRowsIsDrawnInCrispGlyphs) {
  Layout layout;
  layout.zones = {
      Zone{{0, 0, 128, 10}, ZoneRole::title, "UBND xã", TextStyle{TextEffect::still}, {}},
      Zone{{0, 10, 128, 22}, ZoneRole::content, {}, {}, {}}};
  DisplayRenderer display({128, 32, PixelFormat::mono}, layout, *led_font(16),
                          RenderOptions{Light{}, GlyphStyle::led});
  EXPECT_TRUE(display.problems().empty());
  Frame frame = Frame::blank(128, 32, PixelFormat::mono);
  display.draw(frame, nullptr, 0ms, std::chrono::system_clock::now());
  EXPECT_GT(frame.lit_count(), 0);
}
