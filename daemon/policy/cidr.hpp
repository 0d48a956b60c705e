// An address block ("169.254.0.0/16", "fe80::/10", "192.0.2.1"). IPv4-mapped
// IPv6 addresses are judged as the IPv4 address they carry, so ::ffff:169.254.169.254
// cannot slip past a rule written for 169.254.0.0/16.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shared/common/ip_address.hpp"

namespace ddtr::policy {

class Cidr {
 public:
  // Throws ddtr::Error(InvalidRequest) naming what is wrong with `text`.
  static Cidr parse(std::string_view text);

  bool contains(const IpAddress& address) const;
  const std::string& text() const { return text_; }

 private:
  Cidr(IpAddress network, int prefix, std::string text);
  IpAddress network_;
  int prefix_ = 0;
  std::string text_;
};

// Unwraps an IPv4-mapped IPv6 address; others are returned as they are.
IpAddress canonical_address(const IpAddress& address);

}  // namespace ddtr::policy
