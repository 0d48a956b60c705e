#include "platform/darwin/capture_interface.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "shared/common/error.hpp"

namespace ddtr::platform::darwin {
namespace {

IpAddress unmapped(const IpAddress& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  }
  return a;
}

// Equal addresses; a scope id counts only when both sides have one (the dial
// and getifaddrs do not always both fill it in).
bool same_address(const IpAddress& a, const IpAddress& b) {
  if (a.is_v4() != b.is_v4()) return false;
  if (a.is_v4()) return a == b;
  auto x = a.to_v6(), y = b.to_v6();
  if (x.to_bytes() != y.to_bytes()) return false;
  return x.scope_id() == 0 || y.scope_id() == 0 || x.scope_id() == y.scope_id();
}

const InterfaceAddress* find_loopback(std::span<const InterfaceAddress> interfaces) {
  for (const auto& i : interfaces) {
    if (i.loopback) return &i;
  }
  return nullptr;
}

}  // namespace

boost::asio::ip::address_v6 ipv6_from_kernel(const boost::asio::ip::address_v6::bytes_type& bytes,
                                             unsigned long scope_id) {
  auto clean = bytes;
  bool link_local = clean[0] == 0xfe && (clean[1] & 0xc0) == 0x80;
  if (link_local && (clean[2] != 0 || clean[3] != 0)) {
    unsigned long embedded = (static_cast<unsigned long>(clean[2]) << 8) | clean[3];
    if (scope_id == 0) scope_id = embedded;
    clean[2] = clean[3] = 0;
  }
  return boost::asio::ip::address_v6(clean, link_local ? scope_id : 0);
}

std::vector<InterfaceAddress> list_interface_addresses() {
  ifaddrs* head = nullptr;
  if (::getifaddrs(&head) != 0) throw_errno("deviceForTarget failed to get interfaces", errno);
  std::unique_ptr<ifaddrs, void (*)(ifaddrs*)> owner(head, ::freeifaddrs);
  std::vector<InterfaceAddress> out;
  for (const ifaddrs* i = head; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_name == nullptr) continue;
    InterfaceAddress entry;
    if (i->ifa_addr->sa_family == AF_INET) {
      sockaddr_in sin{};
      std::memcpy(&sin, i->ifa_addr, sizeof sin);
      boost::asio::ip::address_v4::bytes_type bytes;
      std::memcpy(bytes.data(), &sin.sin_addr, bytes.size());
      entry.address = boost::asio::ip::address_v4(bytes);
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      sockaddr_in6 sin6{};
      std::memcpy(&sin6, i->ifa_addr, sizeof sin6);
      boost::asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
      entry.address = ipv6_from_kernel(bytes, sin6.sin6_scope_id);
    } else {
      continue;  // AF_LINK (macOS) and AF_PACKET (Linux) entries
    }
    entry.name = i->ifa_name;
    entry.index = ::if_nametoindex(i->ifa_name);
    entry.loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
    out.push_back(std::move(entry));
  }
  return out;
}

std::string choose_capture_interface(const IpAddress& raw_target, std::span<const InterfaceAddress> interfaces,
                                     const std::function<IpAddress(const IpAddress&)>& local_address_for) {
  IpAddress target = unmapped(raw_target);
  bool ours = false;
  for (const auto& i : interfaces) ours = ours || same_address(i.address, target);
  if (target.is_loopback() || ours) {  // 127/8 and ::1, or this host's own address
    if (const auto* lo = find_loopback(interfaces)) return lo->name;
    throw Error(ErrorCode::Unknown, "deviceForTarget couldn't find loopback interface for loopback target");
  }
  IpAddress local = unmapped(local_address_for(raw_target));
  // A link-local source names its interface by scope id; the same fe80::
  // address may sit on several interfaces.
  if (local.is_v6() && local.to_v6().is_link_local() && local.to_v6().scope_id() != 0) {
    for (const auto& i : interfaces) {
      if (i.index == local.to_v6().scope_id()) return i.name;
    }
  }
  for (const auto& i : interfaces) {
    if (same_address(i.address, local)) return i.name;
  }
  throw Error(ErrorCode::Unknown, "deviceForTarget couldn't find a matching interface");
}

}  // namespace ddtr::platform::darwin
