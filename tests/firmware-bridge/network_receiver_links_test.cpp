// DdpLink and E131Link on loopback against the simulator's receivers: frames arrive pixel-exact
// and in order of commit, mono and rgb565 frames widened to RGB on the way.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
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

}  // namespace
}  // namespace bangtin
