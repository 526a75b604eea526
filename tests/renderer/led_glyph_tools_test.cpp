// The two programs of the LED glyphs, run as the build and a person run them: bangtin-led-font,
// which makes the BDF strikes from Terminus, and bangtin-glyph-sheet, which draws them for people
// to judge. Bad arguments and unusable fonts get a usage or a reason, never a font of garbage.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "program_run.hpp"

using bangtin::testing::run_program;

namespace {

const std::string kBuild = BANGTIN_BINARY_DIR;
const std::string kGenerator = kBuild + "/renderer/bangtin-led-font";
const std::string kSheet = kBuild + "/renderer/bangtin-glyph-sheet";
const std::string kTerminus16 = "/usr/share/fonts/X11/misc/ter-u16b_unicode.pcf.gz";

// A directory of the test's own, gone when the test ends.
struct Scratch {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("bangtin-led-tools-" + std::to_string(::getpid()));
  Scratch() { std::filesystem::create_directories(dir); }
  ~Scratch() { std::filesystem::remove_all(dir); }
  std::filesystem::path operator()(const std::string& name) const { return dir / name; }
};

// A PNG's size, from its IHDR chunk (big-endian width and height at bytes 16 and 20).
std::pair<int, int> png_size(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  unsigned char header[24] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  auto be32 = [&](int at) {
    return static_cast<int>((std::uint32_t{header[at]} << 24) | (header[at + 1] << 16) |
                            (header[at + 2] << 8) | header[at + 3]);
  };
  return {be32(16), be32(20)};
}

}  // namespace

TEST(LedGlyphTools, TheGeneratorWritesTheSameFontTheBuildMade) {
  const Scratch scratch;
  const auto out = scratch("led-16.bdf");
  const auto run = run_program(kGenerator + " --source " + kTerminus16 + " --rows 16 --out " +
                               out.string() + " 2>&1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::ifstream made(out);
  std::ifstream built(kBuild + "/renderer/fonts/bangtin-led-16.bdf");
  const std::string a((std::istreambuf_iterator<char>(made)), std::istreambuf_iterator<char>());
  const std::string b((std::istreambuf_iterator<char>(built)), std::istreambuf_iterator<char>());
  EXPECT_EQ(a, b);  // generated, not hand-edited: the same input gives the same bytes
  EXPECT_NE(a.find("FAMILY_NAME \"Bangtin LED\""), std::string::npos);
  EXPECT_EQ(a.find("FAMILY_NAME \"Terminus"), std::string::npos);  // the OFL reserves the name
}

TEST(LedGlyphTools, TheGeneratorRefusesWhatItCannotMakeAFontOf) {
  const Scratch scratch;
  const auto out = scratch("refused.bdf");
  // A height it has no marks drawn for.
  auto run = run_program(kGenerator + " --source " + kTerminus16 + " --rows 20 --out " +
                         out.string() + " 2>&1");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("usage: bangtin-led-font"), std::string::npos);
  // An outline font, or a strike of another height.
  run = run_program(kGenerator +
                    " --source /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf --rows 16 --out " +
                    out.string() + " 2>&1");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("DejaVuSans.ttf is not a 16-row bitmap font"), std::string::npos)
      << run.output;
  run = run_program(kGenerator + " --source " + kTerminus16 + " --rows 32 --out " + out.string() +
                    " 2>&1");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("is not a 32-row bitmap font"), std::string::npos) << run.output;
  run = run_program(kGenerator + " --source /nonexistent.pcf.gz --rows 16 --out " + out.string() +
                    " 2>&1");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("cannot open font /nonexistent.pcf.gz"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(LedGlyphTools, TheSheetShowsBothStylesAsLedDots) {
  const Scratch scratch;
  const auto out = scratch("sheet-16.png");
  const auto run = run_program(kSheet + " --rows 16 --scale 2 --out " + out.string() + " 2>&1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // Two columns of 16 x 24 LEDs with a 16-LED gutter; 13 lines of 16 rows and 4 dark ones.
  EXPECT_EQ(png_size(out), (std::pair{(2 * 16 * 24 + 16) * 2, 13 * (16 + 4) * 2}));
  EXPECT_EQ(run_program(kSheet + " --rows 20 --out " + out.string() + " 2>&1").exit_code, 2);
  EXPECT_EQ(run_program(kSheet + " 2>&1").exit_code, 2);
}
