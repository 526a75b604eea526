// bangtind — the scheduler daemon: plays every configured display until SIGINT or SIGTERM.
#include <utility>  // before Asio: Boost 1.74 with C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include <sys/resource.h>

#include <csignal>
#include <iostream>

#include "bangtin/controller.hpp"
#include "bangtin/version.hpp"
#include "daemon_check.hpp"
#include "service_notifier.hpp"

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  po::options_description options(
      "Usage: bangtind --config FILE [--log-level LEVEL]\n"
      "       bangtind --config FILE --check\nOptions");
  options.add_options()("config,c", po::value<std::string>()->required(), "daemon config (YAML)")(
      "check",
      "read the config and every playlist as starting would, print the problems, exit 0 when "
      "there is no error, 1 otherwise; starts nothing")(
      "log-level", po::value<std::string>()->default_value("info"),
      "error, warning, info or debug: the least important lines logged")(
      "version", "print the version")("help,h", "show this help");
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    if (args.count("help")) {
      std::cout << options;
      return 0;
    }
    if (args.count("version")) {
      std::cout << "bangtind " << bangtin::bangtin_version() << '\n';
      return 0;
    }
    po::notify(args);
    if (!bangtin::parse_log_level(args["log-level"].as<std::string>()))
      throw po::error("--log-level must be error, warning, info or debug, not '" +
                      bangtin::printable(args["log-level"].as<std::string>()) + "'");
  } catch (const po::error& error) {
    std::cerr << "bangtind: " << error.what() << "\n" << options;
    return 2;
  }

  // The console keeps a descriptor a connection: take the whole of the hard limit the system
  // gives (1024 by default is soft, often 4096 or more hard), so a thousand idle browsers
  // cannot starve the panels' links and the databases of descriptors.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  const std::string config_file = args["config"].as<std::string>();
  if (args.count("check")) {
    const bangtin::DaemonCheck check = bangtin::check_daemon_config(config_file);
    for (const std::string& problem : check.problems) std::cout << problem << '\n';
    std::cerr << "bangtind --check: " << config_file << ": "
              << (check.usable ? std::to_string(check.playlists) + " playlist(s), "
                               : std::string("not a usable config, "))
              << check.errors << " error(s), "
              << check.problems.size() - static_cast<std::size_t>(check.errors) << " warning(s)\n";
    return check.errors ? 1 : 0;
  }

  // Lines are stamped in the config's time zone, as the status and the schedules are; a config
  // that cannot be read is said in the machine's.
  const bangtin::Loaded<bangtin::Config> config = bangtin::load_config(config_file);
  const bangtin::LogSink log = bangtin::stderr_log(
      bangtin::LogFormat{*bangtin::parse_log_level(args["log-level"].as<std::string>()),
                         config.value ? std::optional(config.value->utc_offset) : std::nullopt});
  boost::asio::io_context loop;
  bangtin::ServiceNotifier service(loop);
  try {
    bangtin::Daemon daemon(loop, config_file, bangtin::Clocks{}, log);
    boost::asio::signal_set signals(loop, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& error, int signal) {
      if (error) return;
      log(std::string("stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
      service.stopping();
      daemon.stop();
      loop.stop();
    });
    log("bangtind started");
    service.ready("playing; config " + config_file);
    loop.run();
  } catch (const std::exception& error) {
    log.error(std::string("bangtind: ") + error.what());
    return 1;
  }
  log("bangtind stopped");
  return 0;
}
