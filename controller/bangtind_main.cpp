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
#include "service_notifier.hpp"

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  po::options_description options("Usage: bangtind --config FILE\nOptions");
  options.add_options()("config,c", po::value<std::string>()->required(), "daemon config (YAML)")(
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

  const bangtin::LogSink log = bangtin::stderr_log();
  boost::asio::io_context loop;
  bangtin::ServiceNotifier service(loop);
  try {
    bangtin::Daemon daemon(loop, args["config"].as<std::string>(), bangtin::Clocks{}, log);
    boost::asio::signal_set signals(loop, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& error, int signal) {
      if (error) return;
      log(std::string("stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
      service.stopping();
      daemon.stop();
      loop.stop();
    });
    log("bangtind started");
    service.ready("playing; config " + args["config"].as<std::string>());
    loop.run();
  } catch (const std::exception& error) {
    std::cerr << "bangtind: " << error.what() << "\n";
    return 1;
  }
  log("bangtind stopped");
  return 0;
}
