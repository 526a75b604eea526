#include "ddp_link.hpp"

#include <stdexcept>
#include <utility>

#include "bangtin/pixel_packets.hpp"

namespace bangtin {

DdpLink::DdpLink(std::string host, int port, bool mono_bits)
    : host_(std::move(host)), port_(port), mono_bits_(mono_bits) {}

std::string DdpLink::describe() const {
  const bool ipv6_literal = host_.find(':') != std::string::npos;
  return "ddp://" + (ipv6_literal ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_) +
         (mono_bits_ ? " 1 bit a pixel" : "");
}

std::optional<std::string> DdpLink::cannot_show(int /*width*/, int /*height*/,
                                                PixelFormat format) const {
  if (mono_bits_ && format != PixelFormat::mono)
    return describe() + " sends 1 bit a pixel, for mono boards; this board is " +
           std::string(format == PixelFormat::rgb565 ? "rgb565" : "rgb888") + " (leave out bits=1)";
  return std::nullopt;
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
  sequence_ = ddp::next_sequence(sequence_);
  if (mono_bits_ && frame.format == PixelFormat::mono) {
    mono_bits_from_frame(frame, light_.on, light_.brightness_percent, rgb_);
    ddp::encode_frame(rgb_, sequence_, packets_, sizes_, ddp::kDataTypeMono1);
  } else {
    ddp::encode_frame(rgb_at_light(frame, light_.brightness_percent, light_.on, rgb_), sequence_,
                      packets_, sizes_);
  }
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
