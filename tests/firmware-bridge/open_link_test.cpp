#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bangtin/panel_link.hpp"

namespace bangtin {
namespace {

TEST(OpenLink, ParsesHostPortAndUnit) {
  const auto link = open_link("modbus-tcp://127.0.0.1:1502?unit=3");
  EXPECT_EQ(link->describe(), "modbus-tcp://127.0.0.1:1502 unit 3");
  EXPECT_FALSE(link->is_open());
}

TEST(OpenLink, DefaultsToPort502AndUnit1) {
  EXPECT_EQ(open_link("modbus-tcp://sign-7.depot.example")->describe(),
            "modbus-tcp://sign-7.depot.example:502 unit 1");
  EXPECT_EQ(open_link("modbus-tcp://10.0.0.5?unit=255")->describe(),
            "modbus-tcp://10.0.0.5:502 unit 255");
}

TEST(OpenLink, TakesIpv6AddressesInBrackets) {
  EXPECT_EQ(open_link("modbus-tcp://[::1]:1502?unit=0")->describe(),
            "modbus-tcp://[::1]:1502 unit 0");
  EXPECT_EQ(open_link("modbus-tcp://[fd00::2]")->describe(), "modbus-tcp://[fd00::2]:502 unit 1");
}

TEST(OpenLink, ParsesASerialLinkWithItsLineSettings) {
  EXPECT_EQ(open_link("modbus-rtu:///dev/ttyUSB0")->describe(),
            "modbus-rtu:///dev/ttyUSB0 unit 1 at 115200 8N1");
  EXPECT_EQ(
      open_link("modbus-rtu:///dev/ttyS1?baud=9600&parity=e&stop=2&unit=17&rs485=1")->describe(),
      "modbus-rtu:///dev/ttyS1 unit 17 at 9600 8E2");
}

TEST(OpenLink, ParsesDdpAndE131LinksWithTheirDefaultPorts) {
  EXPECT_EQ(open_link("ddp://10.0.0.7")->describe(), "ddp://10.0.0.7:4048");
  EXPECT_EQ(open_link("ddp://[fd00::7]:4049")->describe(), "ddp://[fd00::7]:4049");
  EXPECT_EQ(open_link("e131://10.0.0.8")->describe(), "e131://10.0.0.8:5568 universe 1");
  EXPECT_EQ(open_link("e131://multicast?universe=12&sync=500&priority=120")->describe(),
            "e131://multicast:5568 universe 12 sync 500");
}

// What a program serving the panel's end reads from the same URI (bangtin-panel-sim --listen).
TEST(LinkAddress, ReadsWhereEachLinkPointsWithOpenLinksDefaults) {
  const LinkAddress tcp = link_address("modbus-tcp://127.0.0.1:1502?unit=3&timeout=500");
  EXPECT_EQ(tcp.scheme, "modbus-tcp");
  EXPECT_EQ(tcp.host, "127.0.0.1");
  EXPECT_EQ(tcp.port, 1502);
  EXPECT_EQ(tcp.unit, 3);
  EXPECT_FALSE(tcp.text.has_value());
  EXPECT_EQ(link_address("modbus-tcp://[::1]").port, 502);
  EXPECT_EQ(link_address("modbus-tcp://[::1]").host, "::1");
  EXPECT_EQ(link_address("modbus-tcp://[::1]").unit, 1);

  const LinkAddress serial = link_address("modbus-rtu:///dev/ttyS1?baud=9600&unit=17");
  EXPECT_EQ(serial.device, "/dev/ttyS1");
  EXPECT_EQ(serial.unit, 17);
  EXPECT_TRUE(serial.host.empty());

  const LinkAddress text =
      link_address("modbus-text-tcp://10.0.0.9?lines=1000,2000&chars=16&brightness=3");
  ASSERT_TRUE(text.text.has_value());
  EXPECT_EQ(text.text->line_registers, (std::vector<int>{1000, 2000}));
  EXPECT_EQ(text.text->chars, 16);
  EXPECT_EQ(text.text->brightness_register, 3);
  EXPECT_EQ(text.port, 502);

  EXPECT_EQ(link_address("ddp://10.0.0.7?bits=1").port, 4048);
  const LinkAddress e131 = link_address("e131://10.0.0.8?universe=12&sync=500");
  EXPECT_EQ(e131.port, 5568);
  EXPECT_EQ(e131.universe, 12);
  EXPECT_EQ(link_address("e131://10.0.0.8").universe, 1);
}

TEST(LinkAddress, RefusesWhatOpenLinkRefuses) {
  EXPECT_THROW(link_address("modbus-tcp://127.0.0.1:1502?unti=2"), std::invalid_argument);
  EXPECT_THROW(link_address("modbus-tcp://127.0.0.1:0"), std::invalid_argument);
  EXPECT_THROW(link_address("e131://10.0.0.8?universe=64000"), std::invalid_argument);
  EXPECT_THROW(link_address("modbus-text-tcp://10.0.0.9?chars=16"), std::invalid_argument);
  EXPECT_THROW(link_address("telnet://10.0.0.9"), std::invalid_argument);
}

struct BadUri {
  std::string uri;
  std::string problem;
};

void PrintTo(const BadUri& bad, std::ostream* out) { *out << bad.uri; }

class OpenLinkRejects : public ::testing::TestWithParam<BadUri> {};

TEST_P(OpenLinkRejects, NamingTheUriAndTheProblem) {
  const BadUri& bad = GetParam();
  try {
    open_link(bad.uri);
    FAIL() << "accepted " << bad.uri;
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("link \"" + bad.uri + "\": "), std::string::npos) << message;
    EXPECT_NE(message.find(bad.problem), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    BadUris, OpenLinkRejects,
    ::testing::Values(BadUri{"127.0.0.1:1502", "expected SCHEME://"},
                      BadUri{"://127.0.0.1", "expected SCHEME://"},
                      BadUri{"http://127.0.0.1:1502", "unknown link type \"http\""},
                      BadUri{"serial:///dev/ttyUSB0", "unknown link type \"serial\""},
                      BadUri{"modbus-tcp://", "missing host"},
                      BadUri{"modbus-tcp://:1502", "missing host"},
                      BadUri{"modbus-tcp://x:99999", "port must be 1-65535"},
                      BadUri{"modbus-tcp://x:0", "port must be 1-65535"},
                      BadUri{"modbus-tcp://x:", "port must be 1-65535"},
                      BadUri{"modbus-tcp://x:15o2", "port must be 1-65535"},
                      BadUri{"modbus-tcp://x:-1", "port must be 1-65535"},
                      BadUri{"modbus-tcp://x:1502/panel", "unexpected path"},
                      BadUri{"modbus-tcp://::1:1502", "IPv6 address must be written in brackets"},
                      BadUri{"modbus-tcp://[::1", "missing ']'"},
                      BadUri{"modbus-tcp://[::1]1502", "unexpected text after ']'"},
                      BadUri{"modbus-tcp://x?unti=2", "unknown option \"unti\""},
                      BadUri{"modbus-tcp://x?unit", "\"unit\" must be written KEY=VALUE"},
                      BadUri{"modbus-tcp://x?unit=", "unit must be 0-247 or 255"},
                      BadUri{"modbus-tcp://x?unit=one", "unit must be 0-247 or 255"},
                      BadUri{"modbus-tcp://x?unit=250", "unit must be 0-247 or 255"},
                      BadUri{"modbus-tcp://x?unit=256", "unit must be 0-247 or 255"},
                      BadUri{"modbus-tcp://x?timeout=5", "timeout must be 10-60000"},
                      BadUri{"modbus-rtu://dev/ttyUSB0", "expected a device path"},
                      BadUri{"modbus-rtu://", "expected a device path"},
                      BadUri{"modbus-rtu:///", "expected a device path"},
                      BadUri{"modbus-rtu:///dev/ttyUSB0?baud=9601", "baud must be one of"},
                      BadUri{"modbus-rtu:///dev/ttyUSB0?parity=X", "parity must be one of N, E, O"},
                      BadUri{"modbus-rtu:///dev/ttyUSB0?stop=3", "stop must be 1 or 2"},
                      BadUri{"modbus-rtu:///dev/ttyUSB0?unit=0", "unit must be 1-247"},
                      BadUri{"modbus-rtu:///dev/ttyUSB0?rs485=yes", "rs485 must be 0 or 1"},
                      BadUri{"modbus-rtu:///dev/ttyUSB0?port=2", "unknown option \"port\""},
                      BadUri{"ddp://", "missing host"},
                      BadUri{"ddp://x?universe=1", "unknown option \"universe\""},
                      BadUri{"ddp://x?bits=8", "bits must be 24 (RGB) or 1"},
                      BadUri{"e131://x?universe=0", "universe must be 1-63999"},
                      BadUri{"e131://x?universe=64000", "universe must be 1-63999"},
                      BadUri{"e131://x?sync=70000", "sync must be 0 (none)"},
                      BadUri{"e131://x?priority=201", "priority must be 0-200"}));

}  // namespace
}  // namespace bangtin
