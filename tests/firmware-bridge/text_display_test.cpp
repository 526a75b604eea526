// The second panel profile: Modbus message displays that draw their own ASCII font. Folding and
// wrapping as plain functions; the link by URI; the driver feeding the simulator's text display
// over TCP and over a pty: lines, brightness, power, and read-back of what the display holds.
#include <gtest/gtest.h>
#include <modbus/modbus.h>

#include <chrono>
#include <string>
#include <vector>

#include "bangtin/panel_driver.hpp"
#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/text_display.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

using namespace std::chrono_literals;
using test_support::LogRecorder;
using test_support::PtyPair;
using test_support::raw_client;

constexpr std::chrono::milliseconds kPatience{5000};
const DriverOptions kQuick{.backoff = {20ms, 200ms}, .status_interval = 0ms};
using Lines = std::vector<std::string>;

// --- Folding and wrapping -------------------------------------------------------------------

TEST(FoldToAscii, StripsVietnameseMarksAndFoldsDToD) {
  EXPECT_EQ(fold_to_ascii("Tiếp nhận hồ sơ trực tuyến"), "Tiep nhan ho so truc tuyen");
  EXPECT_EQ(fold_to_ascii("Đường Điện Biên Phủ, đăng ký"), "Duong Dien Bien Phu, dang ky");
  const std::string lower = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
  EXPECT_EQ(fold_to_ascii(lower), std::string(17, 'a') + std::string(11, 'e') +
                                      std::string(5, 'i') + std::string(17, 'o') +
                                      std::string(11, 'u') + std::string(5, 'y') + "d");
  const std::string upper = "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ";
  EXPECT_EQ(fold_to_ascii(upper), std::string(17, 'A') + std::string(11, 'E') +
                                      std::string(5, 'I') + std::string(17, 'O') +
                                      std::string(11, 'U') + std::string(5, 'Y') + "D");
  // Decomposed input (NFD) folds the same.
  EXPECT_EQ(fold_to_ascii("Tie\u0302\u0301p"), "Tiep");
}

TEST(FoldToAscii, FoldsPunctuationAndMarksWhatHasNoAsciiForm) {
  EXPECT_EQ(fold_to_ascii("“Một cửa” — 7 giờ 30…"), "\"Mot cua\" - 7 gio 30...");
  EXPECT_EQ(fold_to_ascii("½ ﬁ"), "1/2 fi");
  EXPECT_EQ(fold_to_ascii("a\tb\nc"), "a b\nc");
  EXPECT_EQ(fold_to_ascii("中 😀"), "? ?");
  EXPECT_EQ(fold_to_ascii("\xff\xfe"
                          "abc"),
            "??abc");
}

TEST(LayOutLines, WrapsAtSpacesHonoursLineBreaksAndLeavesOutWhatDoesNotFit) {
  EXPECT_EQ(lay_out_lines("Tiep nhan ho so truc tuyen", 2, 16),
            (Lines{"Tiep nhan ho so", "truc tuyen"}));
  EXPECT_EQ(lay_out_lines("Mot cua\nGio lam viec", 2, 16), (Lines{"Mot cua", "Gio lam viec"}));
  EXPECT_EQ(lay_out_lines("one two three four five six", 2, 9), (Lines{"one two", "three"}));
  EXPECT_EQ(lay_out_lines("dichvucong.gov.vn", 2, 8), (Lines{"dichvuco", "ng.gov.v"}));
  EXPECT_EQ(lay_out_lines("  a   b  ", 2, 8), (Lines{"a b", ""}));
  EXPECT_EQ(lay_out_lines("", 2, 8), (Lines{"", ""}));
  EXPECT_EQ(lay_out_lines("\nbelow", 2, 8), (Lines{"", "below"}));
}

TEST(TextLineRegisters, TwoCharactersARegisterInEitherOrderPaddedWithSpaces) {
  TextDisplayLayout layout{{1000}, 5, {}, 100, true};
  EXPECT_EQ(encode_text_line("ABC", layout), (std::vector<std::uint16_t>{0x4142, 0x4320, 0x2020}));
  EXPECT_EQ(decode_text_line(encode_text_line("ABC", layout), layout), "ABC  ");
  layout.high_byte_first = false;
  EXPECT_EQ(encode_text_line("ABC", layout), (std::vector<std::uint16_t>{0x4241, 0x2043, 0x2020}));
  EXPECT_EQ(decode_text_line(encode_text_line("ABCDEFG", layout), layout), "ABCDE");
}

// --- The link by URI ------------------------------------------------------------------------

TEST(OpenTextLink, ReadsTheLayoutFromTheUri) {
  EXPECT_EQ(open_link("modbus-text-tcp://10.0.0.9:502?unit=2&lines=1000,2000&chars=16&brightness=3")
                ->describe(),
            "modbus-text-tcp://10.0.0.9:502 unit 2 (2 lines of 16 characters at 1000, 2000)");
  const auto rtu = open_link("modbus-text-rtu:///dev/ttyUSB0?baud=9600&lines=0&chars=20");
  EXPECT_EQ(rtu->describe(),
            "modbus-text-rtu:///dev/ttyUSB0 unit 1 at 9600 8N1 (1 lines of 20 characters at 0)");
  ASSERT_TRUE(rtu->capacity().has_value());
  EXPECT_DOUBLE_EQ(rtu->capacity()->bytes_per_second, 9600 / 11.0);
}

TEST(OpenTextLink, RefusesALayoutThatCannotWork) {
  const auto problem = [](const std::string& uri) {
    try {
      open_link(uri);
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  const std::string tcp = "modbus-text-tcp://10.0.0.9";
  EXPECT_NE(problem(tcp + "?chars=16").find("needs lines="), std::string::npos);
  EXPECT_NE(problem(tcp + "?lines=1000").find("needs chars="), std::string::npos);
  EXPECT_NE(problem(tcp + "?lines=1000&chars=300").find("chars must be 1-246"), std::string::npos);
  EXPECT_NE(problem(tcp + "?lines=1000,1005&chars=16").find("overlap"), std::string::npos);
  EXPECT_NE(problem(tcp + "?lines=1000,x&chars=16").find("lines must be register addresses"),
            std::string::npos);
  EXPECT_NE(problem(tcp + "?lines=1000&chars=16&brightness=1003").find("inside the line"),
            std::string::npos);
  EXPECT_NE(problem(tcp + "?lines=65530&chars=16").find("past register 65535"), std::string::npos);
  EXPECT_NE(problem(tcp + "?lines=1000&chars=16&bytes=swapped").find("bytes must be"),
            std::string::npos);
  EXPECT_NE(problem(tcp + "?lines=1000&chars=16&colour=red").find("unknown option \"colour\""),
            std::string::npos);
}

// --- The driver and the simulated display ---------------------------------------------------

TextDisplayLayout vendor_layout() { return TextDisplayLayout{{1000, 2000}, 16, 3, 15, true}; }

SimulatorOptions text_display() {
  SimulatorOptions options;
  options.port = 0;
  options.text_display = vendor_layout();
  return options;
}

std::string text_uri(int port) {
  return "modbus-text-tcp://127.0.0.1:" + std::to_string(port) +
         "?unit=1&lines=1000,2000&chars=16&brightness=3&brightness-max=15&timeout=150";
}

bool display_shows(const PanelSimulator& display, const Lines& lines) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::uint64_t commits = display.commits();
    if (display.shown_lines() == lines) return true;
    display.wait_for_commit(commits, 100ms);
  }
  return display.shown_lines() == lines;
}

const Frame kAnyFrame = Frame::blank(128, 32, PixelFormat::mono);

TEST(TextDisplay, ShowsTheItemsTextFoldedAndWrappedAndWritesOnlyWhatChanged) {
  PanelSimulator display(text_display());
  EXPECT_EQ(display.shown_lines(), (Lines{std::string(16, ' '), std::string(16, ' ')}));
  LogRecorder log;
  PanelDriver driver(open_link(text_uri(display.port())), PanelGeometry{128, 32, PixelFormat::mono},
                     log.sink(), kQuick);
  driver.submit(kAnyFrame, FrameSource{.text = "Tiếp nhận hồ sơ trực tuyến"});
  ASSERT_TRUE(display_shows(display, {"Tiep nhan ho so ", "truc tuyen      "})) << log.all();

  // The same text frame after frame: nothing more on the wire.
  ASSERT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.health.frames_shown >= 1; }, kPatience));
  const std::uint64_t bytes = driver.counters().wire_bytes;
  const std::uint64_t commits = display.commits();
  for (int i = 0; i < 5; ++i)
    driver.submit(kAnyFrame, FrameSource{.text = "Tiếp nhận hồ sơ trực tuyến"});
  ASSERT_TRUE(
      driver.wait_for([](const LinkCounters& c) { return c.health.frames_shown >= 2; }, kPatience));
  EXPECT_EQ(driver.counters().wire_bytes, bytes);
  EXPECT_EQ(display.commits(), commits);

  // A new item whose second line is the same as before: only the first line is written.
  driver.submit(kAnyFrame, FrameSource{.text = "Nop ho so\ntruc tuyen"});
  ASSERT_TRUE(display_shows(display, {"Nop ho so       ", "truc tuyen      "}));
  EXPECT_EQ(display.commits(), commits + 1);
  EXPECT_EQ(driver.counters().health.errors, 0u) << log.all();
  EXPECT_TRUE(log.wait_for("link connected: modbus-text-tcp://127.0.0.1:", kPatience));
}

TEST(TextDisplay, BrightnessGoesToItsRegisterAndSwitchingOffBlanksTheLines) {
  PanelSimulator display(text_display());
  PanelDriver driver(
      open_link(text_uri(display.port())), PanelGeometry{128, 32, PixelFormat::mono},
      [](std::string_view) {}, kQuick);
  driver.submit(kAnyFrame, FrameSource{.text = "Mot cua"});
  ASSERT_TRUE(display_shows(display, {"Mot cua         ", std::string(16, ' ')}));
  driver.set_brightness(50);
  ASSERT_TRUE(driver.wait_for(
      [](const LinkCounters& c) {
        return c.light == PanelLight{50, true};
      },
      kPatience));
  EXPECT_EQ(display.light().brightness, 8);  // 50 % of 15, rounded

  driver.set_power(false);
  ASSERT_TRUE(display_shows(display, {std::string(16, ' '), std::string(16, ' ')}));
  driver.set_power(true);
  ASSERT_TRUE(display_shows(display, {"Mot cua         ", std::string(16, ' ')}));
}

TEST(TextDisplay, ReadBackCatchesALineChangedBehindItsBackAndWritesItAgain) {
  PanelSimulator display(text_display());
  LogRecorder log;
  PanelDriver driver(open_link(text_uri(display.port())), PanelGeometry{128, 32, PixelFormat::mono},
                     log.sink(), kQuick);
  driver.submit(kAnyFrame, FrameSource{.text = "Mot cua"});
  ASSERT_TRUE(display_shows(display, {"Mot cua         ", std::string(16, ' ')}));

  // Someone else writes the first line (another master, a technician's tool).
  const auto client = raw_client(display.port());
  const std::uint16_t other[2] = {0x5858, 0x5858};
  ASSERT_EQ(modbus_write_registers(client.get(), 1000, 2, other), 2);
  ASSERT_EQ(display.shown_lines()[0], "XXXXcua         ");
  driver.submit(kAnyFrame, FrameSource{.text = "Mot cua"});  // a status read follows it
  EXPECT_TRUE(
      log.wait_for("line 1 shows \"XXXXcua         \", not \"Mot cua         \"", kPatience))
      << log.all();
  EXPECT_TRUE(display_shows(display, {"Mot cua         ", std::string(16, ' ')})) << log.all();
}

TEST(TextDisplay, WorksOverASerialLineToo) {
  PtyPair line;
  SimulatorOptions options;
  options.port = -1;
  options.rtu_fd = line.master();
  options.text_display = vendor_layout();
  PanelSimulator display(options);
  LogRecorder log;
  PanelDriver driver(
      open_link("modbus-text-rtu://" + line.slave_path() + "?baud=9600&lines=1000,2000&chars=16"),
      PanelGeometry{128, 32, PixelFormat::mono}, log.sink(), kQuick);
  driver.submit(kAnyFrame, FrameSource{.text = "Bộ phận một cửa làm việc từ 7 giờ 30"});
  EXPECT_TRUE(display_shows(display, {"Bo phan mot cua ", "lam viec tu 7   "})) << log.all();
}

TEST(TextDisplaySimulator, TakesNoPixelsAndCountsOnlyWritesIntoItsLines) {
  SimulatorOptions options = text_display();
  options.ddp_port = 0;
  EXPECT_THROW(PanelSimulator{options}, std::invalid_argument);

  PanelSimulator display(text_display());
  const auto client = raw_client(display.port());
  ASSERT_EQ(modbus_write_register(client.get(), 3, 9), 1);  // brightness: not a line
  EXPECT_EQ(display.commits(), 0u);
  EXPECT_EQ(display.light().brightness, 9);
  std::uint16_t magic = 1;
  ASSERT_EQ(modbus_read_registers(client.get(), 0, 1, &magic), 1);
  EXPECT_EQ(magic, 0) << "no register map identity on a text display";
}

}  // namespace
}  // namespace bangtin
