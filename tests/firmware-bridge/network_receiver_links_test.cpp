// DdpLink and E131Link on loopback against the simulator's receivers: frames arrive pixel-exact
// and in order of commit, mono and rgb565 frames widened to RGB on the way.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/pixel_packets.hpp"
#include "bridge_test_support.hpp"

namespace bangtin {
namespace {

using test_support::patterned_frame;

constexpr std::chrono::milliseconds kPatience{5000};

SimulatorOptions udp_panel(int width, int height, PixelFormat format) {
  SimulatorOptions options;
  options.port = -1;
  options.ddp_port = 0;
  options.e131_port = 0;
  options.width = width;
  options.height = height;
  options.format = format;
  return options;
}

std::string ddp_uri(const PanelSimulator& simulator) {
  return "ddp://127.0.0.1:" + std::to_string(simulator.ddp_port());
}

std::string e131_uri(const PanelSimulator& simulator, const std::string& options = "") {
  return "e131://127.0.0.1:" + std::to_string(simulator.e131_port()) + "?universe=1" + options;
}

// Shows `count` frames one after the other, each awaited on the panel, and checks each arrived
// whole. UDP on loopback does not lose datagrams a receiver keeps up with.
void expect_frames_arrive(PanelLink& link, const PanelSimulator& simulator, int width, int height,
                          PixelFormat format, unsigned count) {
  EXPECT_FALSE(link.connect().has_value());  // these receivers do not describe themselves
  for (unsigned n = 1; n <= count; ++n) {
    const Frame frame = patterned_frame(width, height, format, 70 + n);
    link.show(frame);
    const auto shown = simulator.wait_for_commit(n - 1, kPatience);
    ASSERT_TRUE(shown.has_value()) << "frame " << n;
    EXPECT_EQ(*shown, frame) << "frame " << n;
    EXPECT_EQ(simulator.commits(), n);
  }
}

TEST(DdpLink, Rgb888FramesArrivePixelExactAndInOrder) {
  PanelSimulator simulator(udp_panel(128, 64, PixelFormat::rgb888));
  const auto link = open_link(ddp_uri(simulator));
  expect_frames_arrive(*link, simulator, 128, 64, PixelFormat::rgb888, 6);
}

TEST(DdpLink, MonoAndRgb565FramesAreWidenedAndArriveExact) {
  PanelSimulator mono(udp_panel(128, 32, PixelFormat::mono));
  expect_frames_arrive(*open_link(ddp_uri(mono)), mono, 128, 32, PixelFormat::mono, 3);
  PanelSimulator colour(udp_panel(192, 64, PixelFormat::rgb565));
  expect_frames_arrive(*open_link(ddp_uri(colour)), colour, 192, 64, PixelFormat::rgb565, 3);
}

TEST(DdpLink, CostIsTheDatagramsOfTheFrame) {
  PanelSimulator simulator(udp_panel(128, 64, PixelFormat::rgb888));
  const auto link = open_link(ddp_uri(simulator));
  link->connect();
  const WireCost cost = link->show(patterned_frame(128, 64, PixelFormat::rgb888, 1));
  EXPECT_EQ(cost.messages, 18u);
  EXPECT_EQ(cost.bytes, 128u * 64u * 3u + 18u * 10u);
  EXPECT_FALSE(link->status().has_value());
}

TEST(DdpLink, AHostThatDoesNotResolveIsAClearError) {
  const auto link = open_link("ddp://no-such-panel.invalid");
  try {
    link->connect();
    FAIL() << "connected to a host that does not exist";
  } catch (const LinkError& error) {
    EXPECT_EQ(
        std::string(error.what())
            .rfind(
                "ddp://no-such-panel.invalid:4048: cannot resolve host \"no-such-panel.invalid\"",
                0),
        0u)
        << error.what();
  }
  EXPECT_FALSE(link->is_open());
}

TEST(E131Link, FramesAcrossManyUniversesArrivePixelExactAndInOrder) {
  // 128x64 pixels: 49 universes of 170 pixels, the last one partly filled.
  PanelSimulator simulator(udp_panel(128, 64, PixelFormat::rgb888));
  const auto link = open_link(e131_uri(simulator));
  expect_frames_arrive(*link, simulator, 128, 64, PixelFormat::rgb888, 4);
}

TEST(E131Link, WithASyncUniverseThePanelShowsOnTheSyncPacket) {
  PanelSimulator simulator(udp_panel(64, 16, PixelFormat::rgb565));
  const auto link = open_link(e131_uri(simulator, "&sync=7000&priority=150"));
  EXPECT_EQ(link->describe(),
            "e131://127.0.0.1:" + std::to_string(simulator.e131_port()) + " universe 1 sync 7000");
  expect_frames_arrive(*link, simulator, 64, 16, PixelFormat::rgb565, 3);
}

// Sends E1.31 packets as a source would, to the simulator's receiver on loopback.
class E131Sender {
 public:
  explicit E131Sender(const PanelSimulator& simulator) : fd_(socket(AF_INET, SOCK_DGRAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("test setup: cannot open a UDP socket");
    to_.sin_family = AF_INET;
    to_.sin_port = htons(static_cast<std::uint16_t>(simulator.e131_port()));
    to_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    source_.name = "test";
  }
  ~E131Sender() { ::close(fd_); }
  E131Sender(const E131Sender&) = delete;
  E131Sender& operator=(const E131Sender&) = delete;

  // The frame's universes from 1, naming `sync_universe`; no sync packet.
  void data(const Frame& rgb888, std::uint16_t sync_universe) {
    source_.sync_universe = sync_universe;
    const std::span<const std::uint8_t> channels(rgb888.bytes);
    for (std::size_t first = 0, u = 1; first < channels.size();
         first += e131::kChannelsPerUniverse, ++u) {
      const std::size_t count =
          std::min<std::size_t>(e131::kChannelsPerUniverse, channels.size() - first);
      e131::encode_data(source_, static_cast<std::uint16_t>(u), sequence_++,
                        channels.subspan(first, count), packet_);
      send();
    }
  }
  void sync(std::uint16_t sync_universe) {
    e131::encode_sync(source_, sync_universe, sync_sequence_++, packet_);
    send();
  }

 private:
  void send() {
    if (sendto(fd_, packet_.data(), packet_.size(), 0, reinterpret_cast<const sockaddr*>(&to_),
               sizeof to_) != static_cast<ssize_t>(packet_.size()))
      throw std::runtime_error("test setup: sending to the simulator failed");
  }
  int fd_;
  sockaddr_in to_{};
  e131::Source source_;
  std::vector<std::uint8_t> packet_;
  std::uint8_t sequence_ = 0;
  std::uint8_t sync_sequence_ = 0;
};

TEST(E131Link, DataNamingASyncUniverseIsShownOnlyOnThatUniversesSyncPacket) {
  PanelSimulator simulator(udp_panel(32, 16, PixelFormat::rgb888));  // 512 pixels: 4 universes
  E131Sender sender(simulator);
  const Frame first = patterned_frame(32, 16, PixelFormat::rgb888, 1);
  const Frame second = patterned_frame(32, 16, PixelFormat::rgb888, 2);
  // Loopback keeps the order: the first frame's data without its sync, a sync for another
  // universe, then the second frame and its sync. Only the last packet may commit anything.
  sender.data(first, 7000);
  sender.sync(7001);
  sender.data(second, 7000);
  sender.sync(7000);
  const auto shown = simulator.wait_for_commit(0, kPatience);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(*shown, second) << "committed before the sync packet the data named";
  EXPECT_EQ(simulator.commits(), 1u);
  EXPECT_EQ(simulator.counters().datagrams, 10u);
}

TEST(E131Link, ClosingEndsTheStreamAndTheReceiverGoesDarkAtOnce) {
  PanelSimulator simulator(udp_panel(32, 16, PixelFormat::rgb888));  // 4 universes
  const auto link = open_link(e131_uri(simulator));
  link->connect();
  const Frame frame = patterned_frame(32, 16, PixelFormat::rgb888, 5);
  link->show(frame);
  const auto shown = simulator.wait_for_commit(0, kPatience);
  ASSERT_TRUE(shown.has_value());
  ASSERT_EQ(*shown, frame);
  link->close();
  const auto after_close = simulator.wait_for_commit(1, kPatience);
  ASSERT_TRUE(after_close.has_value()) << "no Stream_Terminated packets reached the receiver";
  EXPECT_EQ(*after_close, Frame::blank(32, 16, PixelFormat::rgb888));
  EXPECT_FALSE(link->is_open());
}

TEST(E131Link, CostIsTheUniversesAndTheSyncPacket) {
  PanelSimulator simulator(udp_panel(128, 32, PixelFormat::mono));
  const auto link = open_link(e131_uri(simulator, "&sync=9"));
  link->connect();
  const WireCost cost = link->show(patterned_frame(128, 32, PixelFormat::mono, 1));
  // 4096 pixels: 24 universes of 510 channels and one of 48, then a 49-byte sync packet.
  EXPECT_EQ(cost.messages, 26u);
  EXPECT_EQ(cost.bytes, 24u * 636u + (126u + 48u) + 49u);
}

TEST(E131Link, UniversesPastTheLastOneAreRefused) {
  const auto link = open_link("e131://127.0.0.1?universe=63990");
  link->connect();
  try {
    link->show(patterned_frame(128, 64, PixelFormat::rgb888, 1));
    FAIL() << "sent universes past 63999";
  } catch (const LinkError& error) {
    EXPECT_NE(std::string(error.what()).find("needs 49 universes from 63990"), std::string::npos)
        << error.what();
  }
}

// A patterned mono frame whose rows' spare bits (past the last pixel) are clear, as a renderer's.
Frame patterned_pixels(int width, int height, unsigned seed) {
  const Frame pattern = patterned_frame(width, height, PixelFormat::mono, seed);
  Frame frame = Frame::blank(width, height, PixelFormat::mono);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) frame.set_pixel(x, y, pattern.pixel(x, y));
  return frame;
}

TEST(DdpLink, MonoBoardsCanGoOneBitAPixelToAReceiverThatTakesIt) {
  // 128 wide, and 100 wide whose rows do not end on whole bytes.
  for (const int width : {128, 100}) {
    PanelSimulator mono(udp_panel(width, 32, PixelFormat::mono));
    const auto link = open_link(ddp_uri(mono) + "?bits=1");
    EXPECT_EQ(link->describe(), ddp_uri(mono) + " 1 bit a pixel");
    EXPECT_EQ(link->cannot_show(width, 32, PixelFormat::mono), std::nullopt);
    link->connect();
    for (unsigned n = 1; n <= 3; ++n) {
      const Frame frame = patterned_pixels(width, 32, n);
      link->show(frame);
      const auto shown = mono.wait_for_commit(n - 1, kPatience);
      ASSERT_TRUE(shown.has_value()) << width << " wide, frame " << n;
      EXPECT_EQ(*shown, frame) << width << " wide, frame " << n;
    }
    const WireCost cost = link->show(patterned_pixels(width, 32, 9));
    // 24 times fewer pixel bytes than RGB, in one datagram.
    EXPECT_EQ(cost.bytes, static_cast<std::size_t>(width) * 32 / 8 + 10);
    EXPECT_EQ(cost.messages, 1u);
  }
  // A colour board cannot go one bit a pixel: the driver is told before any frame.
  const auto colour = open_link("ddp://127.0.0.1:4048?bits=1");
  const auto refusal = colour->cannot_show(64, 32, PixelFormat::rgb565);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->find("for mono boards"), std::string::npos) << *refusal;
}

TEST(DdpLink, OneBitFramesSwitchOffButCannotDim) {
  PanelSimulator mono(udp_panel(64, 16, PixelFormat::mono));
  const auto link = open_link(ddp_uri(mono) + "?bits=1");
  link->connect();
  const Frame frame = patterned_pixels(64, 16, 3);
  ASSERT_GT(frame.lit_count(), 0);
  link->set_light(PanelLight{30, true});
  link->show(frame);
  const auto dimmed = mono.wait_for_commit(0, kPatience);
  ASSERT_TRUE(dimmed.has_value());
  EXPECT_EQ(*dimmed, frame);  // a bit is lit or not
  link->set_light(PanelLight{100, false});
  link->show(frame);
  const auto off = mono.wait_for_commit(1, kPatience);
  ASSERT_TRUE(off.has_value());
  EXPECT_EQ(off->lit_count(), 0);
}

}  // namespace
}  // namespace bangtin
