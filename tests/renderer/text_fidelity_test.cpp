// Vietnamese on LED boards and screens: every stacked mark and descender whole inside its zone,
// NFC and NFD alike, every letter distinguishable on a 16-row 1-bit board, and characters a font
// lacks reported rather than drawn as boxes.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "bangtin/renderer.hpp"

using namespace bangtin;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path kSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const std::filesystem::path kSansMono = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

const std::vector<std::string> kWorstCase = {
    "ỄẶẬỖẴẪỮỶỸỴ",
    "Ẳ Ể Ổ Ở Ử gjpqyỵ",
    "Quyết định: Ỷ Ỹ ẵ ặ ỵ",
    "HUYỆN ĐỒNG HỶ, tỉnh Thái Nguyên",
};

// Every Vietnamese letter: the twelve vowels with each of the six tones, both cases, and Đ đ.
std::vector<std::string> vietnamese_letters() {
  const std::vector<std::string> vowels = {"a", "ă", "â", "e", "ê", "i", "o", "ô",
                                           "ơ", "u", "ư", "y", "A", "Ă", "Â", "E",
                                           "Ê", "I", "O", "Ô", "Ơ", "U", "Ư", "Y"};
  const std::vector<std::string> tones = {"",         "\xCC\x80", "\xCC\x81",
                                          "\xCC\x89", "\xCC\x83", "\xCC\xA3"};
  std::vector<std::string> letters = {"đ", "Đ"};
  for (const auto& vowel : vowels)
    for (const auto& tone : tones) letters.push_back(vowel + tone);
  return letters;
}

// Sum of all channels of all pixels: equal sums from the same glyphs mean no ink was lost.
long ink(const Frame& frame, Rect inside, bool& outside_lit) {
  long sum = 0;
  outside_lit = false;
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x) {
      const Rgb c = frame.pixel(x, y);
      const long value = long{c.r} + c.g + c.b;
      const bool in = x >= inside.x && x < inside.right() && y >= inside.y && y < inside.bottom();
      if (!in && value != 0) outside_lit = true;
      sum += value;
    }
  return sum;
}

}  // namespace

TEST(TextFidelity, WorstCaseVietnameseKeepsAllItsInkInsideTheZone) {
  for (PixelFormat format : {PixelFormat::mono, PixelFormat::rgb888}) {
    for (int height : {16, 32}) {
      for (const std::string& text : kWorstCase) {
        SCOPED_TRACE(std::string(to_string(format)) + " height " + std::to_string(height) + ": " +
                     text);
        // The zone sits inside a bigger frame: any ink spilling out of it would show.
        const Rect zone{20, 20, 1200, height};
        const TextRenderer fitted({zone.width, zone.height, format}, kSans);
        const PreparedItem item = fitted.still(text);
        Frame frame = Frame::blank(1240, height + 40, format);
        item.draw(0ns, frame, zone);
        bool spilled = false;
        const long in_zone = ink(frame, zone, spilled);
        EXPECT_FALSE(spilled);
        // The same text at the same size in a zone with room to spare: nothing can be cut there.
        TextStyle roomy{TextEffect::still};
        roomy.size = item.font_size();
        const Frame reference =
            TextRenderer({1200, height + 60, format}, kSans).prepare(text, roomy).frame_at(0ns);
        bool unused = false;
        EXPECT_EQ(in_zone, ink(reference, reference.bounds(), unused))
            << "ink was clipped at size " << item.font_size();
        EXPECT_GT(in_zone, 0);
      }
    }
  }
}

TEST(TextFidelity, SixteenRowBoardsGetTheLargestSizeThatFits) {
  // Measured: DejaVu Sans needs 16 rows at 12 px antialiased; the 1-bit hinter's glyphs need 17
  // at 12 px, so crisp boards get 11 px. The font's nominal height would have said 13 or 14.
  const TextRenderer mono({128, 16, PixelFormat::mono}, kSans);
  const TextRenderer colour({128, 16, PixelFormat::rgb565}, kSans);
  EXPECT_EQ(mono.scroll("Ễ gỵ", 32, 1).font_size(), 11);
  EXPECT_EQ(colour.scroll("Ễ gỵ", 32, 1).font_size(), 12);
}

TEST(TextFidelity, DecomposedAndPrecomposedTextGiveIdenticalFrames) {
  const std::string nfc = "Cải cách hành chính: Ễ Ặ Ậ ỗ, Quyết định";
  const std::string nfd =
      "Ca\xCC\x89i ca\xCC\x81"
      "ch ha\xCC\x80nh chi\xCC\x81nh: E\xCC\x82\xCC\x83 "
      "A\xCC\x86\xCC\xA3 A\xCC\xA3\xCC\x82 o\xCC\x82\xCC\x83, Quye\xCC\x82\xCC\x81t "
      "\xC4\x91i\xCC\xA3nh";
  ASSERT_NE(nfc, nfd);
  for (PixelFormat format : {PixelFormat::mono, PixelFormat::rgb565, PixelFormat::rgb888}) {
    const TextRenderer renderer({160, 32, format}, kSans);
    EXPECT_EQ(renderer.still(nfc).frame_at(0ns), renderer.still(nfd).frame_at(0ns))
        << to_string(format);
    const PreparedItem a = renderer.scroll(nfc, 40, 1);
    const PreparedItem b = renderer.scroll(nfd, 40, 1);
    for (auto t : {1s, 3s, 5s}) EXPECT_EQ(a.frame_at(t), b.frame_at(t)) << to_string(format);
  }
}

// Flattened stacked marks make letters collide (Ẵ and Ẳ, Ễ and Ể): on a 1-bit board every letter
// must still draw differently. The number of letters that look like an earlier one.
int lookalike_letters(const TextRenderer& board) {
  std::set<std::string> seen;  // frames as byte strings
  int lookalikes = 0;
  for (const std::string& letter : vietnamese_letters()) {
    const std::vector<std::uint8_t> bytes = board.still(letter).frame_at(0ns).bytes;
    if (!seen.insert(std::string(bytes.begin(), bytes.end())).second) {
      ADD_FAILURE() << letter << " looks like another letter";
      ++lookalikes;
    }
  }
  return lookalikes;
}

TEST(TextFidelity, EveryVietnameseLetterIsDistinctOnSixteenRowMonoBoardsInCrispGlyphs) {
  const PanelGeometry board{16, 16, PixelFormat::mono};
  const auto font = default_font(board, GlyphStyle::crisp);
  ASSERT_EQ(font.filename(), "unifont.otf") << "install fonts-unifont";
  EXPECT_EQ(lookalike_letters(TextRenderer(board, font)), 0);
  EXPECT_EQ(TextRenderer(board, font).still("Ễ").font_size(), 16);
}

TEST(TextFidelity, EveryVietnameseLetterIsDistinctInCrispOutlineGlyphsFromTwentyRows) {
  for (int height : {20, 24, 32}) {
    SCOPED_TRACE(height);
    EXPECT_EQ(lookalike_letters(TextRenderer({24, height, PixelFormat::mono}, kSans)), 0);
  }
  EXPECT_EQ(default_font({128, 32, PixelFormat::mono}, GlyphStyle::crisp), find_vietnamese_font());
  EXPECT_EQ(default_font({128, 16, PixelFormat::rgb565}), find_vietnamese_font());
}

TEST(TextFidelity, MissingGlyphsAreReported) {
  std::string all;
  for (const std::string& letter : vietnamese_letters()) all += letter;
  EXPECT_TRUE(missing_glyphs(kSans, all).empty());
  EXPECT_TRUE(missing_glyphs(kSans, all.substr(0, 40) + " \n\t").empty());

  const std::vector<char32_t> mono_lacks = missing_glyphs(kSansMono, all);
  EXPECT_EQ(mono_lacks.size(), 46u);  // as measured for DejaVu Sans Mono
  // NFD input is judged by the letters it spells.
  EXPECT_EQ(missing_glyphs(kSansMono, "E\xCC\x82\xCC\x83"), std::vector<char32_t>{U'Ễ'});

  const TextRenderer renderer({128, 32, PixelFormat::mono}, kSans);
  EXPECT_EQ(renderer.missing_glyphs("Xin chào 世界 ✓"), (std::vector<char32_t>{U'世', U'界'}));
  EXPECT_THROW(missing_glyphs(kSans, "\xC3\x28"), std::invalid_argument);
  EXPECT_THROW(missing_glyphs("/nonexistent/font.ttf", "a"), std::runtime_error);
}
