// Pictures and QR codes in items: QR codes read back by a real reader (zbarimg), whole-pixel
// modules and a lit quiet zone, the fit modes' geometry, mono dithering and colour light, the
// size limits checked from the header before anything is decoded, and damaged files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bangtin/renderer.hpp"
#include "image_file.hpp"
#include "picture_pixels.hpp"
#include "program_run.hpp"
#include "qr_code.hpp"

using namespace bangtin;
using namespace std::chrono_literals;

namespace {

const PanelGeometry kStreetBoard{128, 32, PixelFormat::mono};
const PanelGeometry kLobby{1920, 1080, PixelFormat::rgb888};

// A fresh directory for one test, removed afterwards.
class PictureDir {
 public:
  PictureDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("bangtin-picture-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()) +
             std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~PictureDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  PictureDir(const PictureDir&) = delete;
  PictureDir& operator=(const PictureDir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  std::filesystem::path write(const std::string& name, const std::string& bytes) const {
    const auto file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return file;
  }

 private:
  std::filesystem::path path_;
};

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// What the loader records for a media file: its size and last change.
FileStamp stamp_of(const std::filesystem::path& file) {
  FileStamp stamp;
  stamp.bytes = std::filesystem::file_size(file);
  stamp.modified_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::filesystem::last_write_time(file).time_since_epoch())
                          .count();
  return stamp;
}

TextStyle qr_style(const std::string& text, QrLevel level = QrLevel::medium) {
  TextStyle style;
  style.media.kind = MediaKind::qr;
  style.media.qr_text = text;
  style.media.qr_level = level;
  return style;
}

TextStyle image_style(const std::filesystem::path& file, PictureFit fit = PictureFit::whole) {
  TextStyle style;
  style.media.kind = MediaKind::image;
  style.media.file = file;
  style.media.stamp = stamp_of(file);
  style.media.fit = fit;
  return style;
}

TextRenderer renderer_for(const PanelGeometry& zone, Light light = {}) {
  return TextRenderer(zone, default_font(zone), RenderOptions{light, GlyphStyle::automatic});
}

// What a reader finds in the code: zbarimg's text, without the line it ends with; with `exact`,
// the bytes the code holds (-Sbinary: no guessing at their character set). Its stderr (D-Bus
// chatter in containers) is not the code's.
std::string qr_read(const std::filesystem::path& png, bool exact = false) {
  const auto run =
      bangtin::testing::run_program(std::string("zbarimg -q --raw ") + (exact ? "-Sbinary " : "") +
                                    "'" + png.string() + "' 2>/dev/null");
  std::string text = run.output;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::string qr_read(const Frame& frame, const PictureDir& dir, const std::string& name,
                    int scale = 1, bool exact = false) {
  const auto png = dir / name;
  write_png(frame, png, scale);
  return qr_read(png, exact);
}

// A rgb888 picture of one colour.
Frame solid(int width, int height, Rgb colour) {
  Frame frame = Frame::blank(width, height, PixelFormat::rgb888);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) frame.set_pixel(x, y, colour);
  return frame;
}

// Smallest rectangle holding every pixel that is not dark.
Rect lit_box(const Frame& frame) {
  int left = frame.width, top = frame.height, right = 0, bottom = 0;
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x)
      if (frame.pixel(x, y) != Rgb{}) {
        left = std::min(left, x);
        top = std::min(top, y);
        right = std::max(right, x + 1);
        bottom = std::max(bottom, y + 1);
      }
  return right > left ? Rect{left, top, right - left, bottom - top} : Rect{};
}

bool near(Rgb a, Rgb b, int tolerance) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance &&
         std::abs(a.b - b.b) <= tolerance;
}

// The part of `frame` inside `box`, as a frame of its own (rgb888, for comparing regions).
Frame region(const Frame& frame, Rect box) {
  Frame out = Frame::blank(box.width, box.height, PixelFormat::rgb888);
  for (int y = 0; y < box.height; ++y)
    for (int x = 0; x < box.width; ++x) out.set_pixel(x, y, frame.pixel(box.x + x, box.y + y));
  return out;
}

// Checks that the code at `at` in `frame`, `module` pixels a module, is exactly `modules`:
// every module a square of one colour (light: `light`, dark: black), the quiet zone light.
void expect_exact_code(const Frame& frame, Rect at, const qr_code::Modules& modules, int module,
                       Rgb light) {
  ASSERT_EQ(at.width, modules.side() * module);
  ASSERT_EQ(at.height, modules.side() * module);
  int wrong = 0;
  for (int row = 0; row < modules.side(); ++row)
    for (int column = 0; column < modules.side(); ++column) {
      const int r = row - qr_code::kQuietModules;
      const int c = column - qr_code::kQuietModules;
      const bool quiet = r < 0 || c < 0 || r >= modules.size || c >= modules.size;
      const bool dark = !quiet && modules.dark[static_cast<std::size_t>(r) * modules.size + c];
      const Rgb wanted = dark ? Rgb{} : light;
      for (int y = 0; y < module; ++y)
        for (int x = 0; x < module; ++x) {
          const Rgb seen = frame.pixel(at.x + column * module + x, at.y + row * module + y);
          if (seen != wanted && ++wrong <= 5)
            ADD_FAILURE() << "module " << row << "," << column << (quiet ? " (quiet zone)" : "")
                          << " pixel " << x << "," << y << " is " << int(seen.r) << ","
                          << int(seen.g) << "," << int(seen.b);
        }
    }
  EXPECT_EQ(wrong, 0);
}

}  // namespace

// --- QR codes ---------------------------------------------------------------------------------

TEST(QrItem, OnAStreetBoardIsReadBackByAPhoneAtOnePixelAModuleAndScaledUp) {
  PictureDir dir;
  // 17 bytes: version 1 at L, the largest code a 32-row board shows at one pixel a module.
  const std::string address = "dichvucong.gov.vn";
  const PreparedItem item = renderer_for(kStreetBoard).prepare("", qr_style(address, QrLevel::low));
  const Frame frame = item.frame_at(0ns);
  ASSERT_EQ(frame.geometry(), kStreetBoard);
  EXPECT_EQ(qr_read(frame, dir, "board.png"), address);
  EXPECT_EQ(qr_read(frame, dir, "board-x4.png", 4), address);
  // As the lobby's preview shows it, white LEDs.
  write_png(frame, dir / "white.png", 1, Rgb{255, 255, 255});
  EXPECT_EQ(qr_read(dir / "white.png"), address);
}

TEST(QrItem, ModulesAreWholePixelsAndTheQuietZoneIsFourLitModules) {
  const std::string address = "dichvucong.gov.vn";
  const PreparedItem item = renderer_for(kStreetBoard).prepare("", qr_style(address, QrLevel::low));
  const Frame frame = item.frame_at(0ns);
  const qr_code::Modules modules = qr_code::encode(address, QrLevel::low);
  EXPECT_EQ(modules.version, 1);
  // The lit quiet zone is the edge of what is lit: the code, quiet zone included, 29 x 29,
  // centred on the board, and nothing lit beyond it.
  const Rect code = lit_box(frame);
  EXPECT_EQ(code, (Rect{(128 - 29) / 2, (32 - 29) / 2, 29, 29}));
  expect_exact_code(frame, code, modules, 1, Rgb{255, 255, 255});
  int lit_outside = 0;
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x)
      if (frame.lit(x, y) && (x < code.x || x >= code.right() || y < code.y || y >= code.bottom()))
        ++lit_outside;
  EXPECT_EQ(lit_outside, 0);
}

TEST(QrItem, OnALobbyScreenHoldsVietnameseTextInLargeSquareModules) {
  PictureDir dir;
  const TextRenderer lobby = renderer_for(kLobby);
  for (const std::string& text :
       {std::string("Cổng Dịch vụ công"),
        std::string("Cổng Dịch vụ công quốc gia: https://dichvucong.gov.vn"),
        std::string("https://dichvucong.gov.vn")}) {
    SCOPED_TRACE(text);
    const PreparedItem item = lobby.prepare("", qr_style(text));
    const Frame frame = item.frame_at(0ns);
    ASSERT_EQ(frame.geometry(), kLobby);
    EXPECT_EQ(qr_read(frame, dir, "lobby.png", 1, true), text);

    // As many whole pixels a module as fit the screen's height, the code centred.
    const qr_code::Modules modules = qr_code::encode(text, QrLevel::medium);
    const int module = 1080 / modules.side();
    const Rect code = lit_box(frame);
    EXPECT_EQ(code.width, modules.side() * module);
    EXPECT_EQ(code.x, (1920 - code.width) / 2);
    EXPECT_EQ(code.y, (1080 - code.height) / 2);
    expect_exact_code(frame, code, modules, module, Rgb{255, 255, 255});
  }
}

TEST(QrItem, VietnameseTextIsReadAsUtf8WithoutGuessing) {
  PictureDir dir;
  const std::string text = "Cổng Dịch vụ công";
  const Frame frame = renderer_for(kLobby).prepare("", qr_style(text)).frame_at(0ns);
  EXPECT_EQ(qr_read(frame, dir, "lobby.png"), text);
}

TEST(QrItem, BesideScrollingTextStaysPutAndReadsAtEveryInstant) {
  PictureDir dir;
  TextStyle style = qr_style("dvc.gov.vn");
  style.effect = TextEffect::scroll;
  style.speed = 40;
  const PreparedItem item =
      renderer_for(kStreetBoard).prepare("Tra cứu hồ sơ trên Cổng Dịch vụ công quốc gia", style);
  ASSERT_GT(item.duration(), 3s);
  // The code in a square of the board's height at the left, the text in the rest.
  const Rect picture{0, 0, 32, 32};
  const Rect text{34, 0, 128 - 34, 32};
  const Frame first = item.frame_at(0ns);
  const Frame picture_part = region(first, picture);
  EXPECT_EQ(lit_box(picture_part), (Rect{1, 1, 29, 29}));
  std::vector<Frame> text_parts;
  for (auto at : {500ms, 1500ms, 2300ms, 3000ms}) {
    SCOPED_TRACE(at.count());
    const Frame frame = item.frame_at(at);
    EXPECT_EQ(region(frame, picture), picture_part);
    text_parts.push_back(region(frame, text));
    EXPECT_FALSE(lit_box(text_parts.back()).empty());
    EXPECT_EQ(qr_read(frame, dir, "caption.png"), "dvc.gov.vn");
    EXPECT_EQ(qr_read(frame, dir, "caption-x4.png", 4), "dvc.gov.vn");
  }
  // The text moves while the code stands; the gap between them stays dark.
  EXPECT_NE(text_parts[0], text_parts[1]);
  EXPECT_NE(text_parts[1], text_parts[2]);
  for (const auto at : {0ms, 1500ms, 3000ms}) {
    const Frame frame = item.frame_at(at);
    for (int y = 0; y < 32; ++y)
      for (int x = 32; x < 34; ++x) EXPECT_FALSE(frame.lit(x, y)) << x << "," << y;
  }
  // A pure function of the time into the play, in any order.
  EXPECT_EQ(item.frame_at(1500ms), item.frame_at(1500ms));
  const Frame late = item.frame_at(3000ms);
  item.frame_at(500ms);
  EXPECT_EQ(item.frame_at(3000ms), late);
  EXPECT_EQ(item.frame_at(0ns), first);
}

TEST(QrItem, TooLongForOnePixelAModuleNamesItsVersionAndWhatFits) {
  const std::string long_address = "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html";
  const qr_code::Modules modules = qr_code::encode(long_address, QrLevel::medium);
  ASSERT_GT(modules.side(), 32);
  const TextRenderer board = renderer_for(kStreetBoard);
  for (const bool drawn : {true, false}) {
    SCOPED_TRACE(drawn ? "prepare" : "measure");
    try {
      if (drawn)
        board.prepare("", qr_style(long_address));
      else
        board.measure("", qr_style(long_address));
      FAIL() << "a code of " << modules.side() << " modules on 32 rows";
    } catch (const MediaError& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("version " + std::to_string(modules.version)), std::string::npos)
          << message;
      // Version 1 at M holds 14 bytes (ISO/IEC 18004 table 7).
      EXPECT_NE(message.find("at most 14 characters"), std::string::npos) << message;
      EXPECT_NE(message.find(long_address), std::string::npos) << message;
    }
  }
  // At L the same board takes 17.
  try {
    board.prepare("", qr_style(long_address, QrLevel::low));
    FAIL();
  } catch (const MediaError& error) {
    EXPECT_NE(std::string(error.what()).find("at most 17 characters"), std::string::npos)
        << error.what();
  }
}

// --- Pictures: how they fit --------------------------------------------------------------------

namespace {

// A 2:1 picture, 200 x 100: blue quarters at the left and right, a red half in the middle.
Frame two_to_one() {
  Frame picture = solid(200, 100, Rgb{220, 30, 30});
  for (int y = 0; y < 100; ++y)
    for (int x = 0; x < 200; ++x)
      if (x < 50 || x >= 150) picture.set_pixel(x, y, Rgb{30, 30, 220});
  return picture;
}

// A picture whose every pixel differs from its neighbours, for 1:1 checks.
Frame pattern(int width, int height) {
  Frame picture = Frame::blank(width, height, PixelFormat::rgb888);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      picture.set_pixel(x, y,
                        Rgb{static_cast<std::uint8_t>(x), static_cast<std::uint8_t>(y),
                            static_cast<std::uint8_t>(1 + (x * 7 + y * 13) % 250)});
  return picture;
}

}  // namespace

TEST(ImageItem, WholeShowsAllOfAWidePictureBetweenDarkBarsCentred) {
  PictureDir dir;
  write_png(two_to_one(), dir / "wide.png");
  const PanelGeometry square{64, 64, PixelFormat::rgb888};
  const Frame frame = renderer_for(square).prepare("", image_style(dir / "wide.png")).frame_at(0ns);
  ASSERT_EQ(frame.geometry(), square);
  // 64 x 32 of picture, 16 dark rows above and below.
  EXPECT_EQ(lit_box(frame), (Rect{0, 16, 64, 32}));
  for (int y = 16; y < 48; ++y) {
    EXPECT_TRUE(near(frame.pixel(32, y), Rgb{220, 30, 30}, 3)) << y;
    EXPECT_TRUE(near(frame.pixel(2, y), Rgb{30, 30, 220}, 3)) << y;
    EXPECT_TRUE(near(frame.pixel(61, y), Rgb{30, 30, 220}, 3)) << y;
  }
}

TEST(ImageItem, FillCoversTheZoneCuttingTheSidesOff) {
  PictureDir dir;
  write_png(two_to_one(), dir / "wide.png");
  const PanelGeometry square{64, 64, PixelFormat::rgb888};
  const Frame frame = renderer_for(square)
                          .prepare("", image_style(dir / "wide.png", PictureFit::fill))
                          .frame_at(0ns);
  // No dark edge: every pixel is the picture's. Scaled to 128 x 64, the middle 64 columns are
  // the red half, the blue quarters cut off (a blend only where they met it, at the very edge).
  int dark = 0;
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x) {
      const Rgb c = frame.pixel(x, y);
      if (std::max({c.r, c.g, c.b}) < 100) ++dark;
      if (x >= 3 && x < 61) {
        EXPECT_TRUE(near(c, Rgb{220, 30, 30}, 3)) << x << "," << y;
      }
    }
  EXPECT_EQ(dark, 0);
}

TEST(ImageItem, CentreShowsThePicturePixelForPixel) {
  PictureDir dir;
  const Frame big = pattern(200, 100);
  write_png(big, dir / "big.png");
  const PanelGeometry square{64, 64, PixelFormat::rgb888};
  const TextRenderer renderer = renderer_for(square);
  const Frame cut =
      renderer.prepare("", image_style(dir / "big.png", PictureFit::centre)).frame_at(0ns);
  // Its middle 64 x 64, unscaled.
  EXPECT_EQ(cut, region(big, Rect{68, 18, 64, 64}));

  const Frame small = pattern(20, 10);
  write_png(small, dir / "small.png");
  const Frame framed =
      renderer.prepare("", image_style(dir / "small.png", PictureFit::centre)).frame_at(0ns);
  EXPECT_EQ(region(framed, Rect{22, 27, 20, 10}), small);
  EXPECT_EQ(lit_box(framed), (Rect{22, 27, 20, 10}));
}

TEST(ImageItem, FittedSizeKeepsTheShapeOnlyForWhole) {
  using picture_pixels::fitted_size;
  const auto size = [](picture_pixels::Size s) { return std::pair(s.width, s.height); };
  EXPECT_EQ(size(fitted_size(200, 100, 64, 64, PictureFit::whole)), std::pair(64, 32));
  EXPECT_EQ(size(fitted_size(100, 200, 64, 64, PictureFit::whole)), std::pair(32, 64));
  EXPECT_EQ(size(fitted_size(10, 5, 1920, 1080, PictureFit::whole)), std::pair(1920, 960));
  EXPECT_EQ(size(fitted_size(200, 100, 64, 64, PictureFit::fill)), std::pair(64, 64));
  EXPECT_EQ(size(fitted_size(200, 100, 64, 64, PictureFit::centre)), std::pair(64, 64));
  // A sliver never vanishes: at least a pixel.
  EXPECT_EQ(size(fitted_size(10000, 1, 64, 64, PictureFit::whole)), std::pair(64, 1));
}

TEST(ImageItem, BesideTextTakesItsShapeAtTheZoneHeightAndNeverMoreThanHalf) {
  PictureDir dir;
  write_png(solid(40, 20, Rgb{0, 200, 0}), dir / "logo.png");
  const PanelGeometry board{128, 32, PixelFormat::rgb888};
  TextStyle style = image_style(dir / "logo.png");
  style.media.side = PictureSide::right;
  style.effect = TextEffect::still;
  const PreparedItem item = renderer_for(board).prepare("Một cửa", style);
  const Frame frame = item.frame_at(0ns);
  // 2:1 at 32 rows: 64 wide, at the right; the text left of it, a 2-pixel gap between.
  const Frame picture = region(frame, Rect{64, 0, 64, 32});
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 64; ++x) ASSERT_TRUE(near(picture.pixel(x, y), Rgb{0, 200, 0}, 3));
  EXPECT_EQ(lit_box(region(frame, Rect{62, 0, 2, 32})), Rect{});
  const Rect text = lit_box(region(frame, Rect{0, 0, 62, 32}));
  EXPECT_FALSE(text.empty());

  // A wider picture still leaves the text half the zone.
  write_png(solid(400, 20, Rgb{0, 200, 0}), dir / "banner.png");
  TextStyle banner = image_style(dir / "banner.png");
  banner.effect = TextEffect::still;
  const Frame half = renderer_for(board).prepare("Một cửa", banner).frame_at(0ns);
  EXPECT_GT(half.pixel(63, 16).g, 100);
  EXPECT_EQ(lit_box(region(half, Rect{64, 0, 2, 32})), Rect{});
}

// --- Pictures: mono and colour light -----------------------------------------------------------

TEST(ImageItem, OnAMonoBoardBlackAndWhiteComeOutExactAndGreyHalfLit) {
  PictureDir dir;
  const PanelGeometry board{64, 32, PixelFormat::mono};
  const TextRenderer renderer = renderer_for(board);
  // A pictogram: a white frame and a white bar on black, exact at the board's size.
  Frame pictogram = solid(64, 32, Rgb{});
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 64; ++x)
      if (x < 2 || x >= 62 || y < 2 || y >= 30 || (y >= 14 && y < 18 && x >= 10 && x < 54))
        pictogram.set_pixel(x, y, Rgb{255, 255, 255});
  write_png(pictogram, dir / "pictogram.png");
  const Frame drawn = renderer.prepare("", image_style(dir / "pictogram.png")).frame_at(0ns);
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 64; ++x)
      ASSERT_EQ(drawn.lit(x, y), pictogram.pixel(x, y) != Rgb{}) << x << "," << y;

  write_png(solid(64, 32, Rgb{255, 255, 255}), dir / "white.png");
  write_png(solid(64, 32, Rgb{}), dir / "black.png");
  EXPECT_EQ(renderer.prepare("", image_style(dir / "white.png")).frame_at(0ns).lit_count(),
            64 * 32);
  EXPECT_EQ(renderer.prepare("", image_style(dir / "black.png")).frame_at(0ns).lit_count(), 0);

  // 50 % grey: about half the LEDs, evenly (each 8 x 8 block between a quarter and three
  // quarters lit).
  write_png(solid(64, 32, Rgb{128, 128, 128}), dir / "grey.png");
  const Frame grey = renderer.prepare("", image_style(dir / "grey.png")).frame_at(0ns);
  EXPECT_GE(grey.lit_count(), 64 * 32 * 40 / 100);
  EXPECT_LE(grey.lit_count(), 64 * 32 * 60 / 100);
  for (int by = 0; by < 32; by += 8)
    for (int bx = 0; bx < 64; bx += 8) {
      int lit = 0;
      for (int y = by; y < by + 8; ++y)
        for (int x = bx; x < bx + 8; ++x) lit += grey.lit(x, y);
      EXPECT_GE(lit, 16) << bx << "," << by;
      EXPECT_LE(lit, 48) << bx << "," << by;
    }
  // Through gamma 2.2, grey 186 is half the light.
  const Frame led =
      renderer_for(board, Light{2.2, 100}).prepare("", image_style(dir / "grey.png")).frame_at(0ns);
  EXPECT_LT(led.lit_count(), grey.lit_count() / 2);
  write_png(solid(64, 32, Rgb{186, 186, 186}), dir / "grey186.png");
  const Frame half = renderer_for(board, Light{2.2, 100})
                         .prepare("", image_style(dir / "grey186.png"))
                         .frame_at(0ns);
  EXPECT_GE(half.lit_count(), 64 * 32 * 40 / 100);
  EXPECT_LE(half.lit_count(), 64 * 32 * 60 / 100);
}

TEST(ImageItem, BrightnessZeroIsDarkOnMonoAndColour) {
  PictureDir dir;
  write_png(solid(64, 32, Rgb{255, 255, 255}), dir / "white.png");
  for (const PixelFormat format : {PixelFormat::mono, PixelFormat::rgb565, PixelFormat::rgb888}) {
    SCOPED_TRACE(std::string(to_string(format)));
    const PanelGeometry zone{64, 32, format};
    const Frame frame =
        renderer_for(zone, Light{1.0, 0}).prepare("", image_style(dir / "white.png")).frame_at(0ns);
    EXPECT_EQ(frame, Frame::blank(64, 32, format));
    const Frame qr = renderer_for(zone, Light{2.2, 0}).prepare("", qr_style("dvc")).frame_at(0ns);
    EXPECT_EQ(qr, Frame::blank(64, 32, format));
  }
}

TEST(ImageItem, ColourGoesThroughGammaAndBrightnessAsTextDoes) {
  PictureDir dir;
  // Bands of levels, 8 pixels wide each, in every channel differently.
  const std::vector<int> levels{0, 1, 20, 64, 100, 128, 180, 200, 230, 250, 254, 255};
  const int width = static_cast<int>(levels.size()) * 8;
  Frame bands = Frame::blank(width, 16, PixelFormat::rgb888);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < width; ++x) {
      const int v = levels[static_cast<std::size_t>(x / 8)];
      bands.set_pixel(x, y,
                      Rgb{static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(255 - v),
                          static_cast<std::uint8_t>(v / 2)});
    }
  write_png(bands, dir / "bands.png");
  const PanelGeometry zone{width, 16, PixelFormat::rgb888};
  const Light light{2.2, 50};
  const Frame frame =
      renderer_for(zone, light).prepare("", image_style(dir / "bands.png")).frame_at(0ns);
  const auto through = [&](int v) {
    return static_cast<int>(
        std::lround(255 * std::pow(v / 255.0, light.gamma) * light.brightness / 100.0));
  };
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < width; ++x) {
      const int v = levels[static_cast<std::size_t>(x / 8)];
      const Rgb c = frame.pixel(x, y);
      ASSERT_EQ(c.r, through(v)) << v;
      ASSERT_EQ(c.g, through(255 - v)) << v;
      ASSERT_EQ(c.b, through(v / 2)) << v;
    }
}

TEST(ImageItem, LitGivesThePixelsOfPreparingInThatLight) {
  PictureDir dir;
  write_png(pattern(100, 50), dir / "photo.png");
  const Light day{1.0, 100};
  const Light night{2.2, 30};
  for (const PanelGeometry& zone :
       {PanelGeometry{128, 32, PixelFormat::mono}, PanelGeometry{128, 32, PixelFormat::rgb565},
        PanelGeometry{160, 64, PixelFormat::rgb888}}) {
    SCOPED_TRACE(std::string(to_string(zone.format)));
    for (const TextStyle& style : {image_style(dir / "photo.png"), qr_style("dvc.gov.vn")}) {
      for (const std::string& text : {std::string(), std::string("Giờ làm việc 7:30 - 17:00")}) {
        const PreparedItem daylight = renderer_for(zone, day).prepare(text, style);
        const Frame before = daylight.frame_at(1s);
        const PreparedItem dimmed = daylight.lit(night);
        const PreparedItem at_night = renderer_for(zone, night).prepare(text, style);
        for (auto at : {0ms, 1000ms, 2500ms})
          EXPECT_EQ(dimmed.frame_at(at), at_night.frame_at(at)) << at.count();
        PreparedItem set = daylight;
        set.set_light(night);
        EXPECT_EQ(set.frame_at(1s), at_night.frame_at(1s));
        EXPECT_EQ(daylight.frame_at(1s), before);  // the item they were made from is as it was
      }
    }
  }
}

TEST(ImageItem, BytesCountThePicture) {
  PictureDir dir;
  write_png(pattern(200, 100), dir / "photo.png");
  const TextRenderer lobby = renderer_for(kLobby);
  const PreparedItem photo = lobby.prepare("", image_style(dir / "photo.png"));
  // The zone-sized picture: in full light on rgb888 its pixels are the picture, kept once.
  const std::size_t screen = std::size_t{1920} * 1080 * 3;
  EXPECT_GE(photo.bytes(), screen);
  EXPECT_LT(photo.bytes(), 2 * screen);
  const PreparedItem code = lobby.prepare("", qr_style("dvc.gov.vn"));
  EXPECT_GE(code.bytes(), screen);
  // Dimmed, the picture before light is kept beside its pixels (to be lit again).
  EXPECT_GE(photo.lit(Light{1.0, 50}).bytes(), 2 * screen);
  EXPECT_EQ(photo.lit(Light{1.0, 50}).lit(Light{}).frame_at(0s), photo.frame_at(0s));

  // On a board: the code alone takes the zone; beside text, a square of the zone's height, and
  // the item holds that and its text.
  const TextStyle code_style = qr_style("dvc.gov.vn");
  const std::size_t alone = renderer_for(kStreetBoard).prepare("", code_style).bytes();
  EXPECT_GE(alone, std::size_t{128} * 32 * 3 + 32 * (128 / 8));
  const std::size_t square =
      renderer_for({32, 32, PixelFormat::mono}).prepare("", code_style).bytes();
  EXPECT_GE(square, std::size_t{32} * 32 * 3 + 32 * (32 / 8));
  const std::size_t beside =
      renderer_for(kStreetBoard).prepare("Tra cứu hồ sơ", code_style).bytes();
  EXPECT_GT(beside, square + 94 * 32);  // the text's coverage, a byte a pixel, at the least
}

TEST(ImageItem, APictureAloneStandsForItsDurationOrTenSeconds) {
  PictureDir dir;
  write_png(solid(10, 10, Rgb{255, 255, 255}), dir / "dot.png");
  const TextRenderer board = renderer_for(kStreetBoard);
  TextStyle style = image_style(dir / "dot.png");
  EXPECT_EQ(board.prepare("", style).duration(), kPictureHold);
  EXPECT_EQ(board.measure("", style).duration, kPictureHold);
  style.duration = 3s;
  const PreparedItem item = board.prepare("", style);
  EXPECT_EQ(item.duration(), 3s);
  EXPECT_EQ(item.frame_at(0s), item.frame_at(2900ms));
  EXPECT_EQ(board.measure("", style), (PlayTiming{3s, 0s}));
}

// --- Limits and damaged files ------------------------------------------------------------------

namespace {

// A PNG signature and an IHDR chunk claiming `width` x `height`, and nothing after (its CRC is
// wrong: the size is refused before anything would check it).
std::string png_header(std::uint32_t width, std::uint32_t height) {
  std::string bytes = "\x89PNG\r\n\x1a\n";
  const auto big_endian = [&](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((v >> shift) & 0xFF);
  };
  big_endian(13);
  bytes += "IHDR";
  big_endian(width);
  big_endian(height);
  bytes += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, no interlace
  big_endian(0);                                    // CRC
  return bytes;
}

// The MediaError `attempt` throws, or a failure.
template <typename F>
std::string media_error(F attempt) {
  try {
    attempt();
  } catch (const MediaError& error) {
    return error.what();
  } catch (const std::exception& error) {
    ADD_FAILURE() << "not a MediaError: " << error.what();
    return {};
  }
  ADD_FAILURE() << "no error";
  return {};
}

}  // namespace

TEST(ImageLimits, AHugePictureIsRefusedFromItsHeaderQuickly) {
  PictureDir dir;
  const auto file = dir.write("huge.png", png_header(50000, 50000));
  const auto started = std::chrono::steady_clock::now();
  const std::string peeked = media_error([&] { image_file::peek_size(file); });
  EXPECT_NE(peeked.find("huge.png"), std::string::npos) << peeked;
  EXPECT_NE(peeked.find("50000x50000"), std::string::npos) << peeked;
  EXPECT_NE(peeked.find("megapixels"), std::string::npos) << peeked;
  EXPECT_EQ(media_error([&] { image_file::decode(file); }), peeked);
  const TextRenderer lobby = renderer_for(kLobby);
  EXPECT_EQ(media_error([&] { lobby.prepare("", image_style(file)); }), peeked);
  EXPECT_EQ(media_error([&] { lobby.measure("", image_style(file)); }), peeked);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);

  // Within the pixels but too long a side.
  const auto strip = dir.write("strip.png", png_header(20000, 100));
  const std::string side = media_error([&] { image_file::peek_size(strip); });
  EXPECT_NE(side.find("16384 pixels a side"), std::string::npos) << side;
  // A header of just under the limits passes the peek.
  const auto fine = dir.write("fine.png", png_header(7000, 5000));
  EXPECT_EQ(image_file::peek_size(fine).width, 7000);
}

TEST(ImageLimits, AFileOverSixtyFourMegabytesIsRefusedUnread) {
  PictureDir dir;
  const auto file = dir.write("scan.png", png_header(100, 100));
  std::filesystem::resize_file(file, (std::uintmax_t{64} << 20) + 1);  // sparse: no disk taken
  const std::string message = media_error([&] { image_file::peek_size(file); });
  EXPECT_NE(message.find("scan.png"), std::string::npos) << message;
  EXPECT_NE(message.find("64 MB"), std::string::npos) << message;
}

TEST(ImageLimits, FilesThatAreNoPictureOrDamagedAreMediaErrorsNamingTheFile) {
  PictureDir dir;
  const TextRenderer board = renderer_for(kStreetBoard);
  const auto text = dir.write("poster.png", "Nộp hồ sơ trực tuyến\n");
  const auto empty = dir.write("empty.png", "");
  Frame noise = pattern(200, 100);
  write_png(noise, dir / "whole.png");
  const std::string png = read_bytes(dir / "whole.png");
  const auto truncated = dir.write("truncated.png", png.substr(0, png.size() / 2));
  ASSERT_EQ(image_file::peek_size(truncated).width, 200);  // the header is whole

  for (const auto& file : {text, empty, truncated}) {
    SCOPED_TRACE(file.filename().string());
    const std::string message = media_error([&] { board.prepare("", image_style(file)); });
    EXPECT_NE(message.find(file.filename().string()), std::string::npos) << message;
    EXPECT_EQ(media_error([&] { image_file::decode(file); }), message);
    EXPECT_EQ(media_error([&] { board.measure("", image_style(file)); }), message);
  }
  EXPECT_NE(media_error([&] { image_file::peek_size(dir / "gone.png"); }).find("gone.png"),
            std::string::npos);
}

TEST(ImageLimits, ASizeIsCheckedOnceAStamp) {
  PictureDir dir;
  write_png(pattern(30, 20), dir / "logo.png");
  const auto file = dir / "logo.png";
  const FileStamp first = stamp_of(file);
  EXPECT_EQ(image_file::checked_size(file, first).width, 30);
  // The same stamp is taken at its word, whatever the file holds now; a new stamp reads it anew.
  dir.write("logo.png", "no longer a picture");
  EXPECT_EQ(image_file::checked_size(file, first).height, 20);
  FileStamp second = stamp_of(file);
  second.modified_ns += 1;  // however quick the rewrite
  EXPECT_NE(media_error([&] { image_file::checked_size(file, second); }).find("logo.png"),
            std::string::npos);
  // A failure is remembered too.
  EXPECT_NE(media_error([&] { image_file::checked_size(file, second); }).find("logo.png"),
            std::string::npos);
}

// --- JPEG and WebP ----------------------------------------------------------------------------

namespace {

// ffmpeg's test card as a file; false when ffmpeg cannot make it.
bool test_card(const std::filesystem::path& file, const std::string& codec_options = "") {
  const auto run = bangtin::testing::run_program(
      "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x180 "
      "-frames:v 1 " +
      codec_options + " '" + file.string() + "' 2>&1");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  return run.exit_code == 0 && std::filesystem::exists(file);
}

bool has_encoder(const std::string& name) {
  const auto run = bangtin::testing::run_program("ffmpeg -hide_banner -encoders 2>/dev/null");
  return run.output.find(" " + name + " ") != std::string::npos;
}

void expect_reads(const std::filesystem::path& file) {
  const image_file::Size peeked = image_file::peek_size(file);
  EXPECT_EQ(peeked.width, 320);
  EXPECT_EQ(peeked.height, 180);
  const Frame decoded = image_file::decode(file);
  EXPECT_EQ(decoded.width, 320);
  EXPECT_EQ(decoded.height, 180);
  EXPECT_EQ(decoded.format, PixelFormat::rgb888);
  EXPECT_GT(lit_box(decoded).width, 300);
  // And as an item, scaled onto a board.
  const Frame frame =
      renderer_for({160, 90, PixelFormat::rgb888}).prepare("", image_style(file)).frame_at(0ns);
  EXPECT_EQ(lit_box(frame), (Rect{0, 0, 160, 90}));
}

}  // namespace

// The chunk after "WEBP" in a WebP file: which of the three headers it has.
std::string webp_kind(const std::filesystem::path& file) { return read_bytes(file).substr(12, 4); }

TEST(ImageFormats, JpegDecodesAtTheSizeItsHeaderGives) {
  PictureDir dir;
  ASSERT_TRUE(test_card(dir / "card.jpg"));
  expect_reads(dir / "card.jpg");
  ASSERT_TRUE(test_card(dir / "full-colour.jpeg", "-c:v mjpeg -q:v 3 -pix_fmt yuvj444p"));
  expect_reads(dir / "full-colour.jpeg");
}

TEST(ImageFormats, WebpOfEachHeaderDecodesAtTheSizeItGives) {
  if (!has_encoder("libwebp")) GTEST_SKIP() << "this ffmpeg has no libwebp encoder";
  PictureDir dir;
  ASSERT_TRUE(test_card(dir / "lossy.webp"));  // ffmpeg's default for .webp
  EXPECT_EQ(webp_kind(dir / "lossy.webp"), "VP8 ");
  expect_reads(dir / "lossy.webp");
  ASSERT_TRUE(test_card(dir / "lossless.webp", "-c:v libwebp -lossless 1"));
  EXPECT_EQ(webp_kind(dir / "lossless.webp"), "VP8L");
  expect_reads(dir / "lossless.webp");
  // With transparency: the extended header.
  ASSERT_TRUE(
      test_card(dir / "extended.webp", "-vf format=rgba,colorchannelmixer=aa=0.5 -c:v libwebp"));
  EXPECT_EQ(webp_kind(dir / "extended.webp"), "VP8X");
  expect_reads(dir / "extended.webp");
  // Transparent parts over black: half-transparent is half as bright (on the whole: lossy).
  const auto brightness = [](const Frame& frame) {
    double sum = 0;
    for (const std::uint8_t byte : frame.bytes) sum += byte;
    return sum / static_cast<double>(frame.bytes.size());
  };
  const double opaque = brightness(image_file::decode(dir / "lossy.webp"));
  const double half = brightness(image_file::decode(dir / "extended.webp"));
  EXPECT_NEAR(half / opaque, 0.5, 0.05);
}

TEST(ImageFormats, APngWithTransparencyIsOverBlack) {
  PictureDir dir;
  ASSERT_TRUE(test_card(dir / "opaque.png"));
  ASSERT_TRUE(test_card(dir / "half.png", "-vf format=rgba,colorchannelmixer=aa=0.5"));
  expect_reads(dir / "half.png");
  const Frame opaque = image_file::decode(dir / "opaque.png");
  const Frame half = image_file::decode(dir / "half.png");
  for (int y = 0; y < 180; ++y)
    for (int x = 0; x < 320; ++x) {
      const Rgb full = opaque.pixel(x, y);
      ASSERT_TRUE(
          near(half.pixel(x, y),
               Rgb{static_cast<std::uint8_t>(full.r / 2), static_cast<std::uint8_t>(full.g / 2),
                   static_cast<std::uint8_t>(full.b / 2)},
               1))
          << x << "," << y;
    }
}
