#include "shared/common/target_length.hpp"

#include <algorithm>

namespace ddtr {
namespace {

std::string too_long(std::string_view what, std::size_t size, std::size_t limit) {
  return std::string(what) + " is " + std::to_string(size) + " bytes, longer than the " + std::to_string(limit) +
         " bytes it may have";
}

std::optional<std::string> check_host(std::string_view host) {
  if (std::count(host.begin(), host.end(), ':') >= 2) {
    // An IPv6 literal, perhaps with a zone index.
    auto percent = host.find('%');
    std::string_view address = host.substr(0, percent);
    if (address.size() > kMaxIpv6LiteralBytes) return too_long("the IPv6 address", address.size(), kMaxIpv6LiteralBytes);
    if (percent != std::string_view::npos && host.size() - percent - 1 > kMaxZoneBytes) {
      return too_long("the zone index", host.size() - percent - 1, kMaxZoneBytes);
    }
    return std::nullopt;
  }
  std::size_t name = host.size() - (!host.empty() && host.back() == '.' ? 1 : 0);
  if (name > kMaxHostNameBytes) return too_long("the host name", name, kMaxHostNameBytes);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> target_length_problem(std::string_view target) {
  if (target.size() > kMaxTargetBytes) return too_long("the target", target.size(), kMaxTargetBytes);
  std::string_view host = target, port;
  if (!target.empty() && target.front() == '[') {
    auto close = target.find(']');
    if (close != std::string_view::npos) {
      host = target.substr(1, close - 1);
      if (close + 1 < target.size()) port = target.substr(std::min(close + 2, target.size()));
    }
  } else if (std::count(target.begin(), target.end(), ':') == 1) {
    auto colon = target.find(':');
    host = target.substr(0, colon);
    port = target.substr(colon + 1);
  }
  if (port.size() > kMaxPortBytes) return too_long("the port", port.size(), kMaxPortBytes);
  return check_host(host);
}

std::string clipped(std::string_view text, std::size_t keep) {
  if (text.size() <= keep) return std::string(text);
  return std::string(text.substr(0, keep)) + "\u2026 (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace ddtr
