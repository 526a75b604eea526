// bangtin-panel-sim — stands in for an LED panel's firmware: serves the register map over Modbus
// TCP and Modbus RTU (a serial device, or a pty it creates), receives DDP and E1.31, shows only
// committed frames, rewrites a PNG of what it shows about once a second and logs frames received
// per second. Faults and a serial line's pace can be injected from the command line.
#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <boost/program_options.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
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
    std::size_t used = 0;
    port = std::stoi(address.substr(colon + 1), &used);
    if (used != address.size() - colon - 1) return false;
  } catch (const std::exception&) {
    return false;
  }
  return !host.empty() && port >= 0 && port <= 65535;
}

// A pty pair for `--rtu` without a device: the simulator serves the master side, a controller
// opens the slave by the path printed. Both ends stay open for the simulator's life, so that a
// controller may close and reopen the slave as often as it likes.
struct Pty {
  int master = -1;
  int slave = -1;
  std::string path;
  ~Pty() {
    if (master >= 0) close(master);
    if (slave >= 0) close(slave);
  }
};

std::unique_ptr<Pty> open_pty() {
  auto pty = std::make_unique<Pty>();
  char name[128] = {};
  if (openpty(&pty->master, &pty->slave, name, nullptr, nullptr) != 0)
    throw std::runtime_error(std::string("cannot create a pty: ") + std::strerror(errno));
  // Raw from the start: a cooked pty would echo the panel's replies back to it.
  termios raw{};
  tcgetattr(pty->slave, &raw);
  cfmakeraw(&raw);
  tcsetattr(pty->slave, TCSANOW, &raw);
  pty->path = name;
  return pty;
}

double rate(const boost::program_options::variables_map& args, const char* name) {
  const double value = args[name].as<double>();
  if (value < 0 || value > 1)
    throw boost::program_options::error(std::string("--") + name + " must be between 0 and 1");
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  po::options_description panel_options(
      "Usage: bangtin-panel-sim [--listen 127.0.0.1:1502] [--size 128x32] [--pixel mono]\n"
      "                         [--rtu [DEVICE]] [--ddp PORT] [--e131 PORT] [faults...]\n"
      "                         [--snapshot panel.png] [--scale 4]\nPanel");
  panel_options.add_options()(
      "listen", po::value<std::string>()->default_value("127.0.0.1:1502"),
      "Modbus TCP address to serve (\"off\" for none); DDP and E1.31 bind its host too")(
      "size", po::value<std::string>()->default_value("128x32"), "panel WIDTHxHEIGHT")(
      "pixel", po::value<std::string>()->default_value("mono"), "mono | rgb565 | rgb888")(
      "unit", po::value<int>()->default_value(1), "Modbus unit id")(
      "rtu", po::value<std::string>()->implicit_value(""),
      "serve Modbus RTU on DEVICE, or on a new pty whose path is printed")(
      "rtu-baud", po::value<int>()->default_value(115200), "baud rate for an RTU DEVICE")(
      "line-rate", po::value<int>()->default_value(0),
      "pace Modbus replies to the wire time of an RTU line at this baud rate")(
      "ddp", po::value<int>(), "receive DDP on this UDP port (4048 is DDP's own; 0 picks)")(
      "e131", po::value<int>(), "receive E1.31 on this UDP port (5568 is E1.31's own; 0 picks)")(
      "universe", po::value<int>()->default_value(1), "the panel's first E1.31 universe")(
      "snapshot", po::value<std::string>(),
      "PNG rewritten with the shown frame about once a second")(
      "scale", po::value<int>()->default_value(4), "pixel size in the snapshot")("help,h",
                                                                                 "show this help");
  po::options_description fault_options("Faults");
  fault_options.add_options()("drop-rate", po::value<double>()->default_value(0),
                              "share of requests and datagrams ignored, 0-1")(
      "latency-ms", po::value<int>()->default_value(0), "added before every Modbus reply")(
      "corrupt-rate", po::value<double>()->default_value(0),
      "share of Modbus replies sent damaged, 0-1")(
      "disconnect-every", po::value<std::uint64_t>()->default_value(0),
      "drop Modbus TCP connections after every N frames")(
      "reboot-every", po::value<std::uint64_t>()->default_value(0),
      "reboot (lose the frame, go quiet, come back) after every N frames")(
      "reboot-downtime-ms", po::value<int>()->default_value(300), "how long a reboot takes")(
      "seed", po::value<std::uint32_t>()->default_value(1), "for the drop and corrupt draws");
  po::options_description options;
  options.add(panel_options).add(fault_options);

  po::variables_map args;
  bangtin::SimulatorOptions sim;
  std::unique_ptr<Pty> pty;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    if (args.count("help")) {
      std::cout << options;
      return 0;
    }
    po::notify(args);
    const std::string listen = args["listen"].as<std::string>();
    if (listen == "off") {
      sim.port = -1;
    } else if (!split_address(listen, sim.host, sim.port)) {
      throw po::error("--listen must be HOST:PORT, e.g. 127.0.0.1:1502, or off");
    }
    const std::string size = args["size"].as<std::string>();
    if (std::sscanf(size.c_str(), "%dx%d", &sim.width, &sim.height) != 2 || sim.width <= 0 ||
        sim.height <= 0) {
      throw po::error("--size must be WIDTHxHEIGHT, e.g. 128x32");
    }
    const auto format = bangtin::parse_pixel_format(args["pixel"].as<std::string>());
    if (!format) throw po::error("--pixel must be mono, rgb565 or rgb888");
    sim.format = *format;
    sim.unit = args["unit"].as<int>();
    if (sim.unit < 1 || sim.unit > 247) throw po::error("--unit must be 1-247");
    sim.rtu_baud = args["rtu-baud"].as<int>();
    sim.line_rate = args["line-rate"].as<int>();
    if (sim.line_rate < 0) throw po::error("--line-rate must be a baud rate, e.g. 9600");
    if (args.count("ddp")) sim.ddp_port = args["ddp"].as<int>();
    if (args.count("e131")) sim.e131_port = args["e131"].as<int>();
    sim.e131_universe = args["universe"].as<int>();
    if (sim.e131_universe < 1 || sim.e131_universe > 63999)
      throw po::error("--universe must be 1-63999");
    if (args["scale"].as<int>() < 1) throw po::error("--scale must be at least 1");

    sim.faults.drop_rate = rate(args, "drop-rate");
    sim.faults.corrupt_rate = rate(args, "corrupt-rate");
    if (args["latency-ms"].as<int>() < 0 || args["reboot-downtime-ms"].as<int>() < 0)
      throw po::error("--latency-ms and --reboot-downtime-ms must not be negative");
    sim.faults.added_latency = std::chrono::milliseconds(args["latency-ms"].as<int>());
    sim.faults.disconnect_every = args["disconnect-every"].as<std::uint64_t>();
    sim.faults.reboot_every = args["reboot-every"].as<std::uint64_t>();
    sim.faults.reboot_downtime = std::chrono::milliseconds(args["reboot-downtime-ms"].as<int>());
    sim.faults.seed = args["seed"].as<std::uint32_t>();
  } catch (const po::error& error) {
    std::cerr << "bangtin-panel-sim: " << error.what() << "\n" << options;
    return 2;
  }

  try {
    if (args.count("rtu")) {
      sim.rtu_device = args["rtu"].as<std::string>();
      if (sim.rtu_device.empty()) {
        pty = open_pty();
        sim.rtu_fd = pty->master;
      }
    }
    bangtin::PanelSimulator panel(sim);
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);

    std::string doors;
    const auto add_door = [&](const std::string& door) {
      doors += (doors.empty() ? "" : ", ") + door;
    };
    if (panel.port() >= 0)
      add_door("modbus-tcp://" + sim.host + ":" + std::to_string(panel.port()));
    if (args.count("rtu"))
      add_door("modbus-rtu://" + (pty ? pty->path : sim.rtu_device) +
               "?unit=" + std::to_string(sim.unit));
    if (panel.ddp_port() >= 0)
      add_door("ddp://" + sim.host + ":" + std::to_string(panel.ddp_port()));
    if (panel.e131_port() >= 0)
      add_door("e131://" + sim.host + ":" + std::to_string(panel.e131_port()) +
               "?universe=" + std::to_string(sim.e131_universe));
    std::cerr << "bangtin-panel-sim: " << sim.width << "x" << sim.height << " "
              << bangtin::to_string(sim.format) << " panel on "
              << (doors.empty() ? "nothing (no --listen, --rtu, --ddp or --e131)" : doors);
    if (sim.line_rate > 0) std::cerr << ", replies paced to " << sim.line_rate << " baud";
    std::cerr << std::endl;

    std::uint64_t last_commits = 0;
    auto next_report = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!stop_requested) {
      // Short naps so a signal stops the simulator promptly; the panel serves on its own thread.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (std::chrono::steady_clock::now() < next_report) continue;
      next_report += std::chrono::seconds(1);
      const std::uint64_t commits = panel.commits();
      const bangtin::SimulatorCounters faults = panel.counters();
      std::cerr << "bangtin-panel-sim: " << commits - last_commits << " frames/s (" << commits
                << " in all)";
      if (faults.dropped + faults.corrupted + faults.disconnects + faults.reboots > 0)
        std::cerr << "; faults so far: " << faults.dropped << " dropped, " << faults.corrupted
                  << " corrupted, " << faults.disconnects << " disconnects, " << faults.reboots
                  << " reboots";
      std::cerr << std::endl;
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
