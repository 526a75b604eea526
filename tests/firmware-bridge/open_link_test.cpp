#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>
#include <string>

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
                      BadUri{"modbus-rtu:///dev/ttyUSB0", "unknown link type \"modbus-rtu\""},
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
                      BadUri{"modbus-tcp://x?unit=256", "unit must be 0-247 or 255"}));

}  // namespace
}  // namespace bangtin
