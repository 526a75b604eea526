// bangtin::DdpLink — a network LED receiver (WLED, FPP, xLights controllers) fed over DDP: each
// frame split into packets of 480 pixels by byte offset, the push flag on the last so the receiver
// shows the frame whole. UDP, so there is no identity or status to read. Private to bangtin_bridge.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bangtin/panel_link.hpp"
#include "udp_socket.hpp"

namespace bangtin {

class DdpLink final : public PanelLink {
 public:
  // `mono_bits`: mono frames go as DDP's 1-bit grayscale, 24 times fewer bytes, for receivers that
  // take it (bangtin-panel-sim does; WLED, FPP and xLights read RGB whatever the type says).
  DdpLink(std::string host, int port, bool mono_bits = false);
  std::optional<std::string> cannot_show(int width, int height, PixelFormat format) const override;

  std::optional<PanelIdentity> connect() override;
  WireCost show(const Frame& frame) override;
  std::optional<WireCost> set_light(const PanelLight& light) override;
  std::optional<PanelStatus> status() override { return std::nullopt; }
  void close() noexcept override { socket_.close(); }
  bool is_open() const override { return socket_.is_open(); }
  std::string describe() const override;

 private:
  std::string host_;
  int port_;
  bool mono_bits_;
  UdpDestination destination_;
  UdpSocket socket_;
  std::uint8_t sequence_ = 0;
  PanelLight light_;  // applied to the pixels of each frame
  // Reused from frame to frame.
  std::vector<std::uint8_t> rgb_;  // or bits
  std::vector<std::uint8_t> packets_;
  std::vector<std::size_t> sizes_;
};

}  // namespace bangtin
