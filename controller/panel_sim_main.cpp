// bangtin-panel-sim — stands in for an LED panel's firmware: serves the register map over Modbus
// TCP, shows only committed frames, rewrites a PNG of what it shows about once a second and logs
// frames received per second.
#include <boost/program_options.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "bangtin/panel_simulator.hpp"

namespace {

std::atomic<bool> stop_requested{false};
void request_stop(int) { stop_requested = true; }

// "127.0.0.1:1502" -> host and port.
bool split_address(const std::string& address, std::string& host, int& port) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  host = address.substr(0, colon);
  try {
    port = std::stoi(address.substr(colon + 1));
  } catch (const std::exception&) {
    return false;
  }
  return !host.empty() && port >= 0 && port <= 65535;
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  po::options_description options(
      "Usage: bangtin-panel-sim [--listen 127.0.0.1:1502] [--size 128x32] [--pixel mono]\n"
      "                         [--snapshot panel.png] [--scale 4]\nOptions");
  options.add_options()("listen", po::value<std::string>()->default_value("127.0.0.1:1502"),
                        "Modbus TCP address to serve")(
      "size", po::value<std::string>()->default_value("128x32"), "panel WIDTHxHEIGHT")(
      "pixel", po::value<std::string>()->default_value("mono"), "mono | rgb565 | rgb888")(
      "snapshot", po::value<std::string>(),
      "PNG rewritten with the shown frame about once a second")(
      "scale", po::value<int>()->default_value(4), "pixel size in the snapshot")("help,h",
                                                                                 "show this help");
  po::variables_map args;
  bangtin::SimulatorOptions sim;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    if (args.count("help")) {
      std::cout << options;
      return 0;
    }
    po::notify(args);
    if (!split_address(args["listen"].as<std::string>(), sim.host, sim.port)) {
      throw po::error("--listen must be HOST:PORT, e.g. 127.0.0.1:1502");
    }
    const std::string size = args["size"].as<std::string>();
    if (std::sscanf(size.c_str(), "%dx%d", &sim.width, &sim.height) != 2 || sim.width <= 0 ||
        sim.height <= 0) {
      throw po::error("--size must be WIDTHxHEIGHT, e.g. 128x32");
    }
    const auto format = bangtin::parse_pixel_format(args["pixel"].as<std::string>());
    if (!format) throw po::error("--pixel must be mono, rgb565 or rgb888");
    sim.format = *format;
  } catch (const po::error& error) {
    std::cerr << "bangtin-panel-sim: " << error.what() << "\n" << options;
    return 2;
  }

  try {
    bangtin::PanelSimulator panel(sim);
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    std::cerr << "bangtin-panel-sim: " << sim.width << "x" << sim.height << " "
              << bangtin::to_string(sim.format) << " panel on modbus-tcp://" << sim.host << ":"
              << panel.port() << std::endl;
    std::uint64_t last_commits = 0;
    auto next_report = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!stop_requested) {
      // Short naps so a signal stops the simulator promptly; the panel serves on its own thread.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (std::chrono::steady_clock::now() < next_report) continue;
      next_report += std::chrono::seconds(1);
      const std::uint64_t commits = panel.commits();
      std::cerr << "bangtin-panel-sim: " << commits - last_commits << " frames/s (" << commits
                << " in all)" << std::endl;
      last_commits = commits;
      if (args.count("snapshot") && commits > 0) {
        bangtin::write_png(panel.shown_frame(), args["snapshot"].as<std::string>(),
                           args["scale"].as<int>());
      }
    }
  } catch (const std::exception& error) {
    std::cerr << "bangtin-panel-sim: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
