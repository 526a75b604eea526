// bangtin-bench, firmware bridge: what frames cost on the wire and how fast links go.
//
// 1. Bytes on the wire per frame of a scrolling message in full, delta and strip modes, and the
//    frames/s each reaches on an RTU line at 9600 and 115200 baud (computed from the Modbus
//    frames: 11 bits a character and the 3.5-character gap, 1.75 ms above 19200 baud). Full is
//    the baseline. Counters: bytes_per_frame, fps_9600, fps_115200.
// 2. The same measured end to end: a Modbus RTU link over a pty to the simulator pacing its
//    replies to 115200 baud; full (a panel that does not keep its back buffer) against delta.
// 3. Frames/s pushed to 32 simulated DDP panels of 128x64 rgb888 on loopback from one core: a
//    naive sender (one allocation and one sendto a packet) against DdpLink (sendmmsg).
//    Counter `delivered`: the share of frames the 32 panels showed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pty.h>
#include <sched.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bangtin/frame.hpp"
#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/pixel_packets.hpp"
#include "bangtin/register_map.hpp"
#include "bangtin/renderer.hpp"

namespace {

using namespace bangtin;
namespace rm = register_map;

constexpr double kFps = 25;
constexpr double kScrollSpeed = 50;  // pixels a second: 2 pixels a frame at 25 fps
constexpr const char* kMessage =
    "Tiếp nhận hồ sơ trực tuyến tại dichvucong.gov.vn — Bộ phận một cửa làm việc từ 7 giờ 30";

// One pass of the message scrolling across the board, frame by frame at 25 fps.
const std::vector<Frame>& scrolling_frames(int width, int height, PixelFormat format) {
  static std::vector<std::pair<std::tuple<int, int, PixelFormat>, std::vector<Frame>>> cache;
  for (const auto& [key, frames] : cache)
    if (key == std::tuple(width, height, format)) return frames;
  const TextRenderer renderer(PanelGeometry{width, height, format}, find_vietnamese_font());
  const PreparedItem item = renderer.scroll(kMessage, kScrollSpeed, 1);
  std::vector<Frame> frames;
  const auto step = std::chrono::nanoseconds(static_cast<long long>(1e9 / kFps));
  for (std::chrono::nanoseconds t{0}; t < item.duration(); t += step)
    frames.push_back(item.frame_at(t));
  cache.emplace_back(std::tuple(width, height, format), std::move(frames));
  return cache.back().second;
}

enum class Mode { full, delta, strip };

void report(benchmark::State& state, double bytes_per_frame, double messages_per_frame) {
  const WireCost average{static_cast<std::size_t>(bytes_per_frame + 0.5),
                         static_cast<std::size_t>(messages_per_frame + 0.5), false};
  state.counters["bytes_per_frame"] = bytes_per_frame;
  state.counters["fps_9600"] = 1.0 / rm::rtu_wire_seconds(average, 9600);
  state.counters["fps_115200"] = 1.0 / rm::rtu_wire_seconds(average, 115200);
}

void BM_RtuWireCost(benchmark::State& state, int width, int height, PixelFormat format, Mode mode) {
  const std::vector<Frame>& frames = scrolling_frames(width, height, format);
  std::vector<std::vector<std::uint16_t>> registers;
  for (const Frame& frame : frames) registers.push_back(rm::pack_registers(frame.bytes));
  const std::vector<std::uint16_t> unknown;
  double bytes = 0;
  double messages = 0;
  std::size_t planned = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < registers.size(); ++i) {
      WireCost cost;
      if (mode == Mode::strip) {
        cost = rm::strip_frame_cost(rm::Framing::rtu);
      } else {
        const auto& previous = mode == Mode::delta && i > 0 ? registers[i - 1] : unknown;
        cost = rm::plan_frame(previous, registers[i], rm::Framing::rtu).cost;
      }
      bytes += static_cast<double>(cost.bytes);
      messages += static_cast<double>(cost.messages);
      benchmark::DoNotOptimize(cost);
    }
    planned += registers.size();
  }
  report(state, bytes / static_cast<double>(planned), messages / static_cast<double>(planned));
  if (mode == Mode::strip) {
    // Once an item: the strip (the message with a board's width of dark on either side) written
    // into panel memory in full.
    const std::size_t strip_bytes =
        row_bytes(format, width + static_cast<int>(frames.size() * kScrollSpeed / kFps)) *
        static_cast<std::size_t>(height);
    rm::FramePlan upload = rm::plan_frame({},
                                          std::vector<std::uint16_t>(static_cast<std::size_t>(
                                              rm::framebuffer_registers(strip_bytes))),
                                          rm::Framing::rtu);
    state.counters["upload_bytes"] = static_cast<double>(upload.cost.bytes);
    state.counters["upload_s_9600"] = rm::rtu_wire_seconds(upload.cost, 9600);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(planned));
}

BENCHMARK_CAPTURE(BM_RtuWireCost, mono128x32_full_baseline, 128, 32, PixelFormat::mono, Mode::full);
BENCHMARK_CAPTURE(BM_RtuWireCost, mono128x32_delta, 128, 32, PixelFormat::mono, Mode::delta);
BENCHMARK_CAPTURE(BM_RtuWireCost, mono128x32_strip, 128, 32, PixelFormat::mono, Mode::strip);
BENCHMARK_CAPTURE(BM_RtuWireCost, rgb565_192x64_full_baseline, 192, 64, PixelFormat::rgb565,
                  Mode::full);
BENCHMARK_CAPTURE(BM_RtuWireCost, rgb565_192x64_delta, 192, 64, PixelFormat::rgb565, Mode::delta);
BENCHMARK_CAPTURE(BM_RtuWireCost, rgb565_192x64_strip, 192, 64, PixelFormat::rgb565, Mode::strip);

// A pty pair standing in for the serial line; both ends open for the benchmark's life.
struct Pty {
  int master = -1;
  int slave = -1;
  std::string path;
  Pty() {
    char name[128] = {};
    openpty(&master, &slave, name, nullptr, nullptr);
    termios raw{};
    tcgetattr(slave, &raw);
    cfmakeraw(&raw);
    tcsetattr(slave, TCSANOW, &raw);
    path = name;
  }
  ~Pty() {
    close(master);
    close(slave);
  }
};

void BM_PacedRtuLink(benchmark::State& state, bool panel_keeps_back_buffer) {
  const std::vector<Frame>& frames = scrolling_frames(128, 32, PixelFormat::mono);
  Pty line;
  SimulatorOptions options;
  options.port = -1;
  options.rtu_fd = line.master;
  options.line_rate = 115200;
  options.keeps_back_buffer = panel_keeps_back_buffer;
  PanelSimulator panel(options);
  const auto link = open_link("modbus-rtu://" + line.path + "?baud=115200");
  link->connect();
  std::size_t next = 0;
  double bytes = 0;
  for (auto _ : state) {
    bytes += static_cast<double>(link->show(frames[next]).bytes);
    next = (next + 1) % frames.size();
  }
  state.counters["bytes_per_frame"] = bytes / static_cast<double>(state.iterations());
  state.counters["fps"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_PacedRtuLink, mono128x32_115200_full_baseline, false)
    ->Iterations(40)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PacedRtuLink, mono128x32_115200_delta, true)
    ->Iterations(40)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

constexpr int kDdpPanels = 32;

void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN))), &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

void unpin() {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (long cpu = 0; cpu < sysconf(_SC_NPROCESSORS_ONLN); ++cpu) CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// The 32 receivers live on the last core (threads inherit the affinity of the thread that
// starts them); the sender runs on the first.
std::vector<std::unique_ptr<PanelSimulator>> ddp_panels() {
  pin_to_cpu(static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)) - 1);
  std::vector<std::unique_ptr<PanelSimulator>> panels;
  for (int i = 0; i < kDdpPanels; ++i) {
    SimulatorOptions options;
    options.port = -1;
    options.ddp_port = 0;
    options.width = 128;
    options.height = 64;
    options.format = PixelFormat::rgb888;
    panels.push_back(std::make_unique<PanelSimulator>(options));
  }
  pin_to_cpu(0);
  return panels;
}

Frame test_card(unsigned seed) {
  Frame frame = Frame::blank(128, 64, PixelFormat::rgb888);
  for (std::size_t i = 0; i < frame.bytes.size(); ++i)
    frame.bytes[i] = static_cast<std::uint8_t>(i * 7 + seed);
  return frame;
}

void report_delivery(benchmark::State& state,
                     const std::vector<std::unique_ptr<PanelSimulator>>& panels) {
  std::uint64_t shown = 0;
  for (const auto& panel : panels) shown += panel->commits();
  state.counters["fps"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["delivered"] =
      static_cast<double>(shown) / (static_cast<double>(state.iterations()) * kDdpPanels);
}

// The baseline: each packet built in a vector of its own and sent with sendto.
void BM_DdpTo32Panels_NaiveSendto(benchmark::State& state) {
  const auto panels = ddp_panels();
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  std::vector<sockaddr_in> addresses;
  for (const auto& panel : panels) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(panel->ddp_port()));
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    addresses.push_back(address);
  }
  unsigned n = 0;
  std::uint8_t sequence = 0;
  for (auto _ : state) {
    const Frame frame = test_card(n++);
    sequence = ddp::next_sequence(sequence);
    for (const sockaddr_in& address : addresses) {
      for (std::size_t offset = 0; offset < frame.bytes.size(); offset += ddp::kMaxDataBytes) {
        const std::size_t length = std::min(ddp::kMaxDataBytes, frame.bytes.size() - offset);
        std::vector<std::uint8_t> packet(ddp::kHeaderBytes + length);
        packet[0] = static_cast<std::uint8_t>(
            ddp::kFlagVersion1 | (offset + length == frame.bytes.size() ? ddp::kFlagPush : 0));
        packet[1] = sequence;
        packet[2] = ddp::kDataTypeRgb8;
        packet[3] = ddp::kIdDisplay;
        for (int b = 0; b < 4; ++b)
          packet[4 + b] = static_cast<std::uint8_t>(offset >> (24 - 8 * b));
        packet[8] = static_cast<std::uint8_t>(length >> 8);
        packet[9] = static_cast<std::uint8_t>(length);
        std::copy_n(frame.bytes.begin() + static_cast<std::ptrdiff_t>(offset), length,
                    packet.begin() + ddp::kHeaderBytes);
        sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&address),
               sizeof address);
      }
    }
  }
  close(fd);
  report_delivery(state, panels);
  unpin();
}
BENCHMARK(BM_DdpTo32Panels_NaiveSendto)->MinTime(2.0)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_DdpTo32Panels_DdpLink(benchmark::State& state) {
  const auto panels = ddp_panels();
  std::vector<std::unique_ptr<PanelLink>> links;
  for (const auto& panel : panels) {
    links.push_back(open_link("ddp://127.0.0.1:" + std::to_string(panel->ddp_port())));
    links.back()->connect();
  }
  unsigned n = 0;
  for (auto _ : state) {
    const Frame frame = test_card(n++);
    for (const auto& link : links) link->show(frame);
  }
  report_delivery(state, panels);
  unpin();
}
BENCHMARK(BM_DdpTo32Panels_DdpLink)->MinTime(2.0)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
