// bangtin-led-font: writes the "Bangtin LED" BDF font for one board height (16, 24 or 32 rows)
// from a Terminus PCF
// strike (xfonts-terminus). Every glyph of the source is copied; the Vietnamese letters are
// composed here from Terminus's base letters and the marks drawn below, placed by rules made for
// the LED grid: the marks sit a clear row (two at 32 rows) above the letter, a tone combined with
// a circumflex goes to its upper right (acute, grave, hook) or above it (tilde), a tone over a
// breve goes above it, the dot below sits in the descender rows, and a capital gives up only as
// many rows as its marks need.
//
//   bangtin-led-font --source ter-u16b_unicode.pcf.gz --rows 16 --out bangtin-led-16.bdf
//
// Terminus is under the SIL Open Font License 1.1, which reserves its name: the derived font is
// called "Bangtin LED" and carries the source's copyright and the license in its properties.
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_BDF_H
#include <utf8proc.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

// A glyph as the full cell: row 0 is the font's top line, `rows` rows, `width` columns.
struct Cell {
  int width = 0;
  int rows = 0;
  int advance = 0;
  std::vector<bool> ink;

  Cell(int w, int h, int adv)
      : width(w), rows(h), advance(adv), ink(static_cast<std::size_t>(w * h), false) {}
  bool at(int x, int y) const {
    return x >= 0 && y >= 0 && x < width && y < rows &&
           ink[static_cast<std::size_t>(y * width + x)];
  }
  void set(int x, int y) {
    if (x >= width) widen(x + 1);
    if (x >= 0 && y >= 0 && y < rows) ink[static_cast<std::size_t>(y * width + x)] = true;
  }
  void widen(int w) {
    std::vector<bool> wider(static_cast<std::size_t>(w * rows), false);
    for (int y = 0; y < rows; ++y)
      for (int x = 0; x < width; ++x) wider[static_cast<std::size_t>(y * w + x)] = at(x, y);
    ink = std::move(wider);
    width = w;
  }
  bool row_empty(int y) const {
    for (int x = 0; x < width; ++x)
      if (at(x, y)) return false;
    return true;
  }
};

struct Box {
  int left = 0, top = 0, right = -1, bottom = -1;  // inclusive; right < left when empty
  bool empty() const { return right < left; }
};

Box ink_box(const Cell& cell) {
  Box box{cell.width, cell.rows, -1, -1};
  for (int y = 0; y < cell.rows; ++y)
    for (int x = 0; x < cell.width; ++x)
      if (cell.at(x, y)) {
        box.left = std::min(box.left, x);
        box.right = std::max(box.right, x);
        box.top = std::min(box.top, y);
        box.bottom = std::max(box.bottom, y);
      }
  return box;
}

// A mark drawn in pixels: '#' lit, '.' dark; all rows as wide as the first.
struct Art {
  std::vector<std::string_view> rows;
  int width() const { return static_cast<int>(rows.front().size()); }
  int height() const { return static_cast<int>(rows.size()); }
};

void stamp(Cell& cell, const Art& art, int left, int top) {
  for (int y = 0; y < art.height(); ++y)
    for (int x = 0; x < art.width(); ++x)
      if (art.rows[static_cast<std::size_t>(y)][static_cast<std::size_t>(x)] == '#')
        cell.set(left + x, top + y);
}

enum class Mark { none, grave, acute, hook, tilde, dot_below, circumflex, breve, horn };

// The marks and spacing of one board height.
struct Design {
  int rows;         // the cell: the board's height
  int gap_above;    // blank rows between a letter and the mark on it
  int gap_between;  // blank rows between a circumflex or breve and the tone above it
  int gap_below;    // blank rows between the baseline row and the dot below
  int side_gap;     // blank columns between a circumflex and the tone at its upper right
  int side_raise;   // rows that tone's bottom sits above the circumflex's bottom
  Art grave, acute, hook, tilde, dot_below, circumflex, breve, horn;
  Art hook_on_breve;  // where a tone stacks on a breve the hook may need to be lower

  const Art& art(Mark mark) const {
    switch (mark) {
      case Mark::grave:
        return grave;
      case Mark::acute:
        return acute;
      case Mark::hook:
        return hook;
      case Mark::tilde:
        return tilde;
      case Mark::dot_below:
        return dot_below;
      case Mark::circumflex:
        return circumflex;
      case Mark::breve:
        return breve;
      case Mark::horn:
        return horn;
      case Mark::none:
        break;
    }
    throw std::logic_error("no art for Mark::none");
  }
};

// 16 rows: Terminus 8x16 bold has 2-pixel stems and 1-pixel bars. The marks are 2 rows, the
// hook and the acute and grave 3 (their slant then reads at a glance, and tells à from ã), so
// that a stacked pair fits the 6 rows above a lowercase letter.
const Design kDesign16{
    .rows = 16,
    .gap_above = 1,
    .gap_between = 1,
    .gap_below = 1,
    .side_gap = 1,
    .side_raise = 1,
    .grave = {{"##..", ".##.", "..##"}},
    .acute = {{"..##", ".##.", "##.."}},
    .hook = {{"##.", "..#", ".#."}},
    .tilde = {{".##..#", "#..##."}},
    .dot_below = {{"##", "##"}},
    .circumflex = {{".#.", "#.#"}},
    .breve = {{"#..#", ".##."}},
    .horn = {{".#", ".#", "#."}},
    // Ẳ ẳ: breve, a clear row and a 3-row hook would need 7 rows above a 6-row space.
    .hook_on_breve = {{"###", "..#"}},
};

// 24 rows: Terminus 12x24 bold, 2-pixel stems, 11-row lowercase: 9 rows above it take a
// stacked pair with clear rows, 5 above a capital take a single mark.
const Design kDesign24{
    .rows = 24,
    .gap_above = 1,
    .gap_between = 1,
    .gap_below = 1,
    .side_gap = 1,
    .side_raise = 1,
    .grave = {{"##...", ".##..", "..##."}},
    .acute = {{"..##.", ".##..", "##..."}},
    .hook = {{".##.", "#..#", "...#", "..#."}},
    .tilde = {{".##...#", "#..###."}},
    .dot_below = {{"##", "##"}},
    .circumflex = {{"..##..", ".#..#.", "#....#"}},
    .breve = {{"#....#", "#....#", ".####."}},
    .horn = {{"..#", ".#.", ".#.", "#.."}},
    .hook_on_breve = {{".##.", "#..#", "...#", "..#."}},
};

// 32 rows: Terminus 16x32 bold has 3-pixel stems; the marks have 2- and 3-pixel strokes and are
// 3 to 5 rows high, with two clear rows above the letter and between stacked marks. The
// circumflex has a flat top: a pointed one under a tilde reads as an "x".
const Design kDesign32{
    .rows = 32,
    .gap_above = 2,
    .gap_between = 2,
    .gap_below = 2,
    .side_gap = 1,
    .side_raise = 1,
    .grave = {{"###...", ".###..", "..###.", "...###"}},
    .acute = {{"...###", "..###.", ".###..", "###..."}},
    .hook = {{".####.", "##..##", "....##", "..###.", "..##.."}},
    .tilde = {{".###...##", "##.##.##.", "##..###.."}},
    .dot_below = {{"###", "###", "###"}},
    .circumflex = {{"...###...", "..##.##..", ".##...##.", "##.....##"}},
    .breve = {{"##.....##", ".##...##.", "..#####.."}},
    .horn = {{"..##", "..##", ".##.", "##.."}},
    .hook_on_breve = {{".####.", "##..##", "....##", "..###.", "..##.."}},
};

struct Letter {
  char32_t base;  // ASCII letter
  Mark horn_mark = Mark::none;
  Mark hat = Mark::none;   // circumflex or breve
  Mark tone = Mark::none;  // grave, acute, hook, tilde or dot below
};

// What a precomposed letter is made of, from Unicode's own decomposition.
Letter decompose(char32_t letter) {
  utf8proc_int32_t parts[8];
  int last_boundclass = 0;
  const auto n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(letter), parts, 8,
                                         UTF8PROC_DECOMPOSE, &last_boundclass);
  if (n < 1) throw std::runtime_error("cannot decompose a letter");
  Letter result{static_cast<char32_t>(parts[0])};
  for (utf8proc_ssize_t i = 1; i < n; ++i) {
    switch (parts[i]) {
      case 0x0300:
        result.tone = Mark::grave;
        break;
      case 0x0301:
        result.tone = Mark::acute;
        break;
      case 0x0309:
        result.tone = Mark::hook;
        break;
      case 0x0303:
        result.tone = Mark::tilde;
        break;
      case 0x0323:
        result.tone = Mark::dot_below;
        break;
      case 0x0302:
        result.hat = Mark::circumflex;
        break;
      case 0x0306:
        result.hat = Mark::breve;
        break;
      case 0x031B:
        result.horn_mark = Mark::horn;
        break;
      default:
        throw std::runtime_error("unexpected mark in a Vietnamese letter");
    }
  }
  return result;
}

// The Vietnamese letters beyond ASCII, lower and upper case (đ and Đ are Terminus's own).
std::vector<char32_t> vietnamese_letters() {
  const std::vector<std::u32string> vowels{U"a", U"a\u0306", U"a\u0302", U"e", U"e\u0302", U"i",
                                           U"o", U"o\u0302", U"o\u031B", U"u", U"u\u031B", U"y"};
  const std::vector<char32_t> tones{0, 0x0300, 0x0301, 0x0309, 0x0303, 0x0323};
  std::vector<char32_t> letters;
  for (const std::u32string& vowel : vowels) {
    for (const char32_t tone : tones) {
      std::u32string nfd = vowel;
      if (tone != 0) nfd.push_back(tone);
      std::string utf8;
      for (const char32_t c : nfd) {
        utf8proc_uint8_t buffer[4];
        const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buffer);
        utf8.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
      }
      utf8proc_uint8_t* composed = nullptr;
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                   static_cast<utf8proc_ssize_t>(utf8.size()), &composed,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
      utf8proc_int32_t c = 0;
      utf8proc_iterate(composed, -1, &c);
      std::free(composed);
      if (c < 0x80) continue;  // plain a e i o u y: Terminus's own
      letters.push_back(static_cast<char32_t>(c));
      letters.push_back(static_cast<char32_t>(utf8proc_toupper(c)));
    }
  }
  return letters;
}

class Source {
 public:
  Source(const std::string& file, int rows) : file_(file) {
    if (FT_Init_FreeType(&library_) != 0) throw std::runtime_error("FreeType could not start");
    if (FT_New_Face(library_, file.c_str(), 0, &face_) != 0)
      throw std::runtime_error("cannot open font " + file);
    if (face_->num_fixed_sizes < 1 || face_->available_sizes[0].height != rows) {
      throw std::runtime_error(file + " is not a " + std::to_string(rows) + "-row bitmap font");
    }
    FT_Select_Size(face_, 0);
    // PCF keeps ascent and descent in its accelerator table, which FreeType puts in the metrics.
    ascent_ = static_cast<int>(face_->size->metrics.ascender >> 6);
    descent_ = static_cast<int>(-(face_->size->metrics.descender >> 6));
    copyright_ = string_property("COPYRIGHT");
  }
  ~Source() {
    FT_Done_Face(face_);
    FT_Done_FreeType(library_);
  }
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;

  int ascent() const { return ascent_; }
  int descent() const { return descent_; }
  const std::string& copyright() const { return copyright_; }

  std::vector<char32_t> characters() const {
    std::vector<char32_t> found;
    FT_UInt index = 0;
    for (FT_ULong c = FT_Get_First_Char(face_, &index); index != 0;
         c = FT_Get_Next_Char(face_, c, &index))
      found.push_back(static_cast<char32_t>(c));
    return found;
  }

  // The glyph in a cell of `rows` rows whose baseline is `shift` rows lower than the source's.
  Cell glyph(char32_t c, int rows, int shift) const {
    if (FT_Load_Char(face_, c, FT_LOAD_RENDER | FT_LOAD_TARGET_MONO) != 0)
      throw std::runtime_error("cannot load glyph U+" + std::to_string(c) + " from " + file_);
    const FT_GlyphSlot g = face_->glyph;
    const int advance = static_cast<int>(g->advance.x >> 6);
    Cell cell(std::max(advance, g->bitmap_left + static_cast<int>(g->bitmap.width)), rows, advance);
    const int top = ascent_ - g->bitmap_top + shift;
    for (unsigned y = 0; y < g->bitmap.rows; ++y)
      for (unsigned x = 0; x < g->bitmap.width; ++x)
        if ((g->bitmap.buffer[y * static_cast<unsigned>(g->bitmap.pitch) + x / 8] >> (7 - x % 8)) &
            1)
          cell.set(g->bitmap_left + static_cast<int>(x), top + static_cast<int>(y));
    return cell;
  }

 private:
  std::string string_property(const char* name) const {
    BDF_PropertyRec property{};
    if (FT_Get_BDF_Property(face_, name, &property) != 0 ||
        property.type != BDF_PROPERTY_TYPE_ATOM || property.u.atom == nullptr)
      return {};
    return property.u.atom;
  }

  std::string file_;
  FT_Library library_ = nullptr;
  FT_Face face_ = nullptr;
  int ascent_ = 0;
  int descent_ = 0;
  std::string copyright_;
};

// Makes the letter `rows_to_lose` rows shorter, keeping its baseline: rows repeating the row
// above them go first, from the longest such run, so stems shorten and bars and bowls stay.
void shorten(Cell& cell, int rows_to_lose) {
  const Box box = ink_box(cell);
  std::vector<int> kept;
  for (int y = box.top; y <= box.bottom; ++y) kept.push_back(y);
  auto same = [&](int a, int b) {
    for (int x = 0; x < cell.width; ++x)
      if (cell.at(x, a) != cell.at(x, b)) return false;
    return true;
  };
  for (int lost = 0; lost < rows_to_lose; ++lost) {
    // The middle row of the longest run of identical rows.
    std::size_t best_start = 0, best_length = 0;
    for (std::size_t i = 0; i < kept.size();) {
      std::size_t j = i + 1;
      while (j < kept.size() && same(kept[i], kept[j])) ++j;
      if (j - i > best_length) {
        best_length = j - i;
        best_start = i;
      }
      i = j;
    }
    if (best_length < 2) throw std::runtime_error("a capital has no row to spare");
    kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(best_start + best_length / 2));
  }
  Cell shorter(cell.width, cell.rows, cell.advance);
  int to = box.bottom;
  for (auto row = kept.rbegin(); row != kept.rend(); ++row, --to)
    for (int x = 0; x < cell.width; ++x)
      if (cell.at(x, *row)) shorter.set(x, to);
  cell = std::move(shorter);
}

struct Placed {
  const Art* art;
  int left;
  int top;
};

// The marks above the letter whose body spans `body` (columns and top row). `tone_beside`: the
// tone goes to the upper right of the circumflex or breve whatever it is, which costs no rows.
std::vector<Placed> marks_above(const Design& d, const Letter& letter, const Box& body,
                                bool tone_beside) {
  std::vector<Placed> placed;
  auto centred = [&](const Art& art) {
    // Centre on the body; an even difference of widths leans left, as Terminus's own marks do.
    return body.left + (body.right - body.left + 1 - art.width()) / 2;
  };
  const Mark tone = letter.tone == Mark::dot_below ? Mark::none : letter.tone;
  if (letter.hat == Mark::none) {
    if (tone != Mark::none) {
      const Art& art = d.art(tone);
      placed.push_back({&art, centred(art), body.top - d.gap_above - art.height()});
    }
    return placed;
  }
  const Art& hat = d.art(letter.hat);
  const Placed hat_at{&hat, centred(hat), body.top - d.gap_above - hat.height()};
  placed.push_back(hat_at);
  if (tone == Mark::none) return placed;
  const Art& art = d.art(tone);
  if (tone_beside || (letter.hat == Mark::circumflex && tone != Mark::tilde)) {
    // Beside the circumflex, raised: the Vietnamese placement, which keeps Ấ Ầ Ẩ short and
    // tells them from a plain stack at a glance.
    const int bottom = hat_at.top + hat.height() - 1 - d.side_raise;
    placed.push_back({&art, hat_at.left + hat.width() + d.side_gap, bottom - art.height() + 1});
  } else {
    const Art& stacked = tone == Mark::hook && letter.hat == Mark::breve ? d.hook_on_breve : art;
    placed.push_back({&stacked, centred(stacked), hat_at.top - d.gap_between - stacked.height()});
  }
  return placed;
}

Cell compose(const Source& source, const Design& d, int shift, int ascent, int x_height,
             char32_t c) {
  const Letter letter = decompose(c);
  const bool above =
      letter.hat != Mark::none || (letter.tone != Mark::none && letter.tone != Mark::dot_below);
  char32_t base = letter.base;
  if (base == U'i' && above) base = 0x0131;  // dotless ı under a mark
  const Cell letter_cell = source.glyph(base, d.rows, shift);
  // Shortens the letter until its marks (and horn) fit above it.
  auto fit = [&](bool tone_beside) {
    Cell cell = letter_cell;
    for (;;) {
      const Box body = ink_box(cell);
      int top = body.top;
      if (letter.horn_mark == Mark::horn) top = std::min(top, body.top - 1);
      for (const Placed& mark : marks_above(d, letter, body, tone_beside))
        top = std::min(top, mark.top);
      if (top >= 0) return cell;
      shorten(cell, -top);
    }
  };
  Cell cell = fit(false);
  // A capital shortened to a lowercase letter's height would pass for it (Ỗ for ỗ on 16 rows)
  // or shrink below it (Ằ to 6 rows): its tone then goes beside the circumflex or breve.
  bool tone_beside = false;
  if (utf8proc_isupper(static_cast<utf8proc_int32_t>(letter.base)) &&
      ink_box(cell).bottom - ink_box(cell).top + 1 <= x_height) {
    tone_beside = true;
    cell = fit(true);
  }
  const Box body = ink_box(cell);
  const std::vector<Placed> marks = marks_above(d, letter, body, tone_beside);

  if (letter.horn_mark == Mark::horn) {
    // From the letter's right shoulder (its first row reaching the rightmost column) up and out.
    int shoulder = body.top;
    while (!cell.at(body.right, shoulder)) ++shoulder;
    stamp(cell, d.horn, body.right + 1, shoulder - d.horn.height() + 1);
  }
  for (const Placed& mark : marks) stamp(cell, *mark.art, std::max(0, mark.left), mark.top);
  if (letter.tone == Mark::dot_below) {
    const Art& dot = d.dot_below;
    const int baseline_row = ascent - 1;
    int left = body.left + (body.right - body.left + 1 - dot.width()) / 2;
    int top = baseline_row + d.gap_below + 1;
    if (top + dot.height() > d.rows) throw std::runtime_error("no room for the dot below");
    if (body.bottom > baseline_row) {
      // ỵ: the descender has the rows below; the dot goes under the bowl's left, where it
      // cannot keep a clear row from the letter (the one exemption from the gap rule).
      top = baseline_row + 1;
      left = body.left + 1;
    }
    stamp(cell, dot, left, top);
  }
  const Box all = ink_box(cell);
  cell.advance = std::max(cell.advance, all.right + 2);
  return cell;
}

// ₫, which Terminus lacks (fees on notices are written with it): đ underlined in the
// descender rows, a clear row below the letter.
Cell dong_sign(const Source& source, const Design& d, int shift, int ascent) {
  Cell cell = source.glyph(U'đ', d.rows, shift);
  const Box body = ink_box(cell);
  const int underline = ascent + d.gap_below;
  for (int y = underline; y < underline + (d.rows >= 32 ? 2 : 1); ++y)
    for (int x = body.left; x <= body.right; ++x) cell.set(x, y);
  return cell;
}

std::string hex_row(const Cell& cell, int y) {
  const int bytes = (cell.width + 7) / 8;
  std::string hex;
  for (int b = 0; b < bytes; ++b) {
    unsigned value = 0;
    for (int bit = 0; bit < 8; ++bit)
      if (cell.at(b * 8 + bit, y)) value |= 0x80u >> static_cast<unsigned>(bit);
    char digits[3];
    std::snprintf(digits, sizeof digits, "%02X", value);
    hex += digits;
  }
  return hex;
}

void write_bdf(const std::string& out, const Design& d, int ascent,
               const std::map<char32_t, Cell>& glyphs, const std::string& copyright) {
  std::ofstream file(out);
  if (!file) throw std::runtime_error("cannot write " + out);
  const int descent = d.rows - ascent;
  int widest = 0;
  for (const auto& [c, cell] : glyphs) widest = std::max(widest, cell.width);
  file << "STARTFONT 2.1\n"
       << "FONT -bangtin-Bangtin LED-Bold-R-Normal--" << d.rows << "-" << d.rows * 10 << "-75-75-P-"
       << widest * 10 << "-ISO10646-1\n"
       << "SIZE " << d.rows << " 75 75\n"
       << "FONTBOUNDINGBOX " << widest << " " << d.rows << " 0 " << -descent << "\n"
       << "STARTPROPERTIES 11\n"
       << "FAMILY_NAME \"Bangtin LED\"\n"
       << "WEIGHT_NAME \"Bold\"\n"
       << "PIXEL_SIZE " << d.rows << "\n"
       << "POINT_SIZE " << d.rows * 10 << "\n"
       << "RESOLUTION_X 75\nRESOLUTION_Y 75\n"
       << "FONT_ASCENT " << ascent << "\n"
       << "FONT_DESCENT " << descent << "\n"
       << "CHARSET_REGISTRY \"ISO10646\"\nCHARSET_ENCODING \"1\"\n"
       << "COPYRIGHT \"Vietnamese letters: bangtin. Latin base and other glyphs: " << copyright
       << "; SIL Open Font License 1.1, derived from Terminus Font\"\n"
       << "ENDPROPERTIES\n"
       << "CHARS " << glyphs.size() << "\n";
  for (const auto& [c, cell] : glyphs) {
    char name[16];
    std::snprintf(name, sizeof name, "uni%04X", static_cast<unsigned>(c));
    file << "STARTCHAR " << name << "\nENCODING " << static_cast<unsigned long>(c) << "\n"
         << "SWIDTH " << cell.advance * 1000 / d.rows << " 0\nDWIDTH " << cell.advance << " 0\n"
         << "BBX " << cell.width << " " << d.rows << " 0 " << -descent << "\nBITMAP\n";
    for (int y = 0; y < d.rows; ++y) file << hex_row(cell, y) << "\n";
    file << "ENDCHAR\n";
  }
  file << "ENDFONT\n";
  if (!file) throw std::runtime_error("cannot write " + out);
}

int usage() {
  std::cerr << "usage: bangtin-led-font --source TERMINUS.pcf.gz --rows 16|24|32 --out FONT.bdf\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string source_file, out;
  int rows = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view option = argv[i];
    if (option == "--source")
      source_file = argv[i + 1];
    else if (option == "--out")
      out = argv[i + 1];
    else if (option == "--rows")
      rows = std::atoi(argv[i + 1]);
    else
      return usage();
  }
  if (argc % 2 == 0 || source_file.empty() || out.empty()) return usage();
  const Design* design = rows == 16   ? &kDesign16
                         : rows == 24 ? &kDesign24
                         : rows == 32 ? &kDesign32
                                      : nullptr;
  if (!design) return usage();
  try {
    const Source source(source_file, rows);
    // The baseline one row lower: Terminus leaves its cell's last row empty, and the marks
    // above need the row more than the descenders below.
    const int shift = rows - source.ascent() - source.descent() + 1;
    const int ascent = source.ascent() + shift;
    std::map<char32_t, Cell> glyphs;
    for (const char32_t c : source.characters()) {
      if (c >= 0x2500 && c < 0x2600) continue;  // box drawing fills the cell: not for signs
      glyphs.emplace(c, source.glyph(c, rows, shift));
    }
    const Box x = ink_box(source.glyph(U'x', rows, shift));
    const int x_height = x.bottom - x.top + 1;
    for (const char32_t c : vietnamese_letters())
      glyphs.insert_or_assign(c, compose(source, *design, shift, ascent, x_height, c));
    glyphs.insert_or_assign(U'₫', dong_sign(source, *design, shift, ascent));
    write_bdf(out, *design, ascent, glyphs, source.copyright());
  } catch (const std::exception& error) {
    std::cerr << "bangtin-led-font: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
