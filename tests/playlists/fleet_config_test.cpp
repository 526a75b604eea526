// `fleet:` in the daemon config: the broker, the site and its groups, credentials, TLS and trust
// files, each problem at its LINE:COL, and a fleet part with any problem left out altogether.
#include <gtest/gtest.h>

#include <filesystem>

#include "bangtin/playlists.hpp"
#include "diagnostic_texts.hpp"
#include "temp_directory.hpp"

namespace bangtin {
namespace {

using namespace std::chrono_literals;
using testing::at;
using testing::TempDirectory;
using testing::texts;

constexpr std::string_view displays =
    "displays:\n  - name: a\n    size: 128x32\n    link: modbus-tcp://127.0.0.1:1502?unit=1\n";

class FleetConfigLoader : public ::testing::Test {
 protected:
  FleetConfigLoader() {
    std::filesystem::create_directory(directory.path() / "playlists");
    private_file("fleet.pass", "mat-khau\n");
    directory.write("fleet-signing.pub", "key");
  }

  // `fleet_lines` start on line 2, indented by 2 under `fleet:`.
  Loaded<Config> load(std::string_view fleet_lines) {
    directory.write(file.filename(), "fleet:\n" + std::string(fleet_lines) + std::string(displays));
    return load_config(file);
  }
  // The first problem with the fleet part; the fleet is then left out.
  std::string problem(std::string_view fleet_lines) {
    const auto loaded = load(fleet_lines);
    EXPECT_TRUE(loaded.value);
    EXPECT_FALSE(loaded.value->fleet) << fleet_lines;
    const auto found = texts(loaded.diagnostics);
    return found.empty() ? std::string("(none)") : found.front();
  }
  std::string error_at(int line, int column, std::string_view message) const {
    return at(file, line, column) + "error: " + std::string(message);
  }
  std::filesystem::path private_file(
      const std::string& name, std::string_view bytes,
      std::filesystem::perms perms = std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write) {
    const auto written = directory.write(name, bytes);
    std::filesystem::permissions(written, perms);
    return written;
  }

  TempDirectory directory;
  const std::filesystem::path file = directory.path() / "bangtin.yaml";
};

TEST_F(FleetConfigLoader, ReadsTheFleetOfTheIssue) {
  directory.write("fleet-ca.crt", "ca");
  const auto loaded = load(
      "  broker: mqtts://broker.tinh.example:8883\n"
      "  site: xa-hoa-binh\n"
      "  groups: [huyen-phu-loc, tinh-2026]\n"
      "  credentials: {username: xa-hoa-binh, password-file: fleet.pass}\n"
      "  tls: {ca: fleet-ca.crt}\n"
      "  trust: fleet-signing.pub\n"
      "  keepalive: 20\n");
  ASSERT_TRUE(loaded.diagnostics.empty()) << texts(loaded.diagnostics).front();
  ASSERT_TRUE(loaded.value->fleet);
  const FleetConfig& fleet = *loaded.value->fleet;
  EXPECT_EQ(fleet.broker, "mqtts://broker.tinh.example:8883");
  EXPECT_TRUE(fleet.tls);
  EXPECT_EQ(fleet.host, "broker.tinh.example");
  EXPECT_EQ(fleet.port, 8883);
  EXPECT_EQ(fleet.site, "xa-hoa-binh");
  EXPECT_EQ(fleet.groups, (std::vector<std::string>{"huyen-phu-loc", "tinh-2026"}));
  EXPECT_EQ(fleet.username, "xa-hoa-binh");
  EXPECT_EQ(fleet.password_file, directory.path() / "fleet.pass");
  EXPECT_EQ(fleet.tls_ca, directory.path() / "fleet-ca.crt");
  EXPECT_TRUE(fleet.tls_certificate.empty());
  EXPECT_EQ(fleet.trust, directory.path() / "fleet-signing.pub");
  EXPECT_EQ(fleet.keepalive, 20s);
  EXPECT_EQ(fleet.where.line, 2);

  directory.write(file.filename(), std::string(displays));
  EXPECT_FALSE(load_config(file).value->fleet) << "no fleet unless asked for";
}

TEST_F(FleetConfigLoader, PortsDefaultByTransportAndAddressesMayBeIpv6) {
  auto loaded = load("  broker: mqtt://127.0.0.1\n  site: xa-1\n");
  ASSERT_TRUE(loaded.value->fleet) << texts(loaded.diagnostics).front();
  EXPECT_FALSE(loaded.value->fleet->tls);
  EXPECT_EQ(loaded.value->fleet->port, 1883);
  EXPECT_EQ(loaded.value->fleet->keepalive, 30s);
  EXPECT_TRUE(loaded.value->fleet->groups.empty());
  EXPECT_TRUE(loaded.value->fleet->username.empty());

  loaded = load("  broker: \"mqtts://[2001:db8::1]\"\n  site: xa-1\n");
  ASSERT_TRUE(loaded.value->fleet) << texts(loaded.diagnostics).front();
  EXPECT_EQ(loaded.value->fleet->host, "2001:db8::1");
  EXPECT_EQ(loaded.value->fleet->port, 8883);

  loaded = load("  broker: \"mqtt://[::1]:11883\"\n  site: xa-1\n");
  ASSERT_TRUE(loaded.value->fleet) << texts(loaded.diagnostics).front();
  EXPECT_EQ(loaded.value->fleet->port, 11883);
}

TEST_F(FleetConfigLoader, PlainMqttBeyondLoopbackIsRefusedUnlessAllowed) {
  EXPECT_EQ(problem("  broker: mqtt://10.0.0.5:1883\n  site: xa-hoa-binh\n"),
            error_at(2, 11,
                     "broker mqtt://10.0.0.5:1883 without TLS: the password and everything the "
                     "fleet sends would cross the network readable, and could be changed on the "
                     "way; use mqtts://, or allow-plain-mqtt: true on a network you trust "
                     "(mqtt:// is for a broker on this machine, 127.0.0.1)"));
  // A name may resolve anywhere: only a loopback address counts as this machine.
  EXPECT_EQ(problem("  broker: mqtt://localhost\n  site: xa-hoa-binh\n").substr(0, 52),
            error_at(2, 11, "broker mqtt://localhost without").substr(0, 52));

  const auto loaded = load(
      "  broker: mqtt://10.0.0.5:1883\n  allow-plain-mqtt: true\n"
      "  site: xa-hoa-binh\n");
  ASSERT_TRUE(loaded.value->fleet) << texts(loaded.diagnostics).front();
  EXPECT_TRUE(loaded.value->fleet->plain_mqtt_beyond_loopback);
  EXPECT_EQ(problem("  broker: mqtt://127.0.0.1\n  tls: {ca: ca.crt}\n  site: a\n"),
            error_at(3, 8, "tls is for an mqtts:// broker; this one is mqtt://127.0.0.1"));
}

TEST_F(FleetConfigLoader, BrokerAddressesThatAreNotOneAreNamed) {
  const auto broker = [&](const std::string& written) {
    return problem("  broker: \"" + written + "\"\n  site: xa-hoa-binh\n");
  };
  const std::string form =
      "broker must be mqtts://HOST:PORT, such as mqtts://broker.tinh.example:8883 (or "
      "mqtt://127.0.0.1:1883 on this machine)";
  EXPECT_EQ(broker("https://broker.tinh.example"), error_at(2, 11, form));
  EXPECT_EQ(broker("broker.tinh.example:8883"), error_at(2, 11, form));
  EXPECT_EQ(broker("mqtts://"), error_at(2, 11, form));
  EXPECT_EQ(broker("mqtts://broker.tinh.example:0"),
            error_at(2, 11, "broker port '0' must be 1 to 65535"));
  EXPECT_EQ(broker("mqtts://broker.tinh.example:88830"),
            error_at(2, 11, "broker port '88830' must be 1 to 65535"));
  EXPECT_EQ(broker("mqtts://broker.tinh.example:"), error_at(2, 11, "broker port is empty"));
  EXPECT_EQ(broker("mqtts://xa:mat-khau@broker.tinh.example"),
            error_at(2, 11,
                     "the broker address must not carry a user or password; write them in "
                     "credentials: {username: ..., password-file: ...}"));
  EXPECT_EQ(broker("mqtts://broker.tinh.example/bangtin"),
            error_at(2, 11, "broker must be only mqtts://HOST:PORT, without a path"));
  EXPECT_EQ(
      broker("mqtts://2001:db8::1"),
      error_at(2, 11, "write an IPv6 address in brackets, such as mqtts://[2001:db8::1]:8883"));
  EXPECT_EQ(broker("mqtts://broker_tinh.example"),
            error_at(2, 11,
                     "broker host 'broker_tinh.example' is neither an IP address nor a host name"));
  EXPECT_EQ(problem("  site: xa-hoa-binh\n"), error_at(2, 3, "fleet is missing 'broker'"));
}

TEST_F(FleetConfigLoader, SiteAndGroupNamesAreTopicLevels) {
  const auto site = [&](const std::string& written) {
    return problem("  broker: mqtts://broker.tinh.example\n  site: " + written + "\n");
  };
  const std::string rule =
      "may hold only lowercase letters a-z, digits and hyphens, such as xa-hoa-binh (it is part "
      "of MQTT topics)";
  EXPECT_EQ(site("Xa-Hoa-Binh"), error_at(3, 9, "site 'Xa-Hoa-Binh' " + rule));
  EXPECT_EQ(site("\"xã-hòa-bình\""), error_at(3, 9, "site 'xã-hòa-bình' " + rule));
  EXPECT_EQ(site("\"xa/+\""), error_at(3, 9, "site 'xa/+' " + rule));
  EXPECT_EQ(site("-xa"), error_at(3, 9, "site '-xa' must begin with a letter or a digit"));
  EXPECT_EQ(site(std::string(65, 'x')),
            error_at(3, 9, "site '" + std::string(65, 'x') + "' is longer than 64 characters"));
  EXPECT_EQ(site("all"), error_at(3, 9,
                                  "site 'all' is reserved: bangtin/v1/all/ holds what the fleet "
                                  "sends to many sites; choose another name"));
  EXPECT_EQ(site("groups").substr(0, 40),
            error_at(3, 9, "site 'groups' is reserved").substr(0, 40));
  EXPECT_EQ(problem("  broker: mqtts://broker.tinh.example\n"),
            error_at(2, 3, "fleet is missing 'site'"));
  EXPECT_EQ(
      problem("  broker: mqtts://broker.tinh.example\n  site: xa\n  groups: [huyen, \"Tỉnh\"]\n"),
      error_at(4, 19, "group 'Tỉnh' " + rule));

  const auto loaded =
      load("  broker: mqtts://broker.tinh.example\n  site: xa\n  groups: [huyen, huyen]\n");
  ASSERT_TRUE(loaded.value->fleet);
  EXPECT_EQ(loaded.value->fleet->groups, std::vector<std::string>{"huyen"});
  EXPECT_EQ(texts(loaded.diagnostics),
            std::vector<std::string>{at(file, 4, 19) + "warning: group 'huyen' is listed twice"});
}

TEST_F(FleetConfigLoader, PasswordFilesMustBeThereAndPrivate) {
  const std::string start = "  broker: mqtts://broker.tinh.example\n  site: xa\n";
  const std::string missing = (directory.path() / "missing.pass").string();
  EXPECT_EQ(problem(start + "  credentials: {username: xa, password-file: missing.pass}\n"),
            error_at(4, 46, "password file '" + missing + "' does not exist"));

  using std::filesystem::perms;
  const auto open =
      private_file("open.pass", "mat-khau",
                   perms::owner_read | perms::owner_write | perms::group_read | perms::others_read);
  EXPECT_EQ(problem(start + "  credentials: {username: xa, password-file: open.pass}\n"),
            error_at(4, 46,
                     "password file '" + open.string() +
                         "' can be read by every user of this machine (mode 0644); make it "
                         "private: chmod 600 '" +
                         open.string() + "' (or 640 for the daemon's group)"));
  private_file("group.pass", "mat-khau", perms::owner_read | perms::group_read);
  EXPECT_TRUE(
      load(start + "  credentials: {username: xa, password-file: group.pass}\n").value->fleet)
      << "the daemon's group may read it";

  const auto empty = private_file("empty.pass", "");
  EXPECT_EQ(problem(start + "  credentials: {username: xa, password-file: empty.pass}\n"),
            error_at(4, 46, "password file '" + empty.string() + "' is empty"));
  EXPECT_EQ(problem(start + "  credentials: {password-file: fleet.pass}\n"),
            error_at(4, 16, "credentials is missing 'username'"));
  EXPECT_EQ(problem(start + "  credentials: xa:mat-khau\n"),
            error_at(4, 16,
                     "credentials must be a mapping such as {username: xa-hoa-binh, "
                     "password-file: fleet.pass}"));
}

TEST_F(FleetConfigLoader, TlsTrustAndKeepaliveFiles) {
  const std::string start = "  broker: mqtts://broker.tinh.example\n  site: xa\n";
  directory.write("client.crt", "cert");
  private_file("client.key", "key");
  auto loaded = load(start + "  tls: {cert: client.crt, key: client.key}\n");
  ASSERT_TRUE(loaded.value->fleet) << texts(loaded.diagnostics).front();
  EXPECT_TRUE(loaded.value->fleet->tls_ca.empty()) << "the system's CAs";
  EXPECT_EQ(loaded.value->fleet->tls_key, directory.path() / "client.key");

  EXPECT_EQ(problem(start + "  tls: {cert: client.crt}\n"),
            error_at(4, 8, "tls has a cert without its key; a client certificate needs both"));
  EXPECT_EQ(problem(start + "  tls: {ca: nowhere.crt}\n"),
            error_at(4, 13,
                     "CA certificate file '" + (directory.path() / "nowhere.crt").string() +
                         "' does not exist"));
  EXPECT_EQ(problem(start + "  tls: {ca: playlists}\n"),
            error_at(4, 13,
                     "CA certificate file '" + (directory.path() / "playlists").string() +
                         "' does not exist as a file"));
  EXPECT_EQ(problem(start + "  trust: nowhere.pub\n"),
            error_at(4, 10,
                     "trust key file '" + (directory.path() / "nowhere.pub").string() +
                         "' does not exist"));
  EXPECT_EQ(problem(start + "  keepalive: 2\n"),
            error_at(4, 14, "keepalive must be whole seconds from 5 to 3600"));
  EXPECT_EQ(problem(start + "  keepalive: 30s\n"),
            error_at(4, 14, "keepalive must be whole seconds from 5 to 3600"));
  EXPECT_EQ(problem(start + "  keepalve: 30\n"),
            error_at(4, 3, "unknown key 'keepalve' (did you mean 'keepalive'?)"));
  EXPECT_EQ(problem("  on\n").substr(0, 60),
            error_at(2, 3, "fleet must be a mapping such as").substr(0, 60));
}

}  // namespace
}  // namespace bangtin
