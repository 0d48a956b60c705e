// Which interface a /dev/bpf capture must be bound to (BIOCSETIF) to see the
// replies to packets sent to a target. A BSD device sees one interface only,
// so this choice decides whether a trace sees anything at all.
//
// Upstream's way (packets/bpfdev_darwin.go, deviceForTarget): a loopback
// target gets the loopback interface; otherwise "dial" UDP to the target (a
// connect: nothing is sent), take the local address the kernel chose and the
// interface that owns it. We keep that and add the case it misses: a target
// that is one of this host's own addresses (say en0's). XNU routes such
// packets through lo0 (bsd/netinet/in_arp.c sets rt_ifp = lo_ifp for local
// addresses), while the dial's local address belongs to en0, where nothing
// would ever be seen.
//
// Why not a routing socket (PF_ROUTE, RTM_GET, rtm_index)? It asks the same
// table, but RTM_GET is a lookup only (bsd/net/rtsock.c: rt_lookup(TRUE, ...),
// no cloning): for a local address it reports the subnet route via en0 until a
// host route has been cloned, the same miss. It also needs a hand-built
// rt_msghdr exchange that only macOS could test. The dial and
// getifaddrs are portable POSIX: this file builds and runs on Linux, where
// ctest checks the rules on crafted interface lists and on the real host.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "shared/common/ip_address.hpp"

namespace ddtr::platform::darwin {

struct InterfaceAddress {
  std::string name;
  unsigned index = 0;  // if_nametoindex
  bool loopback = false;  // IFF_LOOPBACK
  IpAddress address;      // IPv6 link-local addresses carry their scope id
};

// This host's IPv4 and IPv6 addresses, one entry per (interface, address).
// Throws ddtr::Error when getifaddrs fails.
std::vector<InterfaceAddress> list_interface_addresses();

// BSD kernels return an IPv6 link-local address from getifaddrs with its scope
// (the interface index) embedded in bytes 2-3 ("KAME" form, fe80:4::1) and
// sometimes no sin6_scope_id. Returns the address in standard form with the
// scope id set.
boost::asio::ip::address_v6 ipv6_from_kernel(const boost::asio::ip::address_v6::bytes_type& bytes,
                                             unsigned long scope_id);

// The rules, on a given interface list. `local_address_for(target)` returns the
// source address the kernel would use (the UDP dial); it is called only when
// the target is neither loopback nor ours. Throws ddtr::Error with upstream's
// texts when no interface fits.
std::string choose_capture_interface(const IpAddress& target, std::span<const InterfaceAddress> interfaces,
                                     const std::function<IpAddress(const IpAddress&)>& local_address_for);

}  // namespace ddtr::platform::darwin
