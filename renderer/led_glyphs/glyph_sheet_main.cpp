// bangtin-glyph-sheet: every Vietnamese letter and a few sentences on a 16-, 24- or 32-row mono
// board, in today's crisp glyphs (left) and the LED glyphs (right), drawn as LED dots, for
// people to judge the glyphs as a passer-by sees them.
//
//   bangtin-glyph-sheet --out sheet.png [--rows 16|24|32] [--scale 6]
#include <algorithm>
#include <charconv>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "bangtin/renderer.hpp"

using namespace bangtin;

namespace {

// One line a vowel, each with its six tones; then đ, and the sentences of the issue.
std::vector<std::string> sheet_lines() {
  return {
      "a à á ả ã ạ  ă ằ ắ ẳ ẵ ặ  â ầ ấ ẩ ẫ ậ", "A À Á Ả Ã Ạ  Ă Ằ Ắ Ẳ Ẵ Ặ  Â Ầ Ấ Ẩ Ẫ Ậ",
      "e è é ẻ ẽ ẹ  ê ề ế ể ễ ệ  i ì í ỉ ĩ ị", "E È É Ẻ Ẽ Ẹ  Ê Ề Ế Ể Ễ Ệ  I Ì Í Ỉ Ĩ Ị",
      "o ò ó ỏ õ ọ  ô ồ ố ổ ỗ ộ  ơ ờ ớ ở ỡ ợ", "O Ò Ó Ỏ Õ Ọ  Ô Ồ Ố Ổ Ỗ Ộ  Ơ Ờ Ớ Ở Ỡ Ợ",
      "u ù ú ủ ũ ụ  ư ừ ứ ử ữ ự  y ỳ ý ỷ ỹ ỵ", "U Ù Ú Ủ Ũ Ụ  Ư Ừ Ứ Ử Ữ Ự  Y Ỳ Ý Ỷ Ỹ Ỵ",
      "đ Đ  hồ sơ hổ hố  ư ứ ử  ồ ỗ ổ  à ã ả", "Người dân nộp hồ sơ trực tuyến",
      "Bộ phận Một cửa: thứ Hai – thứ Sáu",    "ẤẦẨẪẬ ẮẰẲẴẶ ẾỀỂỄỆ ỐỒỔỖỘ ỚỜỞỠỢ ỨỪỬỮỰ",
  };
}

// The line as the board would show it standing still, in a zone wide enough for it.
Frame board_line(const std::string& text, int rows, GlyphStyle glyphs, int width) {
  const PanelGeometry zone{width, rows, PixelFormat::mono};
  const TextRenderer renderer(zone, default_font(zone, glyphs), RenderOptions{Light{}, glyphs});
  TextStyle style{TextEffect::still};
  return renderer.prepare(text, style).frame_at(std::chrono::nanoseconds{0});
}

void copy_lit(const Frame& from, Frame& to, int left, int top) {
  for (int y = 0; y < from.height; ++y)
    for (int x = 0; x < from.width; ++x)
      if (from.lit(x, y)) to.set_pixel(left + x, top + y, Rgb{255, 255, 255});
}

int usage() {
  std::cerr << "usage: bangtin-glyph-sheet --out SHEET.png [--rows 16|24|32] [--scale N]\n"
               "  Draws every Vietnamese letter and sample sentences on a mono board of ROWS rows\n"
               "  (16 when not given): crisp glyphs on the left, LED glyphs on the right.\n";
  return 2;
}

bool parse_int(std::string_view text, int& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  int rows = 16;
  int scale = 6;
  for (int i = 1; i < argc; ++i) {
    const std::string_view option = argv[i];
    if (option == "--help") {
      usage();
      return 0;
    }
    if (i + 1 >= argc) return usage();
    const std::string_view value = argv[++i];
    if (option == "--out") {
      out = value;
    } else if (option == "--rows") {
      if (!parse_int(value, rows) || (rows != 16 && rows != 24 && rows != 32)) return usage();
    } else if (option == "--scale") {
      if (!parse_int(value, scale) || scale < 1 || scale > 16) return usage();
    } else {
      return usage();
    }
  }
  if (out.empty()) return usage();
  try {
    // Each column headed by its style's name, in its own glyphs.
    std::vector<std::string> lines = sheet_lines();
    lines.insert(lines.begin(), "");
    // Room for the longest line in the wider of the two glyph styles.
    const int width = rows * 24;
    const int gutter = rows;        // dark columns between the two styles
    const int line_gap = rows / 4;  // dark rows between lines
    const int height = static_cast<int>(lines.size()) * (rows + line_gap);
    Frame sheet = Frame::blank(2 * width + gutter, height, PixelFormat::mono);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const int top = static_cast<int>(i) * (rows + line_gap);
      copy_lit(board_line(i == 0 ? "glyphs: crisp" : lines[i], rows, GlyphStyle::crisp, width),
               sheet, 0, top);
      copy_lit(board_line(i == 0 ? "glyphs: led" : lines[i], rows, GlyphStyle::led, width), sheet,
               width + gutter, top);
    }
    write_png(led_dot_preview(sheet, scale), out);
  } catch (const std::exception& error) {
    std::cerr << "bangtin-glyph-sheet: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
