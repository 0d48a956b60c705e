#include "tests/fuzz/support/cbpf_case.hpp"

#include <algorithm>

namespace ddtr::fuzz {
namespace {

constexpr std::size_t kSrcAt = 4, kDstAt = 22;

Endpoint read_endpoint(std::span<const std::uint8_t> input, std::size_t at, bool v6) {
  IpAddress address;
  if (v6) {
    boost::asio::ip::address_v6::bytes_type bytes;
    std::copy_n(input.begin() + static_cast<long>(at), 16, bytes.begin());
    address = boost::asio::ip::address_v6(bytes);
  } else {
    boost::asio::ip::address_v4::bytes_type bytes;
    std::copy_n(input.begin() + static_cast<long>(at), 4, bytes.begin());
    address = boost::asio::ip::address_v4(bytes);
  }
  auto port = static_cast<std::uint16_t>((input[at + 16] << 8) | input[at + 17]);
  return {address, port};
}

void write_endpoint(std::vector<std::uint8_t>& out, std::size_t at, const Endpoint& e) {
  if (e.address.is_v6()) {
    auto bytes = e.address.to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), out.begin() + static_cast<long>(at));
  } else {
    auto bytes = e.address.to_v4().to_bytes();
    std::copy(bytes.begin(), bytes.end(), out.begin() + static_cast<long>(at));
  }
  out[at + 16] = static_cast<std::uint8_t>(e.port >> 8);
  out[at + 17] = static_cast<std::uint8_t>(e.port);
}

}  // namespace

std::optional<CbpfCase> decode_cbpf_case(std::span<const std::uint8_t> input) {
  if (input.size() < kCbpfCaseHeader) return std::nullopt;
  CbpfCase c;
  c.spec.type = static_cast<platform::FilterType>(input[0] % 5);
  std::uint8_t flags = input[1];
  if (flags & 1) c.spec.src = read_endpoint(input, kSrcAt, (flags & 4) != 0);
  if (flags & 2) c.spec.dst = read_endpoint(input, kDstAt, (flags & 8) != 0);
  c.ethertype = static_cast<std::uint16_t>((input[2] << 8) | input[3]);
  c.packet = input.subspan(kCbpfCaseHeader);
  return c;
}

std::vector<std::uint8_t> encode_cbpf_case(const platform::PacketFilterSpec& spec, std::uint16_t ethertype,
                                           std::span<const std::uint8_t> packet) {
  std::vector<std::uint8_t> out(kCbpfCaseHeader, 0);
  out[0] = static_cast<std::uint8_t>(spec.type);
  if (spec.src) {
    out[1] |= spec.src->address.is_v6() ? 1 | 4 : 1;
    write_endpoint(out, kSrcAt, *spec.src);
  }
  if (spec.dst) {
    out[1] |= spec.dst->address.is_v6() ? 2 | 8 : 2;
    write_endpoint(out, kDstAt, *spec.dst);
  }
  out[2] = static_cast<std::uint8_t>(ethertype >> 8);
  out[3] = static_cast<std::uint8_t>(ethertype);
  out.insert(out.end(), packet.begin(), packet.end());
  return out;
}

}  // namespace ddtr::fuzz
