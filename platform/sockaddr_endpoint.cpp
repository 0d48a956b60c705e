#include "platform/sockaddr_endpoint.hpp"

#include <cstring>

namespace ddtr::platform {

SocketAddress to_socket_address(const Endpoint& e) {
  SocketAddress out;
  if (e.address.is_v6()) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
#if defined(__APPLE__) || defined(SIN6_LEN)  // BSD: sockaddrs carry their own length; Linux and Winsock have none
    sin6->sin6_len = sizeof *sin6;
#endif
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(e.port);
    auto bytes = e.address.to_v6().to_bytes();
    std::memcpy(&sin6->sin6_addr, bytes.data(), bytes.size());
    sin6->sin6_scope_id = static_cast<std::uint32_t>(e.address.to_v6().scope_id());
    out.length = sizeof *sin6;
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
#if defined(__APPLE__) || defined(SIN6_LEN)
    sin->sin_len = sizeof *sin;
#endif
    sin->sin_family = AF_INET;
    sin->sin_port = htons(e.port);
    auto bytes = e.address.to_v4().to_bytes();
    std::memcpy(&sin->sin_addr, bytes.data(), bytes.size());
    out.length = sizeof *sin;
  }
  return out;
}

Endpoint to_endpoint(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&address);
    boost::asio::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), &sin6->sin6_addr, bytes.size());
    return {boost::asio::ip::address_v6(bytes, sin6->sin6_scope_id), ntohs(sin6->sin6_port)};
  }
  const auto* sin = reinterpret_cast<const sockaddr_in*>(&address);
  boost::asio::ip::address_v4::bytes_type bytes;
  std::memcpy(bytes.data(), &sin->sin_addr, bytes.size());
  return {boost::asio::ip::address_v4(bytes), ntohs(sin->sin_port)};
}

}  // namespace ddtr::platform
