#include "platform/darwin/bsd_raw_send.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "shared/common/error.hpp"

namespace ddtr::platform::darwin {
namespace {

constexpr std::size_t kIpv4Header = 20;
constexpr std::size_t kIpv6Header = 40;

// Network order in, host order out: the value a BSD kernel expects to read
// from the field with a plain 16-bit load.
void to_host_order(std::uint8_t* field) {
  auto value = static_cast<std::uint16_t>((field[0] << 8) | field[1]);
  std::memcpy(field, &value, sizeof value);
}

bool is_extension_header(std::uint8_t next) {
  // Hop-by-hop, routing, fragment, ESP, AH, destination options, mobility,
  // HIP, shim6 (RFC 7045's list).
  for (std::uint8_t ext : {0, 43, 44, 50, 51, 60, 135, 139, 140}) {
    if (next == ext) return true;
  }
  return false;
}

}  // namespace

std::vector<std::uint8_t> ipv4_for_bsd_raw_socket(std::span<const std::uint8_t> packet) {
  if (packet.size() < kIpv4Header) {
    throw Error(ErrorCode::Unknown, "sinkDarwin WriteTo failed because packet is smaller than ipv4 header");
  }
  if (packet.size() > kMaxRawIpv4Packet) {
    throw Error(ErrorCode::Unknown, "sinkDarwin WriteTo failed because packet is too large (couldn't copy)");
  }
  std::vector<std::uint8_t> out(packet.begin(), packet.end());
  to_host_order(out.data() + 2);  // ip_len
  to_host_order(out.data() + 6);  // ip_off (flags and fragment offset)
  return out;
}

Ipv6RawSend split_ipv6_for_raw_socket(std::span<const std::uint8_t> packet) {
  if (packet.size() < kIpv6Header || (packet[0] >> 4) != 6) {
    throw Error(ErrorCode::Unknown, "stripIPv6Header failed to decode IPv6: not an IPv6 header");
  }
  std::size_t payload_length = (static_cast<std::size_t>(packet[4]) << 8) | packet[5];
  if (payload_length != packet.size() - kIpv6Header) {
    throw Error(ErrorCode::Unknown, "stripIPv6Header: payload length " + std::to_string(payload_length) +
                                        " does not match the " + std::to_string(packet.size() - kIpv6Header) +
                                        " bytes after the header");
  }
  Ipv6RawSend send;
  send.next_header = packet[6];
  if (is_extension_header(send.next_header)) {
    throw Error(ErrorCode::Unknown, "a macOS raw IPv6 socket cannot send extension header " +
                                        std::to_string(send.next_header));
  }
  send.hop_limit = packet[7];
  std::copy_n(packet.begin() + 8, send.source.size(), send.source.begin());
  send.payload = packet.subspan(kIpv6Header);
  return send;
}

}  // namespace ddtr::platform::darwin
