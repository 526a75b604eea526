// The panel simulator's Modbus side from the bytes up: requests cut out of a TCP or RTU stream as
// the simulator cuts them (modbus_framing), answered by a SimulatedPanel, which keeps its state
// from one request to the next within an input, as a panel does between a controller's requests.
//
// Input: a first byte choosing how the rest is read and which panel answers, then the rest.
//   bits 0-1: 0 a Modbus TCP stream; 1 a Modbus RTU stream (garbage is skipped a byte at a time,
//             as a line finds its framing again); 2 and 3 PDUs, each after a byte with its length
//   bits 2-3: 0 a 16x4 mono panel, map v4 (strips and rings), a small strip memory; 1 an 8x4
//             rgb565 panel, map v2; 2 a text display (two lines of 5 characters, brightness in
//             register 3); 3 a 12x3 rgb888 panel, map v4, with the default strip memory
// Besides the sanitizers, it checks that every request gets a reply that Modbus allows: the
// request's function code (or it with the exception bit and an exception code), at most a PDU
// long, and that the panel keeps its size and format.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "bangtin/modbus_framing.hpp"
#include "bangtin/simulated_panel.hpp"

namespace {

namespace mf = bangtin::modbus_framing;
using bangtin::PixelFormat;
using bangtin::SimulatedPanel;
using bangtin::SimulatorOptions;

void require(bool holds) {
  if (!holds) std::abort();
}

SimulatorOptions panel_options(int choice) {
  SimulatorOptions options;
  switch (choice) {
    case 0:
      options.width = 16;
      options.height = 4;
      options.strip_registers = 64;
      break;
    case 1:
      options.width = 8;
      options.height = 4;
      options.format = PixelFormat::rgb565;
      options.map_version = 2;
      break;
    case 2:
      options.text_display = bangtin::TextDisplayLayout{{1000, 2000}, 5, 3};
      break;
    default:
      options.width = 12;
      options.height = 3;
      options.format = PixelFormat::rgb888;
      break;
  }
  return options;
}

class Exchange {
 public:
  explicit Exchange(const SimulatorOptions& options) : panel_(options, now_), options_(options) {}

  void answer(std::span<const std::uint8_t> pdu) {
    now_ += std::chrono::milliseconds(250);
    const std::vector<std::uint8_t> reply = panel_.modbus_request(pdu, now_);
    if (pdu.empty()) {
      require(reply.empty());
      return;
    }
    require(!reply.empty() && reply.size() <= mf::kMaxPduBytes);
    if (reply[0] == (pdu[0] | 0x80)) {
      require(reply.size() == 2 && reply[1] >= 1 && reply[1] <= 3);
    } else {
      require(reply[0] == pdu[0]);
    }
    const bangtin::Frame& shown = panel_.shown_frame();
    require(shown.width == options_.width && shown.height == options_.height &&
            shown.format == options_.format);
  }

 private:
  SimulatedPanel::Clock::time_point now_{};
  SimulatedPanel panel_;
  const SimulatorOptions options_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Exchange exchange(panel_options((data[0] >> 2) & 3));
  std::span<const std::uint8_t> rest(data + 1, size - 1);
  switch (data[0] & 3) {
    case 0:
      for (;;) {
        const mf::Cut cut = mf::cut_tcp_request(rest);
        if (cut.kind != mf::Cut::Kind::request) break;  // the simulator would close on garbage
        const auto request = rest.first(cut.length);
        exchange.answer(mf::tcp_pdu(request));
        require(mf::tcp_reply(request, std::vector<std::uint8_t>{0x03, 0x00}).size() == 9);
        rest = rest.subspan(cut.length);
      }
      break;
    case 1:
      while (!rest.empty()) {
        const mf::Cut cut = mf::cut_rtu_request(rest);
        if (cut.kind == mf::Cut::Kind::incomplete) break;
        if (cut.kind == mf::Cut::Kind::garbage) {
          rest = rest.subspan(1);
          continue;
        }
        exchange.answer(mf::rtu_pdu(rest.first(cut.length)));
        rest = rest.subspan(cut.length);
      }
      break;
    default:
      while (!rest.empty()) {
        const std::size_t length = std::min<std::size_t>(rest[0], rest.size() - 1);
        exchange.answer(rest.subspan(1, length));
        rest = rest.subspan(1 + length);
      }
      break;
  }
  return 0;
}
