// bangtin::E131Link — a network LED receiver fed over E1.31 (sACN): 170 RGB pixels a universe
// across consecutive universes from the first one configured, each universe numbered on its own,
// and, when a synchronization universe is configured, a sync packet after the frame's data so the
// receiver shows all universes at once. Unicast to a host, or multicast to each universe's
// 239.255.x.y group. UDP, so there is no identity or status to read. Private to bangtin_bridge.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bangtin/panel_link.hpp"
#include "bangtin/pixel_packets.hpp"
#include "udp_socket.hpp"

namespace bangtin {

struct E131Settings {
  std::string host;  // "multicast": each universe to its standard group
  int port = e131::kPort;
  int universe = 1;
  int sync_universe = 0;  // 0: no synchronization packets
  int priority = e131::kDefaultPriority;
};

class E131Link final : public PanelLink {
 public:
  explicit E131Link(E131Settings settings);

  std::optional<PanelIdentity> connect() override;
  WireCost show(const Frame& frame) override;
  std::optional<WireCost> set_light(const PanelLight& light) override;
  std::optional<PanelStatus> status() override { return std::nullopt; }
  // Ends the stream as E1.31 asks (three Stream_Terminated packets a universe), so that the
  // receiver lets go of the frame at once instead of holding it until its timeout.
  void close() noexcept override;
  bool is_open() const override { return socket_.is_open(); }
  std::string describe() const override;
  std::optional<std::string> cannot_show(int width, int height, PixelFormat format) const override;

 private:
  [[noreturn]] void fail(const std::string& what);
  void send_stream_terminated() noexcept;
  // Multicast: resolves the groups of universes not sent to before.
  void resolve_groups(int universes);
  const UdpDestination& destination_of(int universe_index) const;

  E131Settings settings_;
  e131::Source source_;
  UdpSocket socket_;
  // One destination for a host; one a universe for multicast.
  std::vector<UdpDestination> destinations_;
  UdpDestination sync_destination_;
  std::vector<std::uint8_t> sequences_;  // one a universe, as E1.31 numbers each on its own
  std::uint8_t sync_sequence_ = 0;
  PanelLight light_;  // applied to the pixels of each frame
  std::vector<std::uint8_t> rgb_;
  std::vector<std::vector<std::uint8_t>> packets_;
};

}  // namespace bangtin
