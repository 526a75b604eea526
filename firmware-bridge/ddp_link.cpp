#include "ddp_link.hpp"

#include <stdexcept>
#include <utility>

#include "bangtin/pixel_packets.hpp"

namespace bangtin {

DdpLink::DdpLink(std::string host, int port) : host_(std::move(host)), port_(port) {}

std::string DdpLink::describe() const {
  const bool ipv6_literal = host_.find(':') != std::string::npos;
  return "ddp://" + (ipv6_literal ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

std::optional<PanelIdentity> DdpLink::connect() {
  close();
  try {
    destination_ = resolve_udp(host_, port_);
    socket_.open(destination_);
  } catch (const std::runtime_error& error) {
    close();
    throw LinkError(describe() + ": " + error.what());
  }
  return std::nullopt;
}

std::optional<WireCost> DdpLink::set_light(const PanelLight& light) {
  light_ = light;
  return WireCost{};
}

WireCost DdpLink::show(const Frame& frame) {
  if (!socket_.is_open()) throw LinkError(describe() + ": show on a closed link (connect first)");
  const std::span<const std::uint8_t> rgb =
      rgb_at_light(frame, light_.brightness_percent, light_.on, rgb_);
  sequence_ = ddp::next_sequence(sequence_);
  ddp::encode_frame(rgb, sequence_, packets_, sizes_);
  std::size_t at = 0;
  for (const std::size_t size : sizes_) {
    socket_.queue(std::span(packets_).subspan(at, size), destination_);
    at += size;
  }
  try {
    socket_.send_queued();
  } catch (const std::runtime_error& error) {
    close();
    throw LinkError(describe() + ": " + error.what());
  }
  return WireCost{packets_.size(), sizes_.size(), false};
}

}  // namespace bangtin
