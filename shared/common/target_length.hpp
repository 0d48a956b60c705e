// How long a trace target may be. A caller's target is read, judged, logged
// and audited before anything is resolved, so its length is settled first:
// the longest name DNS can carry (253 bytes, RFC 1035 2.3.4 and 3.1; one more
// for a trailing dot), the longest IPv6 literal text (45 bytes, with a zone
// index of at most IFNAMSIZ-1 bytes), and the "host:port" / "[v6]:port"
// forms with a port of at most 5 digits. Anything longer is no target any
// resolver would accept, only a way to fill the daemon's disk.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ddtr {

inline constexpr std::size_t kMaxHostNameBytes = 253;    // without the trailing dot
inline constexpr std::size_t kMaxIpv6LiteralBytes = 45;  // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"
inline constexpr std::size_t kMaxZoneBytes = 15;         // "%" + an interface name (IFNAMSIZ - 1)
inline constexpr std::size_t kMaxPortBytes = 5;          // "65535"
// The longest target of any form: a name with its trailing dot, ":", a port.
inline constexpr std::size_t kMaxTargetBytes = kMaxHostNameBytes + 1 + 1 + kMaxPortBytes;

// Why `target` is too long for any of the forms, or nothing when it fits. Looks
// at no more than kMaxTargetBytes + 1 bytes of it.
std::optional<std::string> target_length_problem(std::string_view target);

// At most `keep` bytes of `text` for a log or audit line, with a note of the
// length when cut: "abc… (31457280 bytes)".
std::string clipped(std::string_view text, std::size_t keep);

}  // namespace ddtr
