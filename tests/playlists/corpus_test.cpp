// The corpus of broken operator files under tests/playlists/corpus/: one case per kind of
// failure, each loaded as the daemon loads it, and the diagnostics compared exactly with the
// `# expect:` lines at the top of the case's file(s). Adding a case is adding a file.
//
//   NAME.yaml         a playlist, loaded under a config with two boards (see below)
//   NAME/             several playlists, loaded together (duplicate ids across files)
//   config-NAME.yaml  a daemon config, loaded with the playlists it names (shared/)
//
// An expect line is the diagnostic as printed without its "FILE:" (which is the file holding the
// line): "# expect: 7:13: error: message", or "# expect: warning: message" for the file as a
// whole. $DIR in it stands for the directory of that file.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "bangtin/playlists.hpp"
#include "diagnostic_texts.hpp"
#include "temp_directory.hpp"

namespace bangtin {
namespace {

using testing::TempDirectory;
using testing::texts;

const std::filesystem::path corpus =
    std::filesystem::path(BANGTIN_SOURCE_DIR) / "tests" / "playlists" / "corpus";

constexpr std::string_view boards = R"(displays:
  - name: cong-ubnd
    size: 128x32
    link: modbus-tcp://127.0.0.1:1502?unit=1
    groups: [street]
  - name: hoi-truong
    size: 64x16
    pixel: rgb565
    link: modbus-tcp://127.0.0.1:1503?unit=1
    groups: [indoor]
)";

std::vector<std::filesystem::path> case_paths() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (entry.path().filename() == "shared") continue;
    if (entry.is_directory() || entry.path().extension() == ".yaml") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::vector<std::filesystem::path> files_of(const std::filesystem::path& path) {
  if (!std::filesystem::is_directory(path)) return {path};
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(path)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The expect lines of the files, as full diagnostics.
std::vector<std::string> expected_diagnostics(const std::filesystem::path& path) {
  constexpr std::string_view marker = "# expect: ";
  std::vector<std::string> expected;
  for (const auto& file : files_of(path)) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    while (std::getline(in, line) && line.starts_with(marker)) {
      std::string rest = line.substr(marker.size());
      for (std::size_t at = rest.find("$DIR"); at != std::string::npos; at = rest.find("$DIR"))
        rest.replace(at, 4, file.parent_path().string());
      const bool has_place = !rest.empty() && rest.front() >= '0' && rest.front() <= '9';
      expected.push_back(file.string() + (has_place ? ":" : ": ") + rest);
    }
  }
  return expected;
}

// Stand-ins for the renderer's answers, simple enough to work out by hand: the font draws Latin
// with Vietnamese letters, combining marks and punctuation; every character is 6 pixels wide;
// a scroll pass crosses the text and the board; static and fade texts hold 5 s a pass.
std::vector<char32_t> missing_from_latin_font(const DisplayConfig&, std::string_view text) {
  std::vector<char32_t> missing;
  for (std::size_t at = 0; at < text.size();) {
    const auto lead = static_cast<unsigned char>(text[at]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t code = length == 1 ? lead : lead & (0x3F >> (length - 1));
    for (std::size_t i = 1; i < length; ++i)
      code = (code << 6) | (static_cast<unsigned char>(text[at + i]) & 0x3F);
    const bool drawn = code < 0x0250 || (code >= 0x0300 && code < 0x0370) ||
                       (code >= 0x1E00 && code < 0x1F00) || (code >= 0x2000 && code < 0x2070);
    if (!drawn && std::find(missing.begin(), missing.end(), code) == missing.end())
      missing.push_back(code);
    at += length;
  }
  return missing;
}

PlayLength fixed_width_length(const Item& item, const DisplayConfig& display) {
  using namespace std::chrono;
  std::size_t characters = 0;
  for (const char byte : item.text) characters += (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
  nanoseconds pass = seconds(5);
  if (item.effect == TextEffect::scroll)
    pass = duration_cast<nanoseconds>(duration<double>(
        static_cast<double>(characters * 6 + static_cast<std::size_t>(display.width)) /
        item.speed));
  if (item.duration) return PlayLength{*item.duration, pass};
  return PlayLength{pass * item.passes, pass};
}

class Corpus : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(Corpus, ReportsExactlyWhatItsFileExpects) {
  const std::filesystem::path& path = GetParam();
  const auto expected = expected_diagnostics(path);
  ASSERT_FALSE(expected.empty()) << "no '# expect:' lines in " << path;

  TempDirectory directory;
  std::filesystem::path config = path;
  if (!path.filename().string().starts_with("config-"))
    config = directory.write("bangtin.yaml", "timezone: \"+07:00\"\nplaylists: " + path.string() +
                                                 "\n" + std::string(boards));
  RenderChecks checks;
  checks.missing_glyphs = missing_from_latin_font;
  checks.play_length = fixed_width_length;
  const auto loaded = load_programme(config, checks);
  EXPECT_EQ(texts(loaded.diagnostics), expected);
}

INSTANTIATE_TEST_SUITE_P(Files, Corpus, ::testing::ValuesIn(case_paths()),
                         [](const ::testing::TestParamInfo<std::filesystem::path>& info) {
                           std::string name;
                           for (const char c : info.param.stem().string())
                             name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST(CorpusItself, HasACaseForEveryKindOfFailure) {
  // The issue's list: malformed YAML, wrong types, unknown keys, bad times, until before from,
  // empty text, invalid UTF-8, unknown targets, duplicate ids across files, characters the font
  // cannot draw, text too long for its window, items that never play; and files that are empty
  // or binary.
  for (const char* name :
       {"malformed-yaml.yaml", "wrong-type.yaml", "unknown-key.yaml", "bad-time.yaml",
        "until-before-from.yaml", "empty-text.yaml", "invalid-utf8.yaml", "unknown-target.yaml",
        "duplicate-id-across-files", "missing-glyphs.yaml", "too-long-for-window.yaml",
        "never-plays.yaml", "empty-file.yaml", "binary.yaml"})
    EXPECT_TRUE(std::filesystem::exists(corpus / name)) << name;
}

}  // namespace
}  // namespace bangtin
