// Endpoint <-> sockaddr_in / sockaddr_in6 (network byte order, the IPv6 scope
// id, BSD's length byte), the part of the local-address code every OS shares:
// linux/, darwin/ and windows/local_address.cpp differ only in how they make
// and close sockets and report errors.
#pragma once

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <netinet/in.h>
#include <sys/socket.h>
#endif

#include "shared/common/ip_address.hpp"

namespace ddtr::platform {

struct SocketAddress {
  sockaddr_storage storage{};
  int length = 0;  // what bind/connect take: socklen_t on POSIX, int on Winsock

  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
};

SocketAddress to_socket_address(const Endpoint& endpoint);

// An AF_INET or AF_INET6 address (getsockname's answer) as an Endpoint.
Endpoint to_endpoint(const sockaddr_storage& address);

}  // namespace ddtr::platform
