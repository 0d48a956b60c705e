// The sock_diag owner lookup against real loopback TCP connections made in
// this process (and, as root, one made by a child running as nobody). Nothing
// leaves the host.
#include <gtest/gtest.h>

#ifdef __linux__
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/posix/unique_fd.hpp"
#include "platform/sockaddr_endpoint.hpp"
#include "platform/socket_owner.hpp"
#include "platform/user_credentials.hpp"

namespace ddtr::platform {
namespace {

// A listener on the loopback address of `family`, port chosen by the kernel.
struct Listener {
  UniqueFd fd;
  Endpoint where;
  explicit Listener(const char* address) {
    auto ip = boost::asio::ip::make_address(address);
    SocketAddress a = to_socket_address(Endpoint{ip, 0});
    fd = UniqueFd(::socket(ip.is_v4() ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid() || ::bind(fd.get(), a.get(), static_cast<socklen_t>(a.length)) != 0 || ::listen(fd.get(), 8) != 0) {
      fd.reset();
      return;
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length);
    where = to_endpoint(bound);
  }
};

UniqueFd connect_to(const Endpoint& where) {
  SocketAddress a = to_socket_address(where);
  UniqueFd fd(::socket(where.address.is_v4() ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(fd.get(), a.get(), static_cast<socklen_t>(a.length)) != 0) fd.reset();
  return fd;
}

// The accepted connection's two ends, as the HTTP server sees them.
struct Accepted {
  UniqueFd fd;
  Endpoint local, peer;
};
Accepted accept_one(const Listener& listener) {
  Accepted out;
  sockaddr_storage peer{}, local{};
  socklen_t peer_length = sizeof peer, local_length = sizeof local;
  out.fd = UniqueFd(::accept4(listener.fd.get(), reinterpret_cast<sockaddr*>(&peer), &peer_length, SOCK_CLOEXEC));
  ::getsockname(out.fd.get(), reinterpret_cast<sockaddr*>(&local), &local_length);
  out.local = to_endpoint(local);
  out.peer = to_endpoint(peer);
  return out;
}

std::optional<std::uint32_t> found(const SocketOwnerLookup::Owner& owner) {
  if (owner.status != SocketOwnerLookup::Owner::Status::Found) return std::nullopt;
  return owner.uid;
}

void expect_own_uid(const char* address) {
  Listener listener(address);
  if (!listener.fd.valid()) GTEST_SKIP() << "no " << address << " here";
  SocketOwnerLookup lookup;
  ASSERT_TRUE(lookup.available()) << "NETLINK_SOCK_DIAG unavailable";
  UniqueFd client = connect_to(listener.where);
  ASSERT_TRUE(client.valid());
  Accepted accepted = accept_one(listener);
  ASSERT_TRUE(accepted.fd.valid());
  EXPECT_EQ(found(lookup.tcp_peer_owner(accepted.local, accepted.peer)), std::optional<std::uint32_t>(::geteuid()));
  // The lookup is exact: the tuple decides.
  Endpoint elsewhere = accepted.peer;
  elsewhere.port = static_cast<std::uint16_t>(elsewhere.port == 65535 ? 1 : elsewhere.port + 1);
  EXPECT_EQ(lookup.tcp_peer_owner(accepted.local, elsewhere).status, SocketOwnerLookup::Owner::Status::NoSuchSocket)
      << "a port nobody connected from";
  // Closed by its owner: an orphan (FIN_WAIT) or TIME_WAIT socket has no
  // owner to judge, and must not be reported as uid 0.
  client.reset();
  EXPECT_EQ(lookup.tcp_peer_owner(accepted.local, accepted.peer).status, SocketOwnerLookup::Owner::Status::NoSuchSocket);
}

TEST(SocketOwner, LoopbackV4PeerIsThisProcessUid) { expect_own_uid("127.0.0.1"); }
TEST(SocketOwner, LoopbackV6PeerIsThisProcessUid) { expect_own_uid("::1"); }

TEST(SocketOwner, ManyLookupsOnOneSocket) {
  Listener listener("127.0.0.1");
  ASSERT_TRUE(listener.fd.valid());
  SocketOwnerLookup lookup;
  UniqueFd client = connect_to(listener.where);
  Accepted accepted = accept_one(listener);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(found(lookup.tcp_peer_owner(accepted.local, accepted.peer)), std::optional<std::uint32_t>(::geteuid())) << i;
  }
}

TEST(SocketOwner, AnotherUidsSocketIsThatUid) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run a child as nobody";
  Listener listener("127.0.0.1");
  ASSERT_TRUE(listener.fd.valid());
  int hold[2];
  ASSERT_EQ(::pipe(hold), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(hold[1]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    UniqueFd fd = connect_to(listener.where);
    if (!fd.valid()) ::_exit(3);
    char byte;
    ::read(hold[0], &byte, 1);  // keep the socket until the parent has looked
    ::_exit(0);
  }
  ::close(hold[0]);
  Accepted accepted = accept_one(listener);
  SocketOwnerLookup lookup;
  EXPECT_EQ(found(lookup.tcp_peer_owner(accepted.local, accepted.peer)), std::optional<std::uint32_t>(65534));
  ::close(hold[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(UserCredentials, RootAndUnknownUids) {
  PeerCredentials root = user_credentials(0);
  EXPECT_EQ(root.user_name, "root");
  EXPECT_EQ(root.gid, 0u);
  ASSERT_FALSE(root.groups.empty());
  EXPECT_EQ(root.groups.front(), 0u);
  PeerCredentials nobody_known = user_credentials(4'000'000'000u);
  EXPECT_EQ(nobody_known.user_name, "uid:4000000000");
  EXPECT_TRUE(nobody_known.groups.empty());
}

}  // namespace
}  // namespace ddtr::platform
#endif
