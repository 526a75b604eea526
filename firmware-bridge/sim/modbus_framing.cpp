#include "bangtin/modbus_framing.hpp"

#include <optional>

namespace bangtin::modbus_framing {

namespace {

std::uint16_t big_endian_16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

// An RTU request's length from its first bytes: nothing while too few have come to tell, 0 for a
// function code with no request length we know. Holding registers, coils and inputs, diagnostics
// and the serial-line queries; function 43 (device identification) and user codes are not here.
std::optional<std::size_t> rtu_request_length(std::span<const std::uint8_t> received) {
  if (received.size() < 2) return std::nullopt;
  const auto bytes_after = [&](std::size_t count_at,
                               std::size_t fixed) -> std::optional<std::size_t> {
    if (received.size() <= count_at) return std::nullopt;
    return fixed + received[count_at];
  };
  switch (received[1]) {
    case 0x01:  // read coils
    case 0x02:  // read discrete inputs
    case 0x03:  // read holding registers
    case 0x04:  // read input registers
    case 0x05:  // write single coil
    case 0x06:  // write single register
    case 0x08:  // diagnostics
      return 8;
    case 0x07:  // read exception status
    case 0x0B:  // get comm event counter
    case 0x0C:  // get comm event log
    case 0x11:  // report server id
      return 4;
    case 0x0F:  // write multiple coils
    case 0x10:  // write multiple registers
      return bytes_after(6, 9);
    case 0x16:  // mask write register
      return 10;
    case 0x17:  // read/write multiple registers
      return bytes_after(10, 13);
    default:
      return 0;
  }
}

}  // namespace

Cut cut_tcp_request(std::span<const std::uint8_t> received) {
  if (received.size() < kTcpHeaderBytes) {
    // The protocol id and the length can be judged before the whole header has come.
    if (received.size() >= 4 && big_endian_16(received, 2) != 0) return {Cut::Kind::garbage};
    return {};
  }
  const std::size_t following = big_endian_16(received, 4);  // the unit id and the PDU
  if (big_endian_16(received, 2) != 0 || following < 2 || following > 1 + kMaxPduBytes)
    return {Cut::Kind::garbage};
  const std::size_t length = 6 + following;
  if (received.size() < length) return {};
  return {Cut::Kind::request, length};
}

Cut cut_rtu_request(std::span<const std::uint8_t> received) {
  const std::optional<std::size_t> length = rtu_request_length(received);
  if (!length) return {};
  if (*length == 0 || *length > kMaxRtuAduBytes) return {Cut::Kind::garbage};
  if (received.size() < *length) return {};
  const std::uint16_t sent_crc =
      static_cast<std::uint16_t>(received[*length - 2] | (received[*length - 1] << 8));
  if (rtu_crc(received.first(*length - 2)) != sent_crc) return {Cut::Kind::garbage};
  return {Cut::Kind::request, *length};
}

std::uint16_t rtu_crc(std::span<const std::uint8_t> bytes) {
  std::uint16_t crc = 0xFFFF;
  for (const std::uint8_t byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc & 1) != 0 ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001)
                           : static_cast<std::uint16_t>(crc >> 1);
  }
  return crc;
}

std::vector<std::uint8_t> tcp_reply(std::span<const std::uint8_t> request,
                                    std::span<const std::uint8_t> reply_pdu) {
  const std::size_t following = 1 + reply_pdu.size();
  std::vector<std::uint8_t> reply{request[0],
                                  request[1],
                                  0,
                                  0,
                                  static_cast<std::uint8_t>(following >> 8),
                                  static_cast<std::uint8_t>(following & 0xFF),
                                  tcp_unit(request)};
  reply.insert(reply.end(), reply_pdu.begin(), reply_pdu.end());
  return reply;
}

std::vector<std::uint8_t> rtu_reply(std::uint8_t unit, std::span<const std::uint8_t> reply_pdu) {
  std::vector<std::uint8_t> reply{unit};
  reply.insert(reply.end(), reply_pdu.begin(), reply_pdu.end());
  const std::uint16_t crc = rtu_crc(reply);
  reply.push_back(static_cast<std::uint8_t>(crc & 0xFF));
  reply.push_back(static_cast<std::uint8_t>(crc >> 8));
  return reply;
}

}  // namespace bangtin::modbus_framing
