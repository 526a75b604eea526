// bangtin-panel-sim — stands in for an LED panel's firmware (or, with --profile text, for a
// message display that draws its own ASCII font): serves the register map over Modbus
// TCP and Modbus RTU (a serial device, or a pty it creates), receives DDP and E1.31, shows only
// committed frames, rewrites a PNG of what it shows (at its brightness) about once a second and
// logs frames received per second and changes of brightness and power; with --window it shows the
// board in an SDL window with an LED-dot look. Faults and a serial line's pace can be injected
// from the command line.
#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <boost/program_options.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bangtin/lobby_window.hpp"
#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/renderer.hpp"
#include "bangtin/text_display.hpp"
#include "bangtin/version.hpp"

namespace {

namespace po = boost::program_options;

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

double rate(const po::variables_map& args, const char* name) {
  const double value = args[name].as<double>();
  if (value < 0 || value > 1)
    throw po::error(std::string("--") + name + " must be between 0 and 1");
  return value;
}

std::vector<int> register_list(const std::string& text) {
  std::vector<int> registers;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    int value = -1;
    const auto [end, error] = std::from_chars(text.data() + at, text.data() + comma, value);
    if (error != std::errc{} || end != text.data() + comma || value < 0 || value > 65535)
      throw po::error("--lines must be registers 0-65535, as 1000,2000");
    registers.push_back(value);
    at = comma + 1;
  }
  return registers;
}

bangtin::TextDisplayLayout text_layout(const po::variables_map& args) {
  bangtin::TextDisplayLayout layout;
  layout.line_registers = register_list(args["lines"].as<std::string>());
  layout.chars = args["chars"].as<int>();
  if (layout.chars < 1 || layout.chars > bangtin::kMaxTextDisplayChars)
    throw po::error("--chars must be 1-" + std::to_string(bangtin::kMaxTextDisplayChars));
  const int brightness = args["brightness-register"].as<int>();
  if (brightness < -1 || brightness > 65535)
    throw po::error("--brightness-register must be -1 or 0-65535");
  if (brightness >= 0) layout.brightness_register = brightness;
  const std::string bytes = args["bytes"].as<std::string>();
  if (bytes != "high-first" && bytes != "low-first")
    throw po::error("--bytes must be high-first or low-first");
  layout.high_byte_first = bytes == "high-first";
  return layout;
}

// The lines as the display holds them, in a frame of their width, and the brightness level.
// Replaced atomically, as the PNG snapshots are.
void write_text_snapshot(const std::vector<std::string>& lines, int brightness,
                         const std::string& path) {
  const std::size_t width = lines.empty() ? 0 : lines.front().size();
  std::string text = "+" + std::string(width, '-') + "+\n";
  for (const std::string& line : lines) text += "|" + line + "|\n";
  text +=
      "+" + std::string(width, '-') + "+\nbrightness level " + std::to_string(brightness) + "\n";
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot replace " + path + ": " + std::strerror(errno));
}

// The board as a passer-by sees it, each pixel a round LED (led_dot_preview): a mono board in
// amber at its brightness, a colour board as it glows. Dark when switched off.
bangtin::Frame led_look(const bangtin::PanelSimulator& panel, int scale) {
  const bangtin::SimulatorLight light = panel.light();
  const bangtin::Frame shown = panel.shown_frame();
  if (shown.format != bangtin::PixelFormat::mono)
    return bangtin::led_dot_preview(panel.appearance(), scale);
  const int level = light.on ? light.brightness : 0;
  const auto dim = [level](int channel) {
    return static_cast<std::uint8_t>(channel * level / 255);
  };
  return bangtin::led_dot_preview(shown, scale, bangtin::Rgb{dim(255), dim(176), dim(0)});
}

// The panel's own settings, under the usage lines that open the help.
po::options_description panel_option_table() {
  po::options_description panel_options(
      "Usage: bangtin-panel-sim [--listen modbus-tcp://127.0.0.1:1502] [--size 128x32]\n"
      "                         [--pixel mono]\n"
      "                         [--rtu [DEVICE]] [--ddp PORT] [--e131 PORT] [faults...]\n"
      "                         [--snapshot panel.png] [--scale 4]\n"
      "       bangtin-panel-sim --profile text [--lines 1000,2000] [--chars 16]\n"
      "                         [--listen ...] [--rtu [DEVICE]] [--snapshot lines.txt]\nPanel");
  panel_options.add_options()(
      "listen", po::value<std::string>()->default_value("127.0.0.1:1502"),
      "the link: URI a display's config names the panel by (modbus-tcp://127.0.0.1:1502, "
      "modbus-text-tcp://...?lines=...&chars=..., ddp://HOST:PORT, e131://HOST:PORT?universe=N; "
      "see playlists/FORMAT.md), or the Modbus TCP address HOST:PORT, or \"off\" for none; "
      "DDP and E1.31 bind its host too")("size", po::value<std::string>()->default_value("128x32"),
                                         "panel WIDTHxHEIGHT")(
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
      "max-connections", po::value<int>()->default_value(32),
      "Modbus TCP clients served at once; a newcomer beyond that drops the one that never "
      "completed a request, or went longest without one")(
      "request-timeout-ms", po::value<int>()->default_value(1000),
      "close a Modbus TCP connection whose request is not complete this long after its first byte")(
      "idle-timeout-s", po::value<int>()->default_value(60),
      "close a Modbus TCP connection that completes no request for this long")(
      "map-version", po::value<int>()->default_value(4),
      "register map version served: 4, 3 for a panel without rings of tiles, 2 without strips")(
      "strip-memory", po::value<int>()->default_value(32768),
      "registers of memory for strips and rings beyond the frame's (map v3 and up); 0: none")(
      "profile", po::value<std::string>()->default_value("panel"),
      "panel: the register map; text: a message display drawing its own ASCII font")(
      "lines", po::value<std::string>()->default_value("1000,2000"),
      "text: the first register of each line")("chars", po::value<int>()->default_value(16),
                                               "text: characters a line")(
      "brightness-register", po::value<int>()->default_value(3),
      "text: register of the brightness level (-1: none)")(
      "bytes", po::value<std::string>()->default_value("high-first"),
      "text: high-first | low-first, where a register's first character sits")(
      "snapshot", po::value<std::string>(),
      "rewritten about once a second: a PNG of the board as seen (at its brightness), or for "
      "--profile text the lines as text")("scale", po::value<int>()->default_value(4),
                                          "pixel size in the snapshot and the window")(
      "window",
      "show the board in a window, each pixel a round LED; --snapshot then saves what the window "
      "shows")("version", "print the version")("help,h", "show this help");
  return panel_options;
}

po::options_description fault_option_table() {
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
  return fault_options;
}

constexpr const char* kListenForms =
    "--listen must be a link: URI as a display's config writes it (modbus-tcp://HOST:PORT, "
    "modbus-text-tcp://HOST:PORT?lines=...&chars=..., ddp://HOST:PORT, "
    "e131://HOST:PORT?universe=N), HOST:PORT (Modbus TCP), or off";

// The link a display's config names, read by the controller's own parser (open_link's), so that
// the simulator takes exactly what a config may write there.
bangtin::LinkAddress listened_link(const std::string& listen, const po::variables_map& args) {
  bangtin::LinkAddress link;
  try {
    link = bangtin::link_address(listen);
  } catch (const std::invalid_argument& error) {
    throw po::error(std::string("--listen ") + error.what());
  }
  if (link.scheme.ends_with("-rtu"))
    throw po::error("--listen " + listen +
                    ": the simulator cannot open the controller's end of a serial line; serve "
                    "Modbus RTU with --rtu [DEVICE] and give the controller the path it prints");
  if (link.scheme == "e131" && link.host == "multicast")
    throw po::error("--listen " + listen +
                    ": the simulator receives E1.31 sent to its own address, not to multicast");
  if ((link.scheme == "ddp" && args.count("ddp")) || (link.scheme == "e131" && args.count("e131")))
    throw po::error("--listen " + listen + " and --" + link.scheme + " both give its port");
  return link;
}

// What the link: URI says of the simulator's side: the address and port of the one door it
// names (the Modbus TCP door closed for a DDP or E1.31 one), the unit, universe and text layout.
void serve_link(const bangtin::LinkAddress& link, const po::variables_map& args,
                bangtin::SimulatorOptions& sim) {
  sim.host = link.host;
  sim.port = link.scheme.starts_with("modbus-") ? link.port : -1;
  if (link.scheme == "ddp") sim.ddp_port = link.port;
  if (link.scheme == "e131") sim.e131_port = link.port;
  if (link.scheme.starts_with("modbus-") && link.unit >= 1 && link.unit <= 247) {
    // 0 and 255 address any unit over TCP, so --unit stands; any other must agree with --unit.
    if (!args["unit"].defaulted() && link.unit != sim.unit)
      throw po::error("--unit " + std::to_string(sim.unit) + " and the unit of --listen differ");
    sim.unit = link.unit;
  }
  if (link.text) sim.text_display = link.text;
}

// The checks run in the order the options are listed, so the first wrong one is the one reported.
bangtin::SimulatorOptions panel_settings(const po::variables_map& args) {
  bangtin::SimulatorOptions sim;
  const std::string listen = args["listen"].as<std::string>();
  std::optional<bangtin::LinkAddress> link;
  if (listen == "off") {
    sim.port = -1;
  } else if (listen.find("://") != std::string::npos) {
    link = listened_link(listen, args);
  } else if (!split_address(listen, sim.host, sim.port)) {
    throw po::error(kListenForms);
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
  if (link) serve_link(*link, args, sim);
  sim.rtu_baud = args["rtu-baud"].as<int>();
  sim.line_rate = args["line-rate"].as<int>();
  if (sim.line_rate < 0) throw po::error("--line-rate must be a baud rate, e.g. 9600");
  if (args.count("ddp")) sim.ddp_port = args["ddp"].as<int>();
  if (args.count("e131")) sim.e131_port = args["e131"].as<int>();
  sim.e131_universe = args["universe"].as<int>();
  if (link && link->scheme == "e131") {
    if (!args["universe"].defaulted() && link->universe != sim.e131_universe)
      throw po::error("--universe and the universe of --listen differ");
    sim.e131_universe = link->universe;
  }
  if (sim.e131_universe < 1 || sim.e131_universe > 63999)
    throw po::error("--universe must be 1-63999");
  if (args["scale"].as<int>() < 1) throw po::error("--scale must be at least 1");
  sim.max_connections = args["max-connections"].as<int>();
  if (sim.max_connections < 1) throw po::error("--max-connections must be at least 1");
  if (args["request-timeout-ms"].as<int>() < 1 || args["idle-timeout-s"].as<int>() < 1)
    throw po::error("--request-timeout-ms and --idle-timeout-s must be positive");
  sim.request_timeout = std::chrono::milliseconds(args["request-timeout-ms"].as<int>());
  sim.idle_timeout = std::chrono::seconds(args["idle-timeout-s"].as<int>());
  sim.map_version = args["map-version"].as<int>();
  if (sim.map_version < 2 || sim.map_version > 4)
    throw po::error("--map-version must be 2, 3 or 4");
  sim.strip_registers = args["strip-memory"].as<int>();
  if (sim.strip_registers < 0) throw po::error("--strip-memory must not be negative");
  const std::string profile = args["profile"].as<std::string>();
  if (profile != "panel" && profile != "text") throw po::error("--profile must be panel or text");
  if (profile == "text" && !sim.text_display) sim.text_display = text_layout(args);
  // A modbus-text-* link is a text display's: --profile text goes without saying.
  if (profile == "panel" && sim.text_display && !args["profile"].defaulted())
    throw po::error("--listen " + listen + " is a text display's link, not a panel's");
  if (profile == "text" && link && link->scheme == "modbus-tcp")
    throw po::error("--listen " + listen + " is a pixel panel's link; a text display's is " +
                    "modbus-text-tcp://HOST:PORT?lines=...&chars=...");
  if (args.count("window") && sim.text_display)
    throw po::error("--window shows pixels, and a text display has none (see --snapshot)");
  return sim;
}

bangtin::SimulatorFaults injected_faults(const po::variables_map& args) {
  bangtin::SimulatorFaults faults;
  faults.drop_rate = rate(args, "drop-rate");
  faults.corrupt_rate = rate(args, "corrupt-rate");
  if (args["latency-ms"].as<int>() < 0 || args["reboot-downtime-ms"].as<int>() < 0)
    throw po::error("--latency-ms and --reboot-downtime-ms must not be negative");
  faults.added_latency = std::chrono::milliseconds(args["latency-ms"].as<int>());
  faults.disconnect_every = args["disconnect-every"].as<std::uint64_t>();
  faults.reboot_every = args["reboot-every"].as<std::uint64_t>();
  faults.reboot_downtime = std::chrono::milliseconds(args["reboot-downtime-ms"].as<int>());
  faults.seed = args["seed"].as<std::uint32_t>();
  return faults;
}

// The settings the command line asks for, or a po::error naming the first wrong option.
bangtin::SimulatorOptions simulator_settings(const po::variables_map& args) {
  bangtin::SimulatorOptions sim = panel_settings(args);
  sim.faults = injected_faults(args);
  return sim;
}

// The simulator stops between two naps of its loop, so that it closes its doors and pty itself.
void stop_on_sigint_and_sigterm() {
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
}

// The query a display's link: URI would carry for this text layout, after `?unit=N`.
std::string text_link_options(const bangtin::TextDisplayLayout& layout) {
  std::string lines;
  for (const int first : layout.line_registers)
    lines += (lines.empty() ? "" : ",") + std::to_string(first);
  std::string options = "&lines=" + lines + "&chars=" + std::to_string(layout.chars);
  if (layout.brightness_register)
    options += "&brightness=" + std::to_string(*layout.brightness_register);
  if (layout.brightness_max != 100)
    options += "&brightness-max=" + std::to_string(layout.brightness_max);
  if (!layout.high_byte_first) options += "&bytes=low-first";
  return options;
}

// The doors the simulator serves, each as the link: URI a display would name it by, ", "-joined.
std::string link_uris(const bangtin::PanelSimulator& panel, const bangtin::SimulatorOptions& sim,
                      const po::variables_map& args, const std::string& rtu_path) {
  std::string doors;
  const auto add_door = [&](const std::string& door) {
    doors += (doors.empty() ? "" : ", ") + door;
  };
  const std::string text_options = sim.text_display ? text_link_options(*sim.text_display) : "";
  const std::string modbus = sim.text_display ? "modbus-text-" : "modbus-";
  if (panel.port() >= 0)
    add_door(modbus + "tcp://" + sim.host + ":" + std::to_string(panel.port()) +
             (sim.text_display ? "?unit=" + std::to_string(sim.unit) + text_options : ""));
  if (args.count("rtu"))
    add_door(modbus + "rtu://" + rtu_path + "?unit=" + std::to_string(sim.unit) + text_options);
  if (panel.ddp_port() >= 0) add_door("ddp://" + sim.host + ":" + std::to_string(panel.ddp_port()));
  if (panel.e131_port() >= 0)
    add_door("e131://" + sim.host + ":" + std::to_string(panel.e131_port()) +
             "?universe=" + std::to_string(sim.e131_universe));
  return doors;
}

void announce(const bangtin::SimulatorOptions& sim, const std::string& doors) {
  std::cerr << "bangtin-panel-sim: ";
  if (sim.text_display)
    std::cerr << "text display, " << sim.text_display->line_registers.size() << " lines of "
              << sim.text_display->chars << " characters, on ";
  else
    std::cerr << sim.width << "x" << sim.height << " " << bangtin::to_string(sim.format)
              << " panel (register map v" << sim.map_version << ") on ";
  std::cerr << (doors.empty() ? "nothing (no --listen, --rtu, --ddp or --e131)" : doors);
  if (sim.line_rate > 0) std::cerr << ", replies paced to " << sim.line_rate << " baud";
  std::cerr << std::endl;
}

std::optional<bangtin::LobbyWindow> open_window(const bangtin::PanelSimulator& panel,
                                                const bangtin::SimulatorOptions& sim, int scale) {
  bangtin::WindowOptions placement;
  placement.fullscreen = false;
  placement.vsync = false;
  bangtin::WindowLook look;
  look.title = "bangtin-panel-sim " + std::to_string(sim.width) + "x" + std::to_string(sim.height) +
               " " + std::string(bangtin::to_string(sim.format));
  std::optional<bangtin::LobbyWindow> window;
  window.emplace(sim.width * scale, sim.height * scale, placement, look);
  window->show(led_look(panel, scale));
  return window;
}

// What the window shows, so that it redraws only on a change.
struct Drawn {
  std::uint64_t commits = 0;
  bangtin::SimulatorLight light;
};

// False once the window was closed.
bool keep_window_current(bangtin::LobbyWindow& window, const bangtin::PanelSimulator& panel,
                         int scale, Drawn& drawn) {
  if (!window.handle_events()) return false;
  const std::uint64_t commits = panel.commits();
  const bangtin::SimulatorLight light = panel.light();
  if (commits != drawn.commits || light != drawn.light) {
    window.show(led_look(panel, scale));
    drawn.commits = commits;
    drawn.light = light;
  }
  return true;
}

// What the last report said, so that the next tells the rate since and only what changed.
struct Reported {
  std::uint64_t commits = 0;
  bangtin::SimulatorLight light;
  std::vector<std::string> lines;
};

void report_traffic(std::uint64_t commits, std::uint64_t since_last,
                    const bangtin::SimulatorCounters& faults,
                    const bangtin::SimulatorOptions& sim) {
  std::cerr << "bangtin-panel-sim: " << since_last
            << (sim.text_display ? " line writes/s (" : " frames/s (") << commits << " in all";
  if (faults.strip_commits > 0) std::cerr << ", " << faults.strip_commits << " as strip windows";
  if (faults.ring_commits > 0) std::cerr << ", " << faults.ring_commits << " as ring windows";
  std::cerr << ")";
  if (faults.dropped + faults.corrupted + faults.disconnects + faults.reboots > 0)
    std::cerr << "; faults so far: " << faults.dropped << " dropped, " << faults.corrupted
              << " corrupted, " << faults.disconnects << " disconnects, " << faults.reboots
              << " reboots";
  const std::uint64_t closed = faults.stalled_requests + faults.idle_disconnects + faults.evictions;
  if (closed > 0 || faults.accept_pauses > 0)
    std::cerr << "; connections closed so far: " << faults.stalled_requests
              << " with a request unfinished after " << sim.request_timeout.count() << " ms, "
              << faults.idle_disconnects << " idle, " << faults.evictions
              << " to make room; accepting paused " << faults.accept_pauses
              << " times for want of file descriptors";
  std::cerr << std::endl;
}

void report_light_change(const bangtin::SimulatorLight& light, const bangtin::SimulatorOptions& sim,
                         Reported& reported) {
  if (light == reported.light) return;
  if (sim.text_display)
    std::cerr << "bangtin-panel-sim: brightness level " << light.brightness << std::endl;
  else
    std::cerr << "bangtin-panel-sim: brightness " << light.brightness << "/255, "
              << (light.on ? "on" : "switched off") << std::endl;
  reported.light = light;
}

// The lines when they changed, and the --snapshot text of them.
void report_text(const bangtin::PanelSimulator& panel, const bangtin::SimulatorLight& light,
                 const std::optional<std::string>& snapshot, Reported& reported) {
  const std::vector<std::string> lines = panel.shown_lines();
  if (lines != reported.lines) {
    for (std::size_t i = 0; i < lines.size(); ++i)
      std::cerr << "bangtin-panel-sim: line " << i + 1 << " \"" << lines[i] << "\"\n";
    reported.lines = lines;
  }
  if (snapshot) write_text_snapshot(lines, light.brightness, *snapshot);
}

// What the loop keeps up to date besides the serving, which runs on the panel's own thread.
struct Outputs {
  bangtin::LobbyWindow* window = nullptr;
  std::optional<std::string> snapshot;
  int scale = 1;
};

void report_second(const bangtin::PanelSimulator& panel, const bangtin::SimulatorOptions& sim,
                   const Outputs& outputs, Reported& reported) {
  const std::uint64_t commits = panel.commits();
  report_traffic(commits, commits - reported.commits, panel.counters(), sim);
  reported.commits = commits;
  const bangtin::SimulatorLight light = panel.light();
  report_light_change(light, sim, reported);
  if (sim.text_display) {
    report_text(panel, light, outputs.snapshot, reported);
  } else if (outputs.snapshot && outputs.window) {
    bangtin::write_png(outputs.window->screenshot(), *outputs.snapshot);
  } else if (outputs.snapshot && commits > 0) {
    // As a passer-by would see the board: at its brightness, dark when switched off.
    bangtin::write_png(panel.appearance(), *outputs.snapshot, outputs.scale);
  }
}

// Until a signal or the window's closing.
void run_until_stopped(const bangtin::PanelSimulator& panel, const bangtin::SimulatorOptions& sim,
                       const Outputs& outputs) {
  Drawn drawn;
  Reported reported;
  auto next_report = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!stop_requested) {
    // Short naps so a signal stops the simulator promptly; the panel serves on its own thread.
    // With a window, short enough for it to follow the frames (it redraws only on a change).
    std::this_thread::sleep_for(std::chrono::milliseconds(outputs.window ? 15 : 100));
    if (outputs.window && !keep_window_current(*outputs.window, panel, outputs.scale, drawn)) break;
    if (std::chrono::steady_clock::now() < next_report) continue;
    next_report += std::chrono::seconds(1);
    report_second(panel, sim, outputs, reported);
  }
}

void serve(const po::variables_map& args, bangtin::SimulatorOptions sim) {
  std::unique_ptr<Pty> pty;
  if (args.count("rtu")) {
    sim.rtu_device = args["rtu"].as<std::string>();
    if (sim.rtu_device.empty()) {
      pty = open_pty();
      sim.rtu_fd = pty->master;
    }
  }
  bangtin::PanelSimulator panel(sim);
  stop_on_sigint_and_sigterm();
  announce(sim, link_uris(panel, sim, args, pty ? pty->path : sim.rtu_device));

  Outputs outputs;
  outputs.scale = args["scale"].as<int>();
  if (args.count("snapshot")) outputs.snapshot = args["snapshot"].as<std::string>();
  std::optional<bangtin::LobbyWindow> window;
  if (args.count("window")) window = open_window(panel, sim, outputs.scale);
  if (window) outputs.window = &*window;
  run_until_stopped(panel, sim, outputs);
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options;
  options.add(panel_option_table()).add(fault_option_table());
  po::variables_map args;
  bangtin::SimulatorOptions sim;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    if (args.count("help")) {
      std::cout << options;
      return 0;
    }
    if (args.count("version")) {
      std::cout << "bangtin-panel-sim " << bangtin::bangtin_version() << '\n';
      return 0;
    }
    po::notify(args);
    sim = simulator_settings(args);
  } catch (const po::error& error) {
    std::cerr << "bangtin-panel-sim: " << error.what() << "\n" << options;
    return 2;
  }
  try {
    serve(args, sim);
  } catch (const std::exception& error) {
    std::cerr << "bangtin-panel-sim: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
