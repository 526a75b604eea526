// bangtin-bench, firmware bridge: what frames cost on the wire and how fast links go.
//
// 1. Bytes on the wire per frame of a scrolling message in full and delta modes, and the frames/s
//    each reaches on an RTU line at 9600 and 115200 baud, computed from the Modbus frames (11 bits
//    a character and the 3.5-character gap, 1.75 ms above 19200 baud). Full is the baseline.
//    Counters: bytes_per_frame, fps_9600, fps_115200.
// 2. Measured end to end: a Modbus RTU link over a pty to the simulator pacing its replies to the
//    line's wire time, at 9600 and 115200 baud, frames back to back: full (a panel that does not
//    keep its back buffer; the baseline), delta, and strip (the strip uploaded once, timed apart:
//    upload_s, upload_bytes; then one write of the offset and the commit a frame), and for a
//    colour board whose strip does not fit its memory, delta against ring (the columns coming
//    into view written into a ring of tiles, then the offset and the commit). Counters:
//    bytes_per_frame, fps. Frames from a third into the message on; each run checks that the
//    panel ends up showing the last frame sent.
// 3. The goal, measured: the PanelDriver fed 25 frames a second of the scroll at 9600 baud, as
//    the daemon feeds it; after the strip is up, shown_fps and skipped (frames replaced before
//    they were sent) over four seconds.
// 4. Frames/s pushed to 32 simulated DDP panels of 128x64 rgb888 on loopback from one core: a
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
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bangtin/frame.hpp"
#include "bangtin/panel_driver.hpp"
#include "bangtin/panel_link.hpp"
#include "bangtin/panel_simulator.hpp"
#include "bangtin/pixel_packets.hpp"
#include "bangtin/register_map.hpp"
#include "bangtin/renderer.hpp"

namespace {

using namespace bangtin;
namespace rm = register_map;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr double kFps = 25;
constexpr double kScrollSpeed = 50;  // pixels a second: 2 pixels a frame at 25 fps
constexpr const char* kMessage =
    "Tiếp nhận hồ sơ trực tuyến tại dichvucong.gov.vn — Bộ phận một cửa làm việc từ 7 giờ 30";

// One pass of the message scrolling across the board, frame by frame at 25 fps.
struct Scroll {
  PreparedItem item;
  std::vector<std::chrono::nanoseconds> times;
  std::vector<Frame> frames;
};

const Scroll& scrolling(int width, int height, PixelFormat format) {
  static std::vector<std::pair<std::tuple<int, int, PixelFormat>, std::unique_ptr<Scroll>>> cache;
  for (const auto& [key, scroll] : cache)
    if (key == std::tuple(width, height, format)) return *scroll;
  const TextRenderer renderer(PanelGeometry{width, height, format}, find_vietnamese_font());
  auto scroll = std::make_unique<Scroll>();
  scroll->item = renderer.scroll(kMessage, kScrollSpeed, 1);
  const auto step = std::chrono::nanoseconds(static_cast<long long>(1e9 / kFps));
  for (std::chrono::nanoseconds t{0}; t < scroll->item.duration(); t += step) {
    scroll->times.push_back(t);
    scroll->frames.push_back(scroll->item.frame_at(t));
  }
  cache.emplace_back(std::tuple(width, height, format), std::move(scroll));
  return *cache.back().second;
}

enum class Mode { full, delta, strip, ring };

void BM_RtuWireCost(benchmark::State& state, int width, int height, PixelFormat format, Mode mode) {
  const std::vector<Frame>& frames = scrolling(width, height, format).frames;
  std::vector<std::vector<std::uint16_t>> registers;
  for (const Frame& frame : frames) registers.push_back(rm::pack_registers(frame.bytes));
  const std::vector<std::uint16_t> unknown;
  double bytes = 0;
  double messages = 0;
  std::size_t planned = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < registers.size(); ++i) {
      const auto& previous = mode == Mode::delta && i > 0 ? registers[i - 1] : unknown;
      const WireCost cost = rm::plan_frame(previous, registers[i], rm::Framing::rtu).cost;
      bytes += static_cast<double>(cost.bytes);
      messages += static_cast<double>(cost.messages);
      benchmark::DoNotOptimize(cost);
    }
    planned += registers.size();
  }
  const double bytes_per_frame = bytes / static_cast<double>(planned);
  const WireCost average{static_cast<std::size_t>(bytes_per_frame + 0.5),
                         static_cast<std::size_t>(messages / static_cast<double>(planned) + 0.5)};
  state.counters["bytes_per_frame"] = bytes_per_frame;
  state.counters["fps_9600"] = 1.0 / rm::rtu_wire_seconds(average, 9600);
  state.counters["fps_115200"] = 1.0 / rm::rtu_wire_seconds(average, 115200);
  state.SetItemsProcessed(static_cast<std::int64_t>(planned));
}

BENCHMARK_CAPTURE(BM_RtuWireCost, mono128x32_full_baseline, 128, 32, PixelFormat::mono, Mode::full);
BENCHMARK_CAPTURE(BM_RtuWireCost, mono128x32_delta, 128, 32, PixelFormat::mono, Mode::delta);
BENCHMARK_CAPTURE(BM_RtuWireCost, rgb565_192x64_full_baseline, 192, 64, PixelFormat::rgb565,
                  Mode::full);
BENCHMARK_CAPTURE(BM_RtuWireCost, rgb565_192x64_delta, 192, 64, PixelFormat::rgb565, Mode::delta);

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

// A simulated panel on a pty whose replies come at the pace of an RTU line at `baud`.
struct PacedPanel {
  Pty line;
  std::unique_ptr<PanelSimulator> panel;
  PacedPanel(int width, int height, PixelFormat format, int baud, bool keeps_back_buffer) {
    SimulatorOptions options;
    options.port = -1;
    options.rtu_fd = line.master;
    options.line_rate = baud;
    options.width = width;
    options.height = height;
    options.format = format;
    options.keeps_back_buffer = keeps_back_buffer;
    panel = std::make_unique<PanelSimulator>(options);
  }
  std::string uri(int baud) const {
    return "modbus-rtu://" + line.path + "?baud=" + std::to_string(baud);
  }
};

void BM_PacedRtuLink(benchmark::State& state, int width, int height, PixelFormat format, int baud,
                     Mode mode) {
  const Scroll& scroll = scrolling(width, height, format);
  PacedPanel paced(width, height, format, baud, mode != Mode::full);
  const auto link = open_link(paced.uri(baud));
  link->connect();
  StripMemory* const memory = link->strip_memory();
  const std::shared_ptr<const Frame> strip = scroll.item.scroll_strip(scroll.times[0])->strip;
  if (mode == Mode::strip) {
    const std::optional<WireCost> upload = memory ? memory->upload_cost(strip) : std::nullopt;
    if (!upload) {
      state.SkipWithError(("the " + std::to_string(strip->width) + "x" +
                           std::to_string(strip->height) + " strip (" +
                           std::to_string(strip->bytes.size() / 1024) +
                           " KiB) does not fit in the panel's register window (128 KiB at most)")
                              .c_str());
      return;
    }
    const auto started = Clock::now();
    while (memory->upload_cost(strip)->bytes > 0) memory->upload_step(strip);
    state.counters["upload_s"] = std::chrono::duration<double>(Clock::now() - started).count();
    state.counters["upload_bytes"] = static_cast<double>(upload->bytes);
  }
  if (mode == Mode::ring &&
      (!memory || memory->upload_cost(strip) || !memory->ring_window_cost(strip, 0, 2))) {
    state.SkipWithError("the strip fits whole, or the panel has no ring");
    return;
  }
  const auto show = [&](std::size_t frame) {
    const int offset = scroll.item.scroll_strip(scroll.times[frame])->offset;
    return mode == Mode::strip  ? memory->show_window(strip, offset)
           : mode == Mode::ring ? memory->show_ring_window(strip, offset)
                                : link->show(scroll.frames[frame]);
  };
  // From a third into the message, where the text fills the board (its first frames are mostly
  // dark, which would flatter delta), after one untimed frame: the first after a connect goes
  // whole, the first strip window also sets the mode, and the first ring window fills the ring.
  std::size_t next = scroll.frames.size() / 3;
  show(next);
  double bytes = 0;
  for (auto _ : state) {
    next = (next + 1) % scroll.frames.size();
    bytes += static_cast<double>(show(next).bytes);
  }
  if (paced.panel->shown_frame() != scroll.frames[next])
    state.SkipWithError("the panel does not show the last frame sent");
  state.counters["bytes_per_frame"] = bytes / static_cast<double>(state.iterations());
  state.counters["fps"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

#define PACED(name, w, h, format, baud, mode, iterations)                               \
  BENCHMARK_CAPTURE(BM_PacedRtuLink, name, w, h, PixelFormat::format, baud, Mode::mode) \
      ->Iterations(iterations)                                                          \
      ->UseRealTime()                                                                   \
      ->Unit(benchmark::kMillisecond)
PACED(mono128x32_9600_full_baseline, 128, 32, mono, 9600, full, 8);
PACED(mono128x32_9600_delta, 128, 32, mono, 9600, delta, 8);
PACED(mono128x32_9600_strip, 128, 32, mono, 9600, strip, 100);
PACED(mono128x32_115200_full_baseline, 128, 32, mono, 115200, full, 40);
PACED(mono128x32_115200_delta, 128, 32, mono, 115200, delta, 40);
PACED(mono128x32_115200_strip, 128, 32, mono, 115200, strip, 400);
PACED(rgb565_192x64_115200_full_baseline, 192, 64, rgb565, 115200, full, 2);
PACED(rgb565_192x64_115200_strip, 192, 64, rgb565, 115200, strip, 100);
PACED(rgb565_192x64_115200_delta, 192, 64, rgb565, 115200, delta, 3);
PACED(rgb565_192x64_115200_ring, 192, 64, rgb565, 115200, ring, 100);
PACED(rgb565_192x64_9600_delta, 192, 64, rgb565, 9600, delta, 1);
PACED(rgb565_192x64_9600_ring, 192, 64, rgb565, 9600, ring, 40);
#undef PACED

// The daemon's way: frames submitted on a 25 fps grid with their strip views; the driver
// chooses. Timed after the strip is up (the upload is reported apart).
void BM_PacedRtuDriver25fps(benchmark::State& state, int baud) {
  const Scroll& scroll = scrolling(128, 32, PixelFormat::mono);
  PacedPanel paced(128, 32, PixelFormat::mono, baud, true);
  PanelDriver driver(open_link(paced.uri(baud)), PanelGeometry{128, 32, PixelFormat::mono},
                     [](std::string_view) {});
  const auto period = std::chrono::nanoseconds(static_cast<long long>(1e9 / kFps));
  std::size_t next = 0;
  auto tick = Clock::now();
  const auto feed_until = [&](const std::function<bool()>& done) {
    while (!done()) {
      const std::size_t i = next++ % scroll.frames.size();
      driver.submit(scroll.frames[i],
                    FrameSource{.strip = scroll.item.scroll_strip(scroll.times[i])});
      tick += period;
      std::this_thread::sleep_until(tick);
    }
  };
  const auto started = Clock::now();
  feed_until([&] { return driver.counters().strips_uploaded > 0 || Clock::now() - started > 60s; });
  state.counters["upload_s"] = std::chrono::duration<double>(Clock::now() - started).count();
  for (auto _ : state) {
    const LinkCounters before = driver.counters();
    const auto from = Clock::now();
    feed_until([&] { return Clock::now() - from >= std::chrono::seconds(4); });
    const LinkCounters after = driver.counters();
    const double seconds = std::chrono::duration<double>(Clock::now() - from).count();
    state.counters["shown_fps"] =
        static_cast<double>(after.health.frames_shown - before.health.frames_shown) / seconds;
    state.counters["strip_fps"] =
        static_cast<double>(after.strip_frames - before.strip_frames) / seconds;
    state.counters["skipped"] = static_cast<double>(after.frames_skipped - before.frames_skipped);
    state.counters["bytes_per_frame"] =
        static_cast<double>(after.wire_bytes - before.wire_bytes) /
        static_cast<double>(
            std::max<std::uint64_t>(1, after.health.frames_shown - before.health.frames_shown));
    state.counters["errors"] = static_cast<double>(after.health.errors);
  }
}
BENCHMARK_CAPTURE(BM_PacedRtuDriver25fps, mono128x32_9600, 9600)
    ->Iterations(1)
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
