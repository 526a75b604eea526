// Modbus requests cut out of a byte stream on the server side, and replies wrapped for the wire,
// as plain functions over bytes: the panel simulator frames each client with them without ever
// waiting for the rest of a half-sent request, and a fuzzer can call them without a socket.
//
// Modbus TCP: a 7-byte MBAP header (transaction id, protocol id 0, a length counting the unit id
// and the PDU, the unit id), then the PDU. Modbus RTU: the unit id, the PDU and a CRC-16, with no
// length on the wire: the function code tells how long a request is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace bangtin::modbus_framing {

inline constexpr std::size_t kMaxPduBytes = 253;
inline constexpr std::size_t kTcpHeaderBytes = 7;
inline constexpr std::size_t kMaxTcpAduBytes = kTcpHeaderBytes + kMaxPduBytes;  // 260
inline constexpr std::size_t kMaxRtuAduBytes = 1 + kMaxPduBytes + 2;            // 256
inline constexpr std::uint8_t kBroadcastUnit = 0;

// Where the first request in the bytes received so far ends.
struct Cut {
  enum class Kind {
    incomplete,  // more bytes are needed to tell
    request,     // the first `length` bytes are one request
    garbage,     // the bytes cannot start a request (see each function)
  };
  Kind kind = Kind::incomplete;
  std::size_t length = 0;
  friend bool operator==(const Cut&, const Cut&) = default;
};

// Garbage: a protocol id other than 0, or a length field outside 2-254. A TCP stream that has
// lost its framing cannot find it again, so the connection is best closed.
Cut cut_tcp_request(std::span<const std::uint8_t> received);
// Garbage: a function code whose request length cannot be told (one a server has no business
// with), a request longer than an RTU frame can be, or a CRC that does not match. A serial line
// finds its framing again after a silence.
Cut cut_rtu_request(std::span<const std::uint8_t> received);

// CRC-16/MODBUS (polynomial 0xA001 reflected, initial value 0xFFFF); sent low byte first.
std::uint16_t rtu_crc(std::span<const std::uint8_t> bytes);

// The parts of a whole request as cut above.
inline std::uint8_t tcp_unit(std::span<const std::uint8_t> request) { return request[6]; }
inline std::span<const std::uint8_t> tcp_pdu(std::span<const std::uint8_t> request) {
  return request.subspan(kTcpHeaderBytes);
}
inline std::uint8_t rtu_unit(std::span<const std::uint8_t> request) { return request[0]; }
inline std::span<const std::uint8_t> rtu_pdu(std::span<const std::uint8_t> request) {
  return request.subspan(1, request.size() - 3);
}

// The reply ADU to a whole TCP request: its transaction and unit ids around `reply_pdu`.
std::vector<std::uint8_t> tcp_reply(std::span<const std::uint8_t> request,
                                    std::span<const std::uint8_t> reply_pdu);
// The reply ADU from `unit` on a serial line: the unit id, `reply_pdu` and the CRC.
std::vector<std::uint8_t> rtu_reply(std::uint8_t unit, std::span<const std::uint8_t> reply_pdu);

}  // namespace bangtin::modbus_framing
