#include "udp_socket.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace bangtin {

UdpDestination resolve_udp(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int status = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (status != 0)
    throw std::runtime_error("cannot resolve host \"" + host + "\": " + gai_strerror(status));
  UdpDestination destination;
  std::memcpy(&destination.address, found->ai_addr, found->ai_addrlen);
  destination.length = found->ai_addrlen;
  freeaddrinfo(found);
  return destination;
}

UdpSocket::UdpSocket(UdpSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      datagrams_(std::move(other.datagrams_)),
      destinations_(std::move(other.destinations_)) {}

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    datagrams_ = std::move(other.datagrams_);
    destinations_ = std::move(other.destinations_);
  }
  return *this;
}

UdpSocket::~UdpSocket() { close(); }

void UdpSocket::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  datagrams_.clear();
  destinations_.clear();
}

void UdpSocket::open(const UdpDestination& destination) {
  close();
  fd_ = ::socket(destination.address.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0)
    throw std::runtime_error("cannot open a UDP socket: " + std::system_category().message(errno));
  // A whole frame goes out in one burst; room for it keeps the kernel from blocking mid-frame.
  const int send_buffer = 1 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);
}

void UdpSocket::queue(std::span<const std::uint8_t> bytes, const UdpDestination& to) {
  datagrams_.push_back(bytes);
  destinations_.push_back(&to);
}

void UdpSocket::send_queued() {
  constexpr std::size_t kBatch = 64;
  mmsghdr messages[kBatch];
  iovec pieces[kBatch];
  std::size_t next = 0;
  while (next < datagrams_.size()) {
    const std::size_t count = std::min(kBatch, datagrams_.size() - next);
    for (std::size_t i = 0; i < count; ++i) {
      const auto& bytes = datagrams_[next + i];
      pieces[i] = iovec{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
      messages[i] = mmsghdr{};
      messages[i].msg_hdr.msg_name = &const_cast<UdpDestination*>(destinations_[next + i])->address;
      messages[i].msg_hdr.msg_namelen = destinations_[next + i]->length;
      messages[i].msg_hdr.msg_iov = &pieces[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent = sendmmsg(fd_, messages, static_cast<unsigned>(count), 0);
    if (sent < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::system_category().message(errno);
      datagrams_.clear();
      destinations_.clear();
      throw std::runtime_error("sending failed: " + reason);
    }
    next += static_cast<std::size_t>(sent);
  }
  datagrams_.clear();
  destinations_.clear();
}

}  // namespace bangtin
