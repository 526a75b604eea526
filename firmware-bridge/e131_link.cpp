#include "e131_link.hpp"

#include <netinet/in.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <utility>

namespace bangtin {

namespace {

bool is_multicast(const std::string& host) { return host == "multicast"; }

// A random version-4 UUID: E1.31 asks each source for a CID of its own.
e131::Cid random_cid() {
  std::random_device random;
  e131::Cid cid;
  for (std::uint8_t& byte : cid) byte = static_cast<std::uint8_t>(random());
  cid[6] = static_cast<std::uint8_t>((cid[6] & 0x0F) | 0x40);
  cid[8] = static_cast<std::uint8_t>((cid[8] & 0x3F) | 0x80);
  return cid;
}

}  // namespace

E131Link::E131Link(E131Settings settings) : settings_(std::move(settings)) {
  source_.cid = random_cid();
  source_.name = "bangtin";
  source_.priority = static_cast<std::uint8_t>(settings_.priority);
  source_.sync_universe = static_cast<std::uint16_t>(settings_.sync_universe);
}

std::string E131Link::describe() const {
  const bool ipv6_literal = settings_.host.find(':') != std::string::npos;
  std::string text = "e131://" + (ipv6_literal ? "[" + settings_.host + "]" : settings_.host) +
                     ":" + std::to_string(settings_.port) + " universe " +
                     std::to_string(settings_.universe);
  if (settings_.sync_universe != 0) text += " sync " + std::to_string(settings_.sync_universe);
  return text;
}

void E131Link::close() noexcept {
  if (socket_.is_open()) send_stream_terminated();
  socket_.close();
}

void E131Link::send_stream_terminated() noexcept {
  // Only the universes a frame went to; a link that failed mid-send may fail here too, and
  // closing goes on regardless.
  try {
    for (int round = 0; round < 3; ++round) {
      for (std::size_t u = 0; u < sequences_.size() && u < packets_.size(); ++u) {
        if (is_multicast(settings_.host) && u >= destinations_.size()) break;
        e131::encode_data(source_,
                          static_cast<std::uint16_t>(settings_.universe + static_cast<int>(u)),
                          sequences_[u]++, {}, packets_[u], e131::kOptionStreamTerminated);
        socket_.queue(packets_[u], destination_of(static_cast<int>(u)));
      }
      socket_.send_queued();
    }
  } catch (const std::exception&) {
    // The receiver then lets go of the stream at its own timeout instead.
  }
}

void E131Link::fail(const std::string& what) {
  close();
  throw LinkError(describe() + ": " + what);
}

std::optional<PanelIdentity> E131Link::connect() {
  close();
  destinations_.clear();
  try {
    const std::string first_host =
        is_multicast(settings_.host) ? e131::multicast_group(settings_.universe) : settings_.host;
    destinations_.push_back(resolve_udp(first_host, settings_.port));
    sync_destination_ = destinations_.front();
    if (is_multicast(settings_.host) && settings_.sync_universe != 0)
      sync_destination_ =
          resolve_udp(e131::multicast_group(settings_.sync_universe), settings_.port);
    socket_.open(destinations_.front());
  } catch (const std::runtime_error& error) {
    fail(error.what());
  }
  return std::nullopt;
}

void E131Link::resolve_groups(int universes) {
  while (destinations_.size() < static_cast<std::size_t>(universes)) {
    const int universe = settings_.universe + static_cast<int>(destinations_.size());
    destinations_.push_back(resolve_udp(e131::multicast_group(universe), settings_.port));
  }
}

const UdpDestination& E131Link::destination_of(int universe_index) const {
  return is_multicast(settings_.host) ? destinations_[static_cast<std::size_t>(universe_index)]
                                      : destinations_.front();
}

std::optional<WireCost> E131Link::set_light(const PanelLight& light) {
  light_ = light;
  return WireCost{};
}

namespace {

// Why `pixels` RGB pixels from `first_universe` cannot be sent; nothing when they can.
std::optional<std::string> universe_span_problem(int first_universe, std::size_t pixels,
                                                 const std::string& frame_name) {
  const int universes = e131::universes_for(pixels);
  if (first_universe + universes - 1 <= e131::kMaxUniverse) return std::nullopt;
  return "a " + frame_name + " frame needs " + std::to_string(universes) + " universes from " +
         std::to_string(first_universe) + ", past the last universe " +
         std::to_string(e131::kMaxUniverse) + "; set universe= to at most " +
         std::to_string(e131::kMaxUniverse - universes + 1);
}

}  // namespace

std::optional<std::string> E131Link::cannot_show(int width, int height,
                                                 PixelFormat /*format*/) const {
  // Every format goes out as RGB, three channels a pixel.
  const std::optional<std::string> problem = universe_span_problem(
      settings_.universe, static_cast<std::size_t>(width) * static_cast<std::size_t>(height),
      std::to_string(width) + "x" + std::to_string(height));
  if (!problem) return std::nullopt;
  return describe() + ": " + *problem;
}

WireCost E131Link::show(const Frame& frame) {
  if (!socket_.is_open()) throw LinkError(describe() + ": show on a closed link (connect first)");
  const std::span<const std::uint8_t> rgb =
      rgb_at_light(frame, light_.brightness_percent, light_.on, rgb_);
  const int universes = e131::universes_for(rgb.size() / 3);
  if (const std::optional<std::string> problem =
          universe_span_problem(settings_.universe, rgb.size() / 3,
                                std::to_string(frame.width) + "x" + std::to_string(frame.height)))
    fail(*problem);
  sequences_.resize(static_cast<std::size_t>(universes), 0);
  packets_.resize(static_cast<std::size_t>(universes) + 1);

  WireCost cost;
  try {
    // All resolved before any is queued: the queue holds pointers into destinations_.
    if (is_multicast(settings_.host)) resolve_groups(universes);
    for (int u = 0; u < universes; ++u) {
      const std::size_t first = static_cast<std::size_t>(u) * e131::kChannelsPerUniverse;
      const std::size_t count =
          std::min<std::size_t>(e131::kChannelsPerUniverse, rgb.size() - first);
      auto& packet = packets_[static_cast<std::size_t>(u)];
      e131::encode_data(source_, static_cast<std::uint16_t>(settings_.universe + u),
                        sequences_[static_cast<std::size_t>(u)]++, rgb.subspan(first, count),
                        packet);
      socket_.queue(packet, destination_of(u));
      cost.bytes += packet.size();
      ++cost.messages;
    }
    if (settings_.sync_universe != 0) {
      // Sent after the data, on the same socket: the receiver has every universe when it comes.
      auto& packet = packets_.back();
      e131::encode_sync(source_, static_cast<std::uint16_t>(settings_.sync_universe),
                        sync_sequence_++, packet);
      socket_.queue(packet, sync_destination_);
      cost.bytes += packet.size();
      ++cost.messages;
    }
    socket_.send_queued();
  } catch (const std::runtime_error& error) {
    fail(error.what());
  }
  return cost;
}

}  // namespace bangtin
