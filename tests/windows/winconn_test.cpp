// winconn and the Windows syn_socket probe on loopback, as far as wine goes:
// wine answers WSAENOPROTOOPT for TCP_FAIL_CONNECT_ON_ICMP_ERROR and
// TCP_ICMP_ERROR_INFO, and has no raw sockets; those checks skip with a note.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "message_of.hpp"
#include "platform/local_address.hpp"
#include "platform/source_sink.hpp"
#include "platform/tcp_connect_probe.hpp"
#include "platform/windows/winconn/winconn.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::winconn {
namespace {

const IpAddress kLoopback = boost::asio::ip::make_address("127.0.0.1");

using ddtr::test_support::message_of;

bool says_no_protocol_option(const std::string& text) {
  // WSAENOPROTOOPT's system text ("…protocol option…" or wine's "error 10042").
  return text.find("10042") != std::string::npos || text.find("rotocol option") != std::string::npos ||
         text.find("not supported") != std::string::npos;
}

// upstream's NewConn, or the same socket without the option wine lacks.
Conn make_conn() {
  auto text = message_of([] { Conn conn; });
  if (text == "(no error)") return Conn();
  EXPECT_EQ(text.rfind("failed to set TCP_FAIL_CONNECT_ON_ICMP_ERROR: ", 0), 0u) << text;
  if (!says_no_protocol_option(text)) ADD_FAILURE() << text;
  std::cout << "[ wine     ] TCP_FAIL_CONNECT_ON_ICMP_ERROR: " << text << " (continuing without it)\n";
  return Conn(ConnOptions{false});
}

struct Listener {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{io, boost::asio::ip::tcp::endpoint(kLoopback, 0)};
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
};

TEST(WindowsWinconn, ConnectedIsTheDestination) {
  Listener listener;
  Conn conn = make_conn();
  conn.set_ttl(64);
  auto hop = conn.get_hop(std::chrono::seconds(3), Endpoint{kLoopback, listener.port()});
  ASSERT_TRUE(hop.address);
  EXPECT_EQ(*hop.address, kLoopback);
  EXPECT_EQ(hop.icmp_type, 0);
}

TEST(WindowsWinconn, RefusedIsFatalAsUpstream) {
  std::uint16_t closed_port;
  {
    Listener listener;
    closed_port = listener.port();
  }
  Conn conn = make_conn();
  auto text = message_of([&] { conn.get_hop(std::chrono::seconds(3), Endpoint{kLoopback, closed_port}); });
  // Either way the run ends, as upstream's does: WSAPoll reports a refused
  // connect as POLLERR|POLLHUP without POLLOUT (wine, and Windows since the
  // 2004 WSAPoll fix), or SO_ERROR says WSAECONNREFUSED.
  bool fatal = text.rfind("failed to send connect: ", 0) == 0 || text == "failed to poll: socket is not writable";
  EXPECT_TRUE(fatal) << text;
  std::cout << "[ wine     ] refused connect: " << text << "\n";
}

TEST(WindowsWinconn, TtlRules) {
  Conn conn = make_conn();
  EXPECT_EQ(message_of([&] { conn.set_ttl(-1); }), "TTL cannot be negative");
  conn.set_ttl(7);
  DWORD ttl = 0;
  int length = sizeof ttl;
  ASSERT_EQ(::getsockopt(conn.native(), IPPROTO_IP, IP_TTL, reinterpret_cast<char*>(&ttl), &length), 0);
  EXPECT_EQ(ttl, 7u);
}

TEST(WindowsWinconn, OnlyIpv4) {
  Conn conn = make_conn();
  EXPECT_EQ(message_of([&] { conn.get_hop(std::chrono::milliseconds(100), Endpoint{boost::asio::ip::make_address("::1"), 80}); }),
            "unable to parse IP address");
}

TEST(WindowsWinconn, IcmpErrorInfoAsFarAsWineGoes) {
  Conn conn = make_conn();
  auto text = message_of([&] { conn.icmp_error_info(); });
  if (says_no_protocol_option(text)) {
    GTEST_SKIP() << "wine has no TCP_ICMP_ERROR_INFO: " << text;
  }
  // On Windows, with no ICMP error yet, the option answers without an address.
  SUCCEED() << text;
}

TEST(WindowsTcpConnectProbe, ConnectedAndRefusedOutcomes) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, boost::asio::ip::tcp::endpoint(kLoopback, 0));
  std::uint16_t open_port = acceptor.local_endpoint().port();
  std::uint16_t closed_port;
  {
    boost::asio::ip::tcp::acceptor other(io, boost::asio::ip::tcp::endpoint(kLoopback, 0));
    closed_port = other.local_endpoint().port();
  }
  std::unique_ptr<TcpConnectProbe> open_probe, closed_probe;
  auto text = message_of([&] {
    open_probe = start_tcp_connect_probe(io, Endpoint{kLoopback, open_port}, 64);
    closed_probe = start_tcp_connect_probe(io, Endpoint{kLoopback, closed_port}, 64);
  });
  if (says_no_protocol_option(text)) GTEST_SKIP() << "wine lacks TCP_FAIL_CONNECT_ON_ICMP_ERROR: " << text;
  ASSERT_EQ(text, "(no error)");
  std::optional<ConnectOutcome> open_outcome, closed_outcome;
  open_probe->async_outcome([&](ConnectOutcome o) { open_outcome = o; });
  closed_probe->async_outcome([&](ConnectOutcome o) { closed_outcome = o; });
  io.run_for(std::chrono::seconds(5));
  ASSERT_TRUE(open_outcome);
  EXPECT_EQ(open_outcome->kind, ConnectOutcome::Kind::Connected) << open_outcome->error;
  ASSERT_TRUE(closed_outcome);
  EXPECT_EQ(closed_outcome->kind, ConnectOutcome::Kind::Refused) << closed_outcome->error;
}

TEST(WindowsLocalAddress, LoopbackDialAndReservations) {
  auto local = local_endpoint_for(Endpoint{kLoopback, 80});
  EXPECT_EQ(local.address, kLoopback);
  EXPECT_NE(local.port, 0);
  auto udp = reserve_udp_port(Endpoint{kLoopback, 33434});
  EXPECT_NE(udp->local().port, 0);
  auto tcp = reserve_tcp_port(kLoopback);
  EXPECT_EQ(tcp->local().address, kLoopback);
  EXPECT_NE(tcp->local().port, 0);
}

TEST(WindowsSourceSink, RawPathIsIpv4OnlyAndNeedsRawSockets) {
  boost::asio::io_context io;
  EXPECT_EQ(message_of([&] { new_source_sink(io, boost::asio::ip::make_address("::1"), CaptureChoice{}); }),
            "NewSourceSink failed to init rawConn: NewRawConn: IPv6 is not supported");
  SourceSinkHandle handle;
  auto text = message_of([&] { handle = new_source_sink(io, kLoopback, CaptureChoice{}); });
  if (text != "(no error)") {
    EXPECT_EQ(text.rfind("NewSourceSink failed to init rawConn: failed to create raw socket: ", 0), 0u) << text;
    GTEST_SKIP() << "no raw sockets here (wine answers WSAEPROTONOSUPPORT/WSAESOCKTNOSUPPORT): " << text;
  }
  EXPECT_TRUE(handle.must_close_port);
}

TEST(WindowsSourceSink, DriverPathWithoutTheDriver) {
  // --windows-driver selects the driver: with no ddnpm the sink cannot open it.
  boost::asio::io_context io;
  auto text = message_of([&] { new_source_sink(io, kLoopback, CaptureChoice{true, 0x16}); });
  EXPECT_EQ(text.rfind("NewSourceSink failed to create sink driver: NewSinkDriver failed to create handle: ", 0), 0u)
      << text;
}

}  // namespace
}  // namespace ddtr::platform::windows::winconn
