// How a display looks, as the config says: zones, colour, light, glyphs, and lobby windows. The
// problems with these keys are cases of the corpus (tests/playlists/corpus/config-*.yaml).
#include <gtest/gtest.h>

#include "bangtin/playlists.hpp"
#include "diagnostic_texts.hpp"
#include "temp_directory.hpp"

namespace bangtin {
namespace {

using namespace std::chrono_literals;
using testing::TempDirectory;
using testing::texts;

class DisplayLook : public ::testing::Test {
 protected:
  DisplayLook() { std::filesystem::create_directory(directory.path() / "playlists"); }

  Loaded<Config> load(std::string_view yaml) {
    directory.write(file.filename(), yaml);
    return load_config(file);
  }
  // The one display of a config made of `lines` after "displays:".
  DisplayConfig display_of(std::string_view lines) {
    const auto loaded = load("displays:\n" + std::string(lines));
    EXPECT_EQ(texts(loaded.diagnostics), std::vector<std::string>{});
    if (!loaded.value || loaded.value->displays.size() != 1) {
      ADD_FAILURE() << "no display loaded";
      return {};
    }
    return loaded.value->displays.front();
  }

  TempDirectory directory;
  const std::filesystem::path file = directory.path() / "bangtin.yaml";
};

// The config of FORMAT.md's example, a street board and a lobby TV.
TEST_F(DisplayLook, ReadsTheFormatsExample) {
  const auto loaded = load(R"(timezone: "+07:00"
displays:
  - name: cong-ubnd            # street board at the commune gate
    size: 128x32
    pixel: mono
    link: modbus-tcp://127.0.0.1:1502?unit=1
    groups: [street]
    gamma: 2.2
    brightness: [{from: "06:00", percent: 100}, {from: "18:30", percent: 40}]
  - name: sanh-ubnd            # TV in the one-stop-shop lobby
    size: 1920x1080
    pixel: rgb888
    output: window
    window: {monitor: 0, fullscreen: true, vsync: true}
    colour: "#FFB000"
    zones:
      - {name: tieu-de, rect: "0,0,1920,160", role: title, text: "CẢI CÁCH HÀNH CHÍNH"}
      - {rect: "0,160,1920,800", role: content}
      - {rect: "0,960,1920,120", role: clock}
)");
  EXPECT_EQ(texts(loaded.diagnostics), std::vector<std::string>{});
  ASSERT_TRUE(loaded.value);
  ASSERT_EQ(loaded.value->displays.size(), 2u);

  const DisplayConfig& gate = loaded.value->displays[0];
  EXPECT_EQ(gate.output, DisplayOutput::panel);
  EXPECT_EQ(gate.link, "modbus-tcp://127.0.0.1:1502?unit=1");
  EXPECT_DOUBLE_EQ(gate.gamma, 2.2);
  EXPECT_EQ(gate.brightness, (std::vector<BrightnessStep>{{6h, 100}, {18h + 30min, 40}}));
  EXPECT_FALSE(gate.colour);
  EXPECT_EQ(gate.glyphs, GlyphStyle::automatic);

  const DisplayConfig& lobby = loaded.value->displays[1];
  EXPECT_EQ(lobby.output, DisplayOutput::window);
  EXPECT_EQ(lobby.link, "");
  EXPECT_EQ(lobby.window.monitor, 0);
  EXPECT_TRUE(lobby.window.fullscreen);
  EXPECT_TRUE(lobby.window.vsync);
  EXPECT_EQ(lobby.colour, (Rgb{0xFF, 0xB0, 0x00}));
  ASSERT_EQ(lobby.zones.size(), 3u);
  EXPECT_EQ(lobby.zones[0].name, "tieu-de");
  EXPECT_EQ(lobby.zones[0].rect, (Rect{0, 0, 1920, 160}));
  EXPECT_EQ(lobby.zones[0].role, ZoneRole::title);
  EXPECT_EQ(lobby.zones[0].text, "CẢI CÁCH HÀNH CHÍNH");
  EXPECT_EQ(lobby.zones[0].where.line, 17);
  EXPECT_EQ(lobby.zones[0].where.column, 9);
  EXPECT_EQ(lobby.zones[1].name, "");
  EXPECT_EQ(lobby.zones[1].rect, (Rect{0, 160, 1920, 800}));
  EXPECT_EQ(lobby.zones[1].role, ZoneRole::content);
  EXPECT_EQ(lobby.zones[1].text, "");
  EXPECT_EQ(lobby.zones[2].rect, (Rect{0, 960, 1920, 120}));
  EXPECT_EQ(lobby.zones[2].role, ZoneRole::clock);
}

TEST_F(DisplayLook, DefaultsAreAPlainPanelAtFullBrightness) {
  const DisplayConfig display =
      display_of("  - name: a\n    size: 128x32\n    link: modbus-tcp://127.0.0.1:1502\n");
  EXPECT_EQ(display.output, DisplayOutput::panel);
  ASSERT_EQ(display.zones.size(), 1u);
  const ZoneConfig& whole = display.zones.front();
  EXPECT_EQ(whole.rect, (Rect{0, 0, 128, 32}));
  EXPECT_EQ(whole.role, ZoneRole::content);
  EXPECT_EQ(whole.text, "");
  EXPECT_FALSE(whole.colour);
  EXPECT_EQ(whole.font, "");
  EXPECT_FALSE(display.colour);
  EXPECT_DOUBLE_EQ(display.gamma, 1.0);
  EXPECT_EQ(display.brightness, (std::vector<BrightnessStep>{{0min, 100}}));
  EXPECT_EQ(display.glyphs, GlyphStyle::automatic);
  for (const auto time : {0min, 12h + 0min, 23h + 59min})
    EXPECT_EQ(brightness_at(display, time), 100);
}

TEST_F(DisplayLook, ZonesWithColoursFontsAndADecomposedTitle) {
  directory.write("fonts/title.ttf", "");
  // "Hành chính" typed with combining marks, as some Mac tools write it.
  const DisplayConfig display = display_of(
      "  - name: cho\n"
      "    size: 192x64\n"
      "    pixel: rgb565\n"
      "    link: modbus-tcp://127.0.0.1:1503?unit=1\n"
      "    colour: amber\n"
      "    zones:\n"
      "      - name: clock\n"
      "        rect: 0, 48, 96, 16\n"
      "        role: clock\n"
      "        colour: \"#00ff80\"\n"
      "      - rect: \"0,16,192,32\"\n"
      "        colour: white\n"
      "      - name: title\n"
      "        rect: 0,0,192,16\n"
      "        role: title\n"
      "        text: \"  Ha\xCC\x80nh chi\xCC\x81nh  \"\n"
      "        font: fonts/title.ttf\n");
  EXPECT_EQ(display.colour, (Rgb{255, 176, 0}));
  ASSERT_EQ(display.zones.size(), 3u);
  EXPECT_EQ(display.zones[0].role, ZoneRole::clock);
  EXPECT_EQ(display.zones[0].rect, (Rect{0, 48, 96, 16}));
  EXPECT_EQ(display.zones[0].colour, (Rgb{0x00, 0xFF, 0x80}));
  EXPECT_EQ(display.zones[1].role, ZoneRole::content);
  EXPECT_EQ(display.zones[1].colour, (Rgb{255, 255, 255}));
  EXPECT_EQ(display.zones[2].role, ZoneRole::title);
  EXPECT_EQ(display.zones[2].text, "Hành chính");
  EXPECT_EQ(display.zones[2].font, (directory.path() / "fonts/title.ttf").string());
  EXPECT_FALSE(display.zones[2].colour);
}

TEST_F(DisplayLook, ZonesMayTouchAndLeavePartsDark) {
  const DisplayConfig display = display_of(
      "  - name: a\n    size: 128x32\n    link: x\n    zones:\n"
      "      - {rect: \"0,0,128,12\", role: title, text: CCHC}\n"
      "      - {rect: \"0,12,100,20\"}\n"
      "      - {rect: \"100,12,28,20\", role: clock}\n");
  ASSERT_EQ(display.zones.size(), 3u);
  EXPECT_EQ(display.zones[1].role, ZoneRole::content);

  const DisplayConfig partial = display_of(
      "  - name: a\n    size: 128x32\n    link: x\n    zones: [{rect: \"8,8,112,16\"}]\n");
  ASSERT_EQ(partial.zones.size(), 1u);
  EXPECT_EQ(partial.zones[0].rect, (Rect{8, 8, 112, 16}));
}

TEST_F(DisplayLook, GammaAndGlyphs) {
  for (const auto& [written, gamma] :
       std::vector<std::pair<std::string, double>>{{"0.5", 0.5}, {"2.2", 2.2}, {"4", 4.0}}) {
    EXPECT_DOUBLE_EQ(
        display_of("  - name: a\n    size: 8x8\n    link: x\n    gamma: " + written + "\n").gamma,
        gamma);
  }
  for (const auto& [written, glyphs] :
       std::vector<std::pair<std::string, GlyphStyle>>{{"auto", GlyphStyle::automatic},
                                                       {"crisp", GlyphStyle::crisp},
                                                       {"smooth", GlyphStyle::smooth},
                                                       {"led", GlyphStyle::led}}) {
    EXPECT_EQ(
        display_of("  - name: a\n    size: 8x8\n    link: x\n    glyphs: " + written + "\n").glyphs,
        glyphs);
  }
}

TEST_F(DisplayLook, APlainBrightnessHoldsAllDay) {
  const DisplayConfig display =
      display_of("  - name: a\n    size: 8x8\n    link: x\n    brightness: 35\n");
  EXPECT_EQ(display.brightness, (std::vector<BrightnessStep>{{0min, 35}}));
  for (const auto time : {0min, 6h + 0min, 23h + 59min})
    EXPECT_EQ(brightness_at(display, time), 35);
}

TEST_F(DisplayLook, BrightnessStepsAreSortedAndWrapAroundMidnight) {
  const DisplayConfig display = display_of(
      "  - name: a\n    size: 8x8\n    link: x\n    brightness:\n"
      "      - {from: \"22:00\", percent: 15}\n"
      "      - {from: 06:00, percent: 100}\n"
      "      - from: \"18:30\"\n"
      "        percent: 40\n");
  EXPECT_EQ(display.brightness,
            (std::vector<BrightnessStep>{{6h, 100}, {18h + 30min, 40}, {22h, 15}}));
  EXPECT_EQ(brightness_at(display, 0min), 15);  // since 22:00 the evening before
  EXPECT_EQ(brightness_at(display, 5h + 59min), 15);
  EXPECT_EQ(brightness_at(display, 6h), 100);
  EXPECT_EQ(brightness_at(display, 18h + 29min), 100);
  EXPECT_EQ(brightness_at(display, 18h + 30min), 40);
  EXPECT_EQ(brightness_at(display, 21h + 59min), 40);
  EXPECT_EQ(brightness_at(display, 22h), 15);
  EXPECT_EQ(brightness_at(display, 23h + 59min), 15);
}

TEST_F(DisplayLook, ANightWithZeroBrightnessIsFine) {
  const auto loaded = load(
      "displays:\n  - name: a\n    size: 8x8\n    link: x\n"
      "    brightness: [{from: \"23:00\", percent: 0}, {from: \"05:00\", percent: 80}]\n");
  EXPECT_EQ(texts(loaded.diagnostics), std::vector<std::string>{});
  ASSERT_TRUE(loaded.value);
  ASSERT_EQ(loaded.value->displays.size(), 1u);
  EXPECT_EQ(brightness_at(loaded.value->displays[0], 2h), 0);
  EXPECT_EQ(brightness_at(loaded.value->displays[0], 12h), 80);
}

TEST_F(DisplayLook, AWindowNeedsNoLink) {
  const DisplayConfig display = display_of(
      "  - name: sanh\n    size: 128x32\n    output: window\n"
      "    window:\n      monitor: 1\n      fullscreen: false\n      vsync: no\n"
      "      size: 1280x320\n");
  EXPECT_EQ(display.output, DisplayOutput::window);
  EXPECT_EQ(display.link, "");
  EXPECT_EQ(display.window.monitor, 1);
  EXPECT_FALSE(display.window.fullscreen);
  EXPECT_FALSE(display.window.vsync);
  EXPECT_EQ(display.window.width, 1280);
  EXPECT_EQ(display.window.height, 320);

  const DisplayConfig plain =
      display_of("  - name: sanh\n    size: 1920x1080\n    pixel: rgb888\n    output: window\n");
  EXPECT_EQ(plain.window.monitor, 0);
  EXPECT_TRUE(plain.window.fullscreen);
  EXPECT_TRUE(plain.window.vsync);
  EXPECT_EQ(plain.window.width, 0);
  EXPECT_EQ(plain.window.height, 0);
}

TEST_F(DisplayLook, AWindowDisplayIsATarget) {
  directory.write("playlists/a.yaml",
                  "playlist: a\nitems:\n  - {id: x, text: Xin chào, targets: [sanh, lobby]}\n");
  directory.write(file.filename(),
                  "displays:\n  - name: sanh\n    size: 64x16\n    output: window\n"
                  "    groups: [lobby]\n");
  const auto loaded = load_programme(file);
  EXPECT_EQ(texts(loaded.diagnostics), std::vector<std::string>{});
  ASSERT_TRUE(loaded.value);
  ASSERT_EQ(loaded.value->config.displays.size(), 1u);
  EXPECT_EQ(items_for(*loaded.value, loaded.value->config.displays[0]).size(), 1u);
}

TEST(BrightnessAt, TakesAnyTimeModuloADay) {
  DisplayConfig display;
  display.brightness = {{7h, 90}, {19h, 30}};
  EXPECT_EQ(brightness_at(display, 24h + 8h), 90);
  EXPECT_EQ(brightness_at(display, -1h), 30);   // 23:00 the day before
  EXPECT_EQ(brightness_at(display, -17h), 90);  // 07:00 the day before
}

TEST(BrightnessAt, StepsOutOfOrderAndNoSteps) {
  DisplayConfig display;
  display.brightness = {{19h, 30}, {7h, 90}};
  EXPECT_EQ(brightness_at(display, 6h), 30);
  EXPECT_EQ(brightness_at(display, 7h), 90);
  EXPECT_EQ(brightness_at(display, 20h), 30);
  display.brightness.clear();
  EXPECT_EQ(brightness_at(display, 12h), 100);
}

TEST(BrightnessAt, OneStepHoldsAllDayWhateverItsTime) {
  DisplayConfig display;
  display.brightness = {{13h, 55}};
  EXPECT_EQ(brightness_at(display, 0min), 55);
  EXPECT_EQ(brightness_at(display, 12h + 59min), 55);
  EXPECT_EQ(brightness_at(display, 13h), 55);
}

}  // namespace
}  // namespace bangtin
