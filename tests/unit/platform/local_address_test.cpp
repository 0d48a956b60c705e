// The shared Endpoint <-> sockaddr conversion, and the Linux local-address
// code built on it, against real loopback sockets (nothing is sent).
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include "platform/local_address.hpp"
#include "platform/sockaddr_endpoint.hpp"

namespace ddtr::platform {
namespace {

TEST(SockaddrEndpoint, V4InNetworkOrder) {
  Endpoint e{boost::asio::ip::make_address("192.0.2.7"), 33434};
  SocketAddress a = to_socket_address(e);
  ASSERT_EQ(a.length, static_cast<int>(sizeof(sockaddr_in)));
  const auto* sin = reinterpret_cast<const sockaddr_in*>(&a.storage);
  EXPECT_EQ(sin->sin_family, AF_INET);
  EXPECT_EQ(sin->sin_port, htons(33434));
  EXPECT_EQ(sin->sin_addr.s_addr, inet_addr("192.0.2.7"));
  EXPECT_EQ(to_endpoint(a.storage), e);
}

TEST(SockaddrEndpoint, V6KeepsTheScope) {
  auto v6 = boost::asio::ip::make_address_v6("fe80::1");
  v6.scope_id(3);
  Endpoint e{v6, 443};
  SocketAddress a = to_socket_address(e);
  ASSERT_EQ(a.length, static_cast<int>(sizeof(sockaddr_in6)));
  const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&a.storage);
  EXPECT_EQ(sin6->sin6_family, AF_INET6);
  EXPECT_EQ(sin6->sin6_port, htons(443));
  EXPECT_EQ(sin6->sin6_scope_id, 3u);
  EXPECT_EQ(to_endpoint(a.storage), e);
  Endpoint doc{boost::asio::ip::make_address("2001:db8::5"), 1};
  EXPECT_EQ(to_endpoint(to_socket_address(doc).storage), doc);
}

TEST(LocalAddress, LoopbackDialAndReservations) {
  Endpoint target{boost::asio::ip::make_address("127.0.0.1"), 33434};
  Endpoint local = local_endpoint_for(target);
  EXPECT_TRUE(local.address.is_loopback()) << local.address.to_string();
  EXPECT_NE(local.port, 0);
  auto udp = reserve_udp_port(target);
  EXPECT_TRUE(udp->local().address.is_loopback());
  EXPECT_NE(udp->local().port, 0);
  auto tcp = reserve_tcp_port(local.address);
  EXPECT_EQ(tcp->local().address, local.address);
  EXPECT_NE(tcp->local().port, 0);
}

}  // namespace
}  // namespace ddtr::platform
