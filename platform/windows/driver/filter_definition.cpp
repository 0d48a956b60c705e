#include "platform/windows/driver/filter_definition.hpp"

#include <cstring>
#include <string>

#include "shared/common/error.hpp"

namespace ddtr::platform::windows::driver {
namespace {

// Writes little-endian whatever the host order is: the driver runs on x64.
void put_u64(std::uint8_t* out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

void put_address(std::uint8_t* out, const FilterAddress& a) {
  put_u64(out + 0, a.af);
  std::memcpy(out + 8, a.v4.data(), 4);
  // out + 12: v4_padding, four zero bytes
  std::memcpy(out + 16, a.v6.data(), 16);
  put_u64(out + 32, a.mask);
}

FilterDefinition base_filter(std::uint64_t af, std::uint64_t signature) {
  FilterDefinition f;
  f.filter_version = signature;
  f.size = driver_layout(signature_version(signature)).filter_size;
  f.filter_layer = kLayerTransport;
  f.af = af;
  f.interface_index = 0;
  f.direction = kDirectionInbound;
  return f;
}

// Upstream's getAddressFamily: IPv6 only for a v6 address, IPv4 otherwise
// (an absent address included).
std::uint64_t family_of(const std::optional<Endpoint>& endpoint) {
  return endpoint && endpoint->address.is_v6() ? kAfInet6 : kAfInet;
}

std::uint16_t port_of(const std::optional<Endpoint>& endpoint) { return endpoint ? endpoint->port : 0; }

// The capture filter and, when the driver's record has the field, the same
// filter discarding (0x16's records have none, so upstream sent none).
std::vector<FilterDefinition> with_discard_twin(FilterDefinition capture) {
  if (capture.size != kFilterDefinitionSize) return {capture};
  FilterDefinition discard = capture;
  discard.discard = 1;
  return {capture, discard};
}

}  // namespace

FilterBytes encode(const FilterDefinition& f) {
  if (f.size != kFilterDefinitionSize && f.size != kFilterDefinitionSizeV16) {
    throw Error(ErrorCode::Unknown, "a FILTER_DEFINITION is 160 or 152 bytes, not " + std::to_string(f.size));
  }
  if (f.size == kFilterDefinitionSizeV16 && f.discard != 0) {
    throw Error(ErrorCode::Unknown, "a 152-byte FILTER_DEFINITION (driver 0x16) has no discard field");
  }
  FilterBytes out(f.size, 0);
  put_u64(&out[0], f.filter_version);
  put_u64(&out[8], f.size);
  put_u64(&out[16], f.filter_layer);
  put_u64(&out[24], f.af);
  put_address(&out[32], f.local_address);
  put_address(&out[72], f.remote_address);
  put_u64(&out[112], f.local_port);
  put_u64(&out[120], f.remote_port);
  put_u64(&out[128], f.protocol);
  put_u64(&out[136], f.direction);
  put_u64(&out[144], f.interface_index);
  if (f.size == kFilterDefinitionSize) put_u64(&out[152], f.discard);
  return out;
}

FilterAddress filter_address(const std::optional<Endpoint>& endpoint) {
  FilterAddress a;
  if (!endpoint) return a;
  if (endpoint->address.is_v4()) {
    a.af = kAfInet;
    a.v4 = endpoint->address.to_v4().to_bytes();
    a.mask = kMaskV4;
  } else {
    a.af = kAfInet6;
    a.v6 = endpoint->address.to_v6().to_bytes();
    a.mask = kMaskV6;
  }
  return a;
}

std::vector<FilterDefinition> windows_filter(const PacketFilterSpec& spec, std::uint64_t signature) {
  switch (spec.type) {
    case FilterType::Icmp:
    case FilterType::Udp:
      return {};  // the ICMP pair installed first is all they need
    case FilterType::Tcp: {
      // src is the remote target, dst the local endpoint; the family is the local one's.
      FilterDefinition f = base_filter(family_of(spec.dst), signature);
      f.protocol = kProtoTcp;
      f.local_address = filter_address(spec.dst);
      f.remote_address = filter_address(spec.src);
      f.local_port = port_of(spec.dst);
      f.remote_port = port_of(spec.src);
      return with_discard_twin(f);
    }
    case FilterType::SynAck: {
      // Before the handshake the local port is not known: the remote side only.
      FilterDefinition f = base_filter(family_of(spec.src), signature);
      f.protocol = kProtoTcp;
      f.remote_address = filter_address(spec.src);
      f.remote_port = port_of(spec.src);
      return with_discard_twin(f);
    }
    case FilterType::None: {
      // Everything inbound, both families (upstream: "should not be used").
      auto v4 = with_discard_twin(base_filter(kAfInet, signature));
      auto v6 = with_discard_twin(base_filter(kAfInet6, signature));
      v4.insert(v4.end(), v6.begin(), v6.end());
      return v4;
    }
  }
  throw Error(ErrorCode::Unknown, "invalid filter type: " + std::to_string(static_cast<int>(spec.type)));
}

std::vector<FilterDefinition> packet_filters(const PacketFilterSpec& spec, std::uint64_t signature) {
  FilterDefinition icmp = base_filter(kAfInet, signature);
  icmp.protocol = kProtoIcmp;
  FilterDefinition icmp6 = base_filter(kAfInet6, signature);
  icmp6.protocol = kProtoIcmpv6;
  std::vector<FilterDefinition> filters{icmp, icmp6};
  try {
    auto more = windows_filter(spec, signature);
    filters.insert(filters.end(), more.begin(), more.end());
  } catch (const Error& e) {
    throw Error(e.code(), std::string("failed to get windows filter: ") + e.what());
  }
  return filters;
}

}  // namespace ddtr::platform::windows::driver
