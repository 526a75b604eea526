#include <gtest/gtest.h>

#include "bangtin/playlists.hpp"
#include "diagnostic_texts.hpp"
#include "temp_directory.hpp"

namespace bangtin {
namespace {

using namespace std::chrono_literals;
using testing::at;
using testing::TempDirectory;
using testing::texts;

class ConfigLoader : public ::testing::Test {
 protected:
  ConfigLoader() { std::filesystem::create_directory(directory.path() / "playlists"); }

  Loaded<Config> load(std::string_view yaml) {
    directory.write(file.filename(), yaml);
    return load_config(file);
  }
  // Diagnostics for a config with one display made of `display_lines` (indented by 4) after
  // its name, which is on line 2.
  std::vector<std::string> problems_with_display(std::string_view display_lines) {
    return texts(load("displays:\n  - name: cong-ubnd\n" + std::string(display_lines)).diagnostics);
  }
  std::string error_at(int line, int column, std::string_view message) const {
    return at(file, line, column) + "error: " + std::string(message);
  }

  TempDirectory directory;
  const std::filesystem::path file = directory.path() / "bangtin.yaml";
};

constexpr std::string_view good_display_rest =
    "    size: 128x32\n    link: modbus-tcp://127.0.0.1:1502?unit=1\n";

TEST_F(ConfigLoader, ReadsAGoodConfig) {
  directory.write("lists/a.yaml", "");
  directory.write("fonts/board.ttf", "");
  const auto loaded = load(R"(timezone: "+07:00"
playlists: lists/
displays:
  - name: cong-ubnd            # street board at the commune gate
    size: 128x32
    pixel: mono
    link: modbus-tcp://127.0.0.1:1502?unit=1
    groups: [street]
    fps: 30
    font: fonts/board.ttf
  - name: hoi-truong
    size: 64X16
    pixel: rgb565
    link: modbus-tcp://10.0.0.7:502?unit=2
    groups: [indoor, loa]
)");
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  ASSERT_TRUE(loaded.value);
  const Config& config = *loaded.value;
  EXPECT_EQ(config.file, file);
  EXPECT_EQ(config.utc_offset, 7h);
  EXPECT_EQ(config.playlists, directory.path() / "lists");
  ASSERT_EQ(config.displays.size(), 2u);

  const DisplayConfig& gate = config.displays[0];
  EXPECT_EQ(gate.name, "cong-ubnd");
  EXPECT_EQ(gate.width, 128);
  EXPECT_EQ(gate.height, 32);
  EXPECT_EQ(gate.pixel, PixelFormat::mono);
  EXPECT_EQ(gate.link, "modbus-tcp://127.0.0.1:1502?unit=1");
  EXPECT_EQ(gate.groups, std::vector<std::string>{"street"});
  EXPECT_EQ(gate.fps, 30);
  EXPECT_EQ(gate.font, (directory.path() / "fonts/board.ttf").string());
  EXPECT_EQ(gate.where.line, 4);
  EXPECT_EQ(gate.where.column, 5);

  const DisplayConfig& hall = config.displays[1];
  EXPECT_EQ(hall.width, 64);
  EXPECT_EQ(hall.height, 16);
  EXPECT_EQ(hall.pixel, PixelFormat::rgb565);
  EXPECT_EQ(hall.groups, (std::vector<std::string>{"indoor", "loa"}));
  EXPECT_EQ(hall.fps, 25);
  EXPECT_EQ(hall.font, "");
}

TEST_F(ConfigLoader, DefaultsForOptionalKeys) {
  const auto loaded = load("displays:\n  - name: cong-ubnd\n" + std::string(good_display_rest));
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  ASSERT_TRUE(loaded.value);
  EXPECT_EQ(loaded.value->utc_offset, 0min);
  EXPECT_EQ(loaded.value->playlists, directory.path() / "playlists");
  const DisplayConfig& display = loaded.value->displays.at(0);
  EXPECT_EQ(display.pixel, PixelFormat::mono);
  EXPECT_EQ(display.fps, 25);
  EXPECT_TRUE(display.groups.empty());
}

TEST_F(ConfigLoader, RelativePathsAreResolvedAgainstTheConfigsDirectory) {
  directory.write("srv/lists/cchc.yaml", "");
  const auto config_file = directory.write(
      "etc/bangtin/bangtin.yaml", "playlists: ../../srv/lists/cchc.yaml\ndisplays:\n  - name: a\n" +
                                      std::string(good_display_rest));
  const auto loaded = load_config(config_file);
  ASSERT_TRUE(loaded.value);
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  EXPECT_EQ(loaded.value->playlists, directory.path() / "srv/lists/cchc.yaml");
}

TEST_F(ConfigLoader, AbsolutePlaylistsPathIsKept) {
  const auto elsewhere = directory.write("elsewhere/p.yaml", "");
  const auto loaded = load("playlists: " + elsewhere.string() + "\ndisplays:\n  - name: a\n" +
                           std::string(good_display_rest));
  ASSERT_TRUE(loaded.value);
  EXPECT_EQ(loaded.value->playlists, elsewhere);
}

TEST_F(ConfigLoader, MissingPlaylistsPathIsAnError) {
  const auto loaded =
      load("playlists: lists\ndisplays:\n  - name: a\n" + std::string(good_display_rest));
  EXPECT_EQ(
      texts(loaded.diagnostics),
      std::vector<std::string>{error_at(
          1, 12, "playlists path '" + (directory.path() / "lists").string() + "' does not exist")});
  EXPECT_TRUE(loaded.value);
}

TEST_F(ConfigLoader, BadSize) {
  for (const char* size : {"128", "128x", "x32", "0x32", "128x0", "128x32px", "\"128 x 32\"",
                           "-128x32", "128×32", "[128, 32]"}) {
    EXPECT_EQ(problems_with_display(std::string("    size: ") + size +
                                    "\n    link: modbus-tcp://127.0.0.1:1502\n"),
              std::vector<std::string>{error_at(3, 11, "size must be WIDTHxHEIGHT, e.g. 128x32")})
        << size;
  }
  EXPECT_EQ(problems_with_display("    size: 32x99999999999\n    link: x\n"),
            std::vector<std::string>{error_at(
                3, 11, "size 32x99999999999 is too large; a side can be at most 4096 pixels")});
  EXPECT_EQ(problems_with_display("    size: 8192x32\n    link: x\n"),
            std::vector<std::string>{
                error_at(3, 11, "size 8192x32 is too large; a side can be at most 4096 pixels")});
}

TEST_F(ConfigLoader, UnknownPixelFormat) {
  EXPECT_EQ(problems_with_display(std::string(good_display_rest) + "    pixel: rgb556\n"),
            std::vector<std::string>{
                error_at(5, 12, "unknown pixel format 'rgb556' (did you mean 'rgb565'?)")});
  EXPECT_EQ(problems_with_display(std::string(good_display_rest) + "    pixel: colour\n"),
            std::vector<std::string>{error_at(
                5, 12, "unknown pixel format 'colour' (expected mono, rgb565 or rgb888)")});
}

TEST_F(ConfigLoader, TimezoneNeedsNoQuotes) {
  const auto loaded =
      load("timezone: -05:30\ndisplays:\n  - name: a\n" + std::string(good_display_rest));
  ASSERT_TRUE(loaded.value);
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  EXPECT_EQ(loaded.value->utc_offset, -(5h + 30min));
}

TEST_F(ConfigLoader, BadTimezone) {
  for (const char* timezone : {"Asia/Ho_Chi_Minh", "+25:00", "+07:60", "GMT+7", "7", "+7:00"}) {
    EXPECT_EQ(
        texts(load(std::string("timezone: ") + timezone + "\ndisplays:\n  - name: a\n" +
                   std::string(good_display_rest))
                  .diagnostics),
        std::vector<std::string>{error_at(
            1, 11, "timezone must be an offset from UTC such as \"+07:00\", \"Z\" or \"UTC\"")})
        << timezone;
  }
}

TEST_F(ConfigLoader, EmptyLink) {
  for (const char* link : {"\"\"", "\"   \""}) {
    EXPECT_EQ(problems_with_display(std::string("    size: 128x32\n    link: ") + link + "\n"),
              std::vector<std::string>{error_at(4, 11,
                                                "link is empty; give the panel's address, e.g. "
                                                "modbus-tcp://127.0.0.1:1502?unit=1")})
        << link;
  }
}

TEST_F(ConfigLoader, DisplayMissingRequiredKeys) {
  const auto loaded = load("displays:\n  - pixel: mono\n");
  EXPECT_EQ(texts(loaded.diagnostics),
            (std::vector<std::string>{error_at(2, 5, "display is missing 'name'"),
                                      error_at(2, 5, "display is missing 'size'"),
                                      error_at(2, 5, "display is missing 'link'")}));
  ASSERT_TRUE(loaded.value);
  EXPECT_TRUE(loaded.value->displays.empty());
}

TEST_F(ConfigLoader, DuplicateDisplayNames) {
  const auto loaded =
      load("displays:\n  - name: a\n" + std::string(good_display_rest) + "  - name: b\n" +
           std::string(good_display_rest) + "  - name: a\n" + std::string(good_display_rest));
  EXPECT_EQ(texts(loaded.diagnostics), std::vector<std::string>{error_at(
                                           8, 11, "duplicate display name 'a' (first at line 2)")});
  ASSERT_TRUE(loaded.value);
  EXPECT_EQ(loaded.value->displays.size(), 2u);
}

TEST_F(ConfigLoader, FpsRange) {
  for (const char* fps : {"0", "121", "0.5"}) {
    EXPECT_EQ(problems_with_display(std::string(good_display_rest) + "    fps: " + fps + "\n"),
              std::vector<std::string>{error_at(5, 10, "fps must be from 1 to 120")})
        << fps;
  }
  EXPECT_EQ(problems_with_display(std::string(good_display_rest) + "    fps: fast\n"),
            std::vector<std::string>{error_at(5, 10, "fps must be a number of frames per second")});
  EXPECT_TRUE(problems_with_display(std::string(good_display_rest) + "    fps: 120\n").empty());
}

TEST_F(ConfigLoader, MemoryIsASizeInMegabytesOrGigabytes) {
  const std::string problem = "memory must be a size from 1MB to 4096MB, e.g. 32MB (or 1GB to 4GB)";
  for (const char* memory : {"0MB", "5000MB", "32", "32 MB", "32mb", "5GB", "-1MB", "99999MB"}) {
    EXPECT_EQ(
        problems_with_display(std::string(good_display_rest) + "    memory: " + memory + "\n"),
        std::vector<std::string>{error_at(5, 13, problem)})
        << memory;
  }
  for (const auto& [memory, bytes] :
       {std::pair{"1MB", std::size_t{1} << 20}, std::pair{"256MB", std::size_t{256} << 20},
        std::pair{"4GB", std::size_t{4096} << 20}}) {
    const auto loaded = load("displays:\n  - name: a\n" + std::string(good_display_rest) +
                             "    memory: " + memory + "\n");
    ASSERT_TRUE(loaded.value) << memory;
    EXPECT_TRUE(loaded.diagnostics.empty()) << memory;
    EXPECT_EQ(loaded.value->displays.at(0).memory_bytes, bytes) << memory;
  }
  const auto plain = load("displays:\n  - name: a\n" + std::string(good_display_rest));
  ASSERT_TRUE(plain.value);
  EXPECT_EQ(plain.value->displays.at(0).memory_bytes, kDefaultDisplayMemoryBytes);
}

TEST_F(ConfigLoader, AllIsReservedForTargets) {
  EXPECT_EQ(texts(load("displays:\n  - name: all\n" + std::string(good_display_rest)).diagnostics),
            std::vector<std::string>{error_at(
                2, 11, "'all' means every display in targets; give the display another name")});
  EXPECT_EQ(problems_with_display(std::string(good_display_rest) + "    groups: [street, all]\n"),
            std::vector<std::string>{
                error_at(5, 22, "'all' means every display in targets; it cannot be a group")});
}

TEST_F(ConfigLoader, MissingFontIsOnlyAWarning) {
  const auto loaded =
      load("displays:\n  - name: a\n" + std::string(good_display_rest) + "    font: missing.ttf\n");
  EXPECT_FALSE(has_errors(loaded.diagnostics));
  EXPECT_EQ(
      texts(loaded.diagnostics),
      std::vector<std::string>{at(file, 5, 11) + "warning: font file '" +
                               (directory.path() / "missing.ttf").string() + "' does not exist"});
  ASSERT_TRUE(loaded.value);
  EXPECT_EQ(loaded.value->displays.size(), 1u);
}

TEST_F(ConfigLoader, DisplaysMustBeANonEmptyList) {
  EXPECT_EQ(texts(load("timezone: \"+07:00\"\n").diagnostics),
            std::vector<std::string>{error_at(1, 1, "config is missing 'displays'")});
  EXPECT_EQ(
      texts(load("displays: []\n").diagnostics),
      std::vector<std::string>{error_at(1, 11, "displays is empty; list at least one display")});
  EXPECT_EQ(texts(load("displays: cong-ubnd\n").diagnostics),
            std::vector<std::string>{error_at(1, 11, "displays must be a list of displays")});
  EXPECT_EQ(texts(load("displays:\n  - cong-ubnd\n").diagnostics),
            std::vector<std::string>{
                error_at(2, 5, "each display must be a mapping with 'name', 'size' and 'link'")});
}

TEST_F(ConfigLoader, UnknownKeysInTheConfig) {
  EXPECT_EQ(
      texts(load("timezon: \"+07:00\"\ndisplays:\n  - name: a\n" + std::string(good_display_rest) +
                 "    group: [street]\n")
                .diagnostics),
      (std::vector<std::string>{error_at(1, 1, "unknown key 'timezon' (did you mean 'timezone'?)"),
                                error_at(6, 5, "unknown key 'group' (did you mean 'groups'?)")}));
}

TEST_F(ConfigLoader, ReportsAllProblemsNotOnlyTheFirst) {
  const auto loaded = load(R"(timezone: Hanoi
playlists: nowhere
displays:
  - name: cong-ubnd
    size: 128x32
    link: modbus-tcp://127.0.0.1:1502?unit=1
  - name: cho
    size: big
    pixel: rgb
    link: ""
  - name: cong-ubnd
    size: 64x16
    link: modbus-tcp://127.0.0.1:1503
)");
  EXPECT_EQ(
      texts(loaded.diagnostics),
      (std::vector<std::string>{
          error_at(1, 11,
                   "timezone must be an offset from UTC such as \"+07:00\", \"Z\" or \"UTC\""),
          error_at(
              2, 12,
              "playlists path '" + (directory.path() / "nowhere").string() + "' does not exist"),
          error_at(8, 11, "size must be WIDTHxHEIGHT, e.g. 128x32"),
          error_at(9, 12, "unknown pixel format 'rgb' (expected mono, rgb565 or rgb888)"),
          error_at(10, 11,
                   "link is empty; give the panel's address, e.g. "
                   "modbus-tcp://127.0.0.1:1502?unit=1"),
          error_at(11, 11, "duplicate display name 'cong-ubnd' (first at line 4)"),
      }));
  ASSERT_TRUE(loaded.value);
  EXPECT_EQ(loaded.value->displays.size(), 1u);
}

TEST_F(ConfigLoader, UnreadableConfigHasNoValue) {
  const auto loaded = load_config(directory.path() / "nope.yaml");
  EXPECT_FALSE(loaded.value);
  EXPECT_TRUE(has_errors(loaded.diagnostics));
}

TEST(FindDisplay, ByName) {
  Config config;
  config.displays.resize(2);
  config.displays[0].name = "cong-ubnd";
  config.displays[1].name = "cho";
  EXPECT_EQ(find_display(config, "cho"), &config.displays[1]);
  EXPECT_EQ(find_display(config, "street"), nullptr);
}

TEST(PlaylistFiles, DirectoryListsYamlFilesByName) {
  TempDirectory directory;
  directory.write("20-cchc.yaml", "");
  directory.write("10-an-toan.yml", "");
  directory.write("30-BAU-CU.YAML", "");
  directory.write("notes.txt", "");
  directory.write(".#20-cchc.yaml", "");
  directory.write("old/05-old.yaml", "");
  std::filesystem::create_directory(directory.path() / "99-dir.yaml");
  Config config;
  config.playlists = directory.path();
  EXPECT_EQ(playlist_files(config),
            (std::vector<std::filesystem::path>{directory.path() / "10-an-toan.yml",
                                                directory.path() / "20-cchc.yaml",
                                                directory.path() / "30-BAU-CU.YAML"}));
}

TEST(PlaylistFiles, OneFileIsItself) {
  TempDirectory directory;
  Config config;
  config.playlists = directory.write("cchc.yaml", "");
  EXPECT_EQ(playlist_files(config), std::vector<std::filesystem::path>{config.playlists});
}

TEST(PlaylistFiles, NothingForAMissingPath) {
  TempDirectory directory;
  Config config;
  config.playlists = directory.path() / "missing";
  EXPECT_TRUE(playlist_files(config).empty());
}

// --- console: ------------------------------------------------------------------------------

TEST_F(ConfigLoader, TheConsoleListensOnLoopbackByDefaultAndWhereItIsTold) {
  const std::string displays = "displays:\n  - name: a\n" + std::string(good_display_rest);
  auto loaded = load("console: {}\n" + displays);
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  ASSERT_TRUE(loaded.value->console);
  EXPECT_EQ(loaded.value->console->host, "127.0.0.1");
  EXPECT_EQ(loaded.value->console->port, 8080);
  EXPECT_FALSE(loaded.value->console->tls());

  loaded = load("console: {listen: \"[::1]:8443\"}\n" + displays);
  EXPECT_TRUE(loaded.diagnostics.empty());
  EXPECT_EQ(loaded.value->console->host, "::1");
  EXPECT_EQ(loaded.value->console->port, 8443);

  directory.write("console.crt", "certificate");
  directory.write("console.key", "key");
  loaded = load("console:\n  listen: 0.0.0.0:8443\n  tls: {cert: console.crt, key: console.key}\n" +
                displays);
  EXPECT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  EXPECT_TRUE(loaded.value->console->tls());
  EXPECT_EQ(loaded.value->console->tls_key, directory.path() / "console.key");

  loaded = load("console: {listen: 192.168.1.10:8080, allow-plain-http: true}\n" + displays);
  EXPECT_TRUE(loaded.diagnostics.empty());
  EXPECT_TRUE(loaded.value->console->plain_http_beyond_loopback);

  EXPECT_FALSE(load(displays).value->console) << "no console unless asked for";
}

TEST_F(ConfigLoader, AConsoleThatWouldSendPasswordsReadableOrCannotListenIsRefused) {
  const std::string displays = "displays:\n  - name: a\n" + std::string(good_display_rest);
  const auto problem = [&](const std::string& console) {
    const auto loaded = load("console: " + console + "\n" + displays);
    EXPECT_FALSE(loaded.value->console) << console;
    const auto found = texts(loaded.diagnostics);
    return found.empty() ? std::string("(none)") : found.front();
  };
  EXPECT_EQ(problem("{listen: 0.0.0.0:8080}"),
            error_at(1, 10,
                     "console on 0.0.0.0 without tls: passwords and session cookies would cross "
                     "the network readable; add tls: {cert: ..., key: ...}, or "
                     "allow-plain-http: true on a network you trust"));
  EXPECT_EQ(problem("{listen: 127.0.0.1}"),
            error_at(1, 19,
                     "listen must be ADDRESS:PORT, such as 127.0.0.1:8080, 0.0.0.0:8443 or "
                     "[::1]:8080"));
  EXPECT_EQ(problem("{listen: \"127.0.0.1:99999\"}"),
            error_at(1, 19, "console port '99999' must be 0 to 65535"));
  EXPECT_EQ(problem("{listen: \"localhost:8080\"}"),
            error_at(1, 19,
                     "console address 'localhost' must be an IP address such as 127.0.0.1, "
                     "0.0.0.0 or ::1 (not a name)"));
  EXPECT_EQ(problem("{tls: {cert: missing.crt, key: missing.key}}"),
            error_at(1, 23,
                     "certificate file '" + (directory.path() / "missing.crt").string() +
                         "' does not exist"));
  EXPECT_EQ(problem("{listen: 127.0.0.1:8080, allow-plain-http: maybe}"),
            error_at(1, 53, "allow-plain-http must be true or false"));
  EXPECT_EQ(problem("on"),
            error_at(1, 10, "console must be a mapping such as {listen: 127.0.0.1:8080}"));
}

}  // namespace
}  // namespace bangtin
