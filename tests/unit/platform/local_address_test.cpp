// The shared Endpoint <-> sockaddr conversion, and the Linux local-address
// code built on it, against real loopback sockets (nothing is sent).
#include <gtest/gtest.h>

#include <arpa/inet.h>

#ifdef __linux__
#include <string>
#include <vector>

#include "tests/testutils/own_netns.hpp"
#endif

#include "platform/local_address.hpp"
#include "platform/sockaddr_endpoint.hpp"
#include "shared/common/error.hpp"

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

#ifdef __linux__
// Two routes with a source address each, in a network namespace of the test's
// own (root only; skipped otherwise): the finder's reused socket picks each
// target's source afresh, as a new socket does (Linux would keep the first
// dial's source on a later connect() of the same socket), and a target with
// no route fails without spoiling the next lookup.
TEST(SourceAddressFinder, PicksEachTargetsSourceAfreshAsANewSocketDoes) {
  std::vector<std::string> found, fresh;
  bool unroutable_threw = false;
  bool ok = testutils::run_in_own_netns(
      "ip link set lo up && ip addr add 192.0.2.1/32 dev lo && ip addr add 198.51.100.1/32 dev lo && "
      "ip route add 203.0.113.0/25 dev lo src 192.0.2.1 && ip route add 203.0.113.128/25 dev lo src 198.51.100.1",
      [&] {
        SourceAddressFinder finder;
        for (const char* target : {"203.0.113.5", "203.0.113.200", "203.0.113.6", "127.0.0.1", "203.0.113.201"}) {
          Endpoint to{boost::asio::ip::make_address(target), 80};
          found.push_back(finder.local_endpoint_for(to).address.to_string());
          fresh.push_back(local_endpoint_for(to).address.to_string());
        }
        try {
          finder.local_endpoint_for(Endpoint{boost::asio::ip::make_address("198.51.100.77"), 80});
        } catch (const ddtr::Error&) {
          unroutable_threw = true;
        }
        found.push_back(finder.local_endpoint_for(Endpoint{boost::asio::ip::make_address("203.0.113.7"), 80})
                            .address.to_string());
      });
  if (!ok) GTEST_SKIP() << "needs root, a network namespace and ip(8)";
  EXPECT_EQ(found, (std::vector<std::string>{"192.0.2.1", "198.51.100.1", "192.0.2.1", "127.0.0.1", "198.51.100.1",
                                              "192.0.2.1"}));
  found.pop_back();
  EXPECT_EQ(found, fresh);
  EXPECT_TRUE(unroutable_threw);
}
#endif

}  // namespace
}  // namespace ddtr::platform
