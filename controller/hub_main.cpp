// bangtin-hub — the province's side of the fleet (controller/FLEET.md, "The hub"): subscribes to
// every site's status and plays on the broker and keeps them in a database, for
// `bangtin report --hub`. Runs until SIGINT or SIGTERM.
#include <utility>  // before Asio: Boost 1.74 with C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include <unistd.h>

#include <csignal>
#include <iostream>

#include "bangtin/controller.hpp"
#include "bangtin/playlists.hpp"
#include "fleet_link.hpp"
#include "fleet_messages.hpp"
#include "hub_link.hpp"
#include "hub_store.hpp"

namespace po = boost::program_options;
using namespace bangtin;

namespace {

constexpr const char* kUsage =
    "Usage:\n"
    "  bangtin-hub --broker mqtts://HOST:PORT --database FILE [options]\n"
    "      Keeps every site's status and plays from the broker in FILE (SQLite), until SIGTERM.\n"
    "  bangtin-hub --sites --database FILE\n"
    "      Which sites are online or offline, since when, and when each was last heard.\n";

// The machine's name, as a client id takes it: another hub elsewhere gets another session.
std::string default_client_id() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "bangtin-hub";
  std::string id = "bangtin-hub-";
  for (const char c : std::string(name))
    id += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '-';
  return id;
}

// The broker and credentials as bangtind's `fleet:` takes them, checked the same way.
FleetConfig broker_from(const po::variables_map& vm) {
  FleetConfig fleet;
  if (const auto problem = read_fleet_broker(vm["broker"].as<std::string>(), fleet))
    throw po::error("--broker: " + *problem);
  if (!fleet.tls && !vm.count("allow-plain-mqtt") && !is_loopback_address(fleet.host))
    throw po::error("--broker " + fleet.broker +
                    ": mqtt:// would send the password and every site's plays across the network "
                    "readable; use mqtts://, or --allow-plain-mqtt on a network you trust");
  if (vm.count("username")) {
    fleet.username = vm["username"].as<std::string>();
    if (!vm.count("password-file")) throw po::error("--username needs --password-file");
    fleet.password_file = vm["password-file"].as<std::string>();
  }
  if ((vm.count("ca") || vm.count("cert") || vm.count("key")) && !fleet.tls)
    throw po::error("--ca, --cert and --key are for an mqtts:// broker");
  if (vm.count("cert") != vm.count("key")) throw po::error("--cert and --key go together");
  if (vm.count("ca")) fleet.tls_ca = vm["ca"].as<std::string>();
  if (vm.count("cert")) fleet.tls_certificate = vm["cert"].as<std::string>();
  if (vm.count("key")) fleet.tls_key = vm["key"].as<std::string>();
  const int keepalive = vm["keepalive"].as<int>();
  if (keepalive < 5 || keepalive > 3600) throw po::error("--keepalive must be 5 to 3600 seconds");
  fleet.keepalive = std::chrono::seconds(keepalive);
  return fleet;
}

int run(const po::variables_map& vm, const std::string& database) {
  const FleetConfig fleet = broker_from(vm);
  const std::string shared = vm.count("shared") ? vm["shared"].as<std::string>() : "";
  if (!shared.empty()) {
    if (const auto problem = fleet_name_problem(shared)) throw po::error("--shared " + *problem);
  }
  const std::string client_id =
      vm.count("client-id") ? vm["client-id"].as<std::string>() : default_client_id();

  // The hub has no config of its own: its lines are stamped in the machine's time zone.
  const auto level = parse_log_level(vm["log-level"].as<std::string>());
  if (!level) throw po::error("--log-level must be error, warning, info or debug");
  const LogSink log = stderr_log(LogFormat{*level, std::nullopt});
  boost::asio::io_context loop;
  HubStore store(database);
  HubLink link(loop, fleet_mqtt_options(fleet, client_id), shared, store, log);
  boost::asio::signal_set signals(loop, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int signal) {
    if (error) return;
    log(std::string("hub: stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
    link.close();
    loop.stop();
  });
  log("hub: started, client id " + client_id + (shared.empty() ? "" : ", shared group " + shared) +
      ", database " + database);
  loop.run();
  const HubCounts counts = link.counts();
  log("hub: stopped; " + std::to_string(counts.batches_stored) + " batch(es) with " +
      std::to_string(counts.plays_stored) + " play(s) stored, " +
      std::to_string(counts.batches_again) + " again and ignored, " +
      std::to_string(counts.statuses) + " status(es), " + std::to_string(counts.refused) +
      " message(s) refused");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("Options");
  options.add_options()("broker", po::value<std::string>(),
                        "mqtts://HOST:PORT (mqtt:// only on this machine)")(
      "database", po::value<std::string>()->default_value("/var/lib/bangtin/hub.sqlite3"),
      "the hub's SQLite file; hubs that share one (WAL) may run side by side")(
      "username", po::value<std::string>(), "broker account")(
      "password-file", po::value<std::string>(), "file whose one line is the password")(
      "ca", po::value<std::string>(), "CA that signed the broker's certificate")(
      "cert", po::value<std::string>(), "client certificate")("key", po::value<std::string>(),
                                                              "its key")(
      "shared", po::value<std::string>(),
      "share the plays with the other hubs of group NAME ($share/NAME/...)")(
      "client-id", po::value<std::string>(),
      "the broker keeps this hub's session under it (default bangtin-hub-HOSTNAME)")(
      "keepalive", po::value<int>()->default_value(30), "seconds")(
      "log-level", po::value<std::string>()->default_value("info"),
      "error, warning, info or debug: the least important lines logged")(
      "allow-plain-mqtt", "mqtt:// to a broker beyond this machine")(
      "sites", "print which sites are online or offline, and exit")("version", "print the version")(
      "help,h", "show this help");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << kUsage << options;
      return 0;
    }
    if (vm.count("version")) {
      std::cout << "bangtin-hub " << bangtin_version() << '\n';
      return 0;
    }
    const std::string database = vm["database"].as<std::string>();
    if (database.starts_with("postgresql://") || database.starts_with("postgres://"))
      throw po::error("PostgreSQL is not supported by this version; give an SQLite file");
    if (vm.count("sites")) {
      if (!std::filesystem::exists(database)) {
        std::cerr << "bangtin-hub: no hub database at " << printable(database) << '\n';
        return 1;
      }
      std::cout << sites_table(HubStore(database, HubStore::Access::read_only).sites());
      return 0;
    }
    if (!vm.count("broker")) throw po::error("--broker is required");
    return run(vm, database);
  } catch (const po::error& error) {
    std::cerr << "bangtin-hub: " << error.what() << "\n" << kUsage << options;
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "bangtin-hub: " << printable(error.what()) << '\n';
    return 1;
  }
}
