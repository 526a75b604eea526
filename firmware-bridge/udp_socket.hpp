// A UDP socket that sends many datagrams a frame in as few system calls as it can: what the DDP
// and E1.31 links share. Blocking, on the link's worker thread. Private to bangtin_bridge.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace bangtin {

struct UdpDestination {
  sockaddr_storage address{};
  socklen_t length = 0;
};

// Resolves a host name or address; throws std::runtime_error with the resolver's reason.
UdpDestination resolve_udp(const std::string& host, int port);

class UdpSocket {
 public:
  UdpSocket() = default;
  UdpSocket(UdpSocket&& other) noexcept;
  UdpSocket& operator=(UdpSocket&& other) noexcept;
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Opens a socket for the destination's address family; throws std::runtime_error.
  void open(const UdpDestination& destination);
  bool is_open() const { return fd_ >= 0; }
  void close() noexcept;

  // Queues one datagram to send; `bytes` must stay alive until send_queued() returns.
  void queue(std::span<const std::uint8_t> bytes, const UdpDestination& to);
  // Sends every queued datagram in order and empties the queue; throws std::runtime_error.
  void send_queued();

 private:
  int fd_ = -1;
  std::vector<std::span<const std::uint8_t>> datagrams_;
  std::vector<const UdpDestination*> destinations_;
};

}  // namespace bangtin
