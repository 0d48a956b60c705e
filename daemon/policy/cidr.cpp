#include "daemon/policy/cidr.hpp"

#include <charconv>

#include "shared/common/error.hpp"

namespace ddtr::policy {
namespace {

template <std::size_t N>
bool prefix_matches(const std::array<unsigned char, N>& a, const std::array<unsigned char, N>& b, int prefix) {
  int full = prefix / 8;
  for (int i = 0; i < full; ++i) {
    if (a[static_cast<std::size_t>(i)] != b[static_cast<std::size_t>(i)]) return false;
  }
  int rest = prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[static_cast<std::size_t>(full)] & mask) == (b[static_cast<std::size_t>(full)] & mask);
}

}  // namespace

IpAddress canonical_address(const IpAddress& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

Cidr::Cidr(IpAddress network, int prefix, std::string text)
    : network_(network), prefix_(prefix), text_(std::move(text)) {}

Cidr Cidr::parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Error(ErrorCode::InvalidRequest, "invalid address block \"" + std::string(text) + "\": " + std::string(why));
  };
  auto slash = text.find('/');
  std::string address_text(text.substr(0, slash));
  boost::system::error_code ec;
  IpAddress address = boost::asio::ip::make_address(address_text, ec);
  if (ec) throw bad("not an IP address");
  address = canonical_address(address);
  int max_prefix = address.is_v4() ? 32 : 128;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || err != std::errc() || end != digits.data() + digits.size()) throw bad("bad prefix length");
    if (prefix < 0 || prefix > max_prefix) throw bad("prefix length must be 0.." + std::to_string(max_prefix));
  }
  return Cidr(address, prefix, std::string(text));
}

bool Cidr::contains(const IpAddress& candidate) const {
  IpAddress address = canonical_address(candidate);
  if (address.is_v4() != network_.is_v4()) return false;
  if (address.is_v4()) return prefix_matches(address.to_v4().to_bytes(), network_.to_v4().to_bytes(), prefix_);
  return prefix_matches(address.to_v6().to_bytes(), network_.to_v6().to_bytes(), prefix_);
}

}  // namespace ddtr::policy
