// Building TCP SYN probes (IPv4 and IPv6): upstream's 40-byte IPv4 SYN (no DF,
// window 1024, no options), and its IPv6 counterpart.
#pragma once

#include <cstdint>
#include <vector>

#include "shared/common/ip_address.hpp"

namespace ddtr::probes {

std::vector<std::uint8_t> build_tcp_syn(const Endpoint& src, const Endpoint& dst, std::uint32_t seq,
                                        std::uint16_t ip_id, std::uint8_t ttl);

}  // namespace ddtr::probes
