// The shared reply capture's batched receive (AfPacketSource::enable_batching:
// one recvmmsg() for many replies), on a real packet socket in a network
// namespace of the test's own (root only; skipped otherwise): every packet
// comes out once, in order, cut at the snap length, and a wait while packets
// of the last batch are still unread completes at once, though the socket
// itself has nothing left to read.
#ifdef __linux__
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <vector>

#include "platform/linux/afpacket_source.hpp"
#include "platform/posix/unique_fd.hpp"
#include "tests/testutils/own_netns.hpp"

namespace ddtr::platform::linux_ {
namespace {

constexpr std::size_t kSnap = 64;
constexpr std::size_t kPayload = 200;
constexpr std::size_t kUdpPayloadOffset = 20 + 8;  // IPv4 header without options, UDP header

// A UDP receiver on 127.0.0.1 (so no port unreachable answers) and a sender.
struct Loopback {
  UniqueFd receiver{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  UniqueFd sender{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  sockaddr_in to{};

  Loopback() {
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(receiver.get(), reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    socklen_t len = sizeof to;
    EXPECT_EQ(::getsockname(receiver.get(), reinterpret_cast<sockaddr*>(&to), &len), 0);
  }
  void send(std::uint8_t mark) {
    std::vector<std::uint8_t> payload(kPayload, mark);
    EXPECT_EQ(::sendto(sender.get(), payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(payload.size()));
  }
};

std::vector<sock_filter> accept_all() { return {sock_filter{BPF_RET | BPF_K, 0, 0, 0xffffffff}}; }

TEST(AfPacketBatch, EveryPacketOnceInOrderCutAtTheSnap) {
  bool ran = false;
  bool ok = testutils::run_in_own_netns("ip link set lo up", [&] {
    boost::asio::io_context io;
    AfPacketSource source(io);
    source.enable_batching(4, kSnap);
    source.install_program(accept_all());
    Loopback lo;
    for (std::uint8_t i = 1; i <= 10; ++i) lo.send(i);
    std::vector<std::uint8_t> buffer(1500);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);  // a bound, not a measure
    for (std::uint8_t i = 1; i <= 10; ++i) {
      auto packet = source.read(buffer, deadline);
      ASSERT_TRUE(packet) << "packet " << int(i);
      EXPECT_EQ(packet->length, kSnap);  // 228 bytes on the wire, cut at the snap
      EXPECT_EQ(buffer[kUdpPayloadOffset], i) << "our own outgoing copy is skipped; the order is kept";
    }
    EXPECT_FALSE(source.read(buffer, std::chrono::steady_clock::time_point{}));
    ran = true;
  });
  if (!ok) GTEST_SKIP() << "needs root, a network namespace and ip(8)";
  EXPECT_TRUE(ran);
}

TEST(AfPacketBatch, WaitCompletesAtOnceWhileTheBatchHoldsPackets) {
  bool ran = false;
  bool ok = testutils::run_in_own_netns("ip link set lo up", [&] {
    boost::asio::io_context io;
    AfPacketSource source(io);
    source.enable_batching(8, kSnap);
    source.install_program(accept_all());
    Loopback lo;
    for (std::uint8_t i = 1; i <= 3; ++i) lo.send(i);
    std::vector<std::uint8_t> buffer(1500);
    auto first = source.read(buffer, std::chrono::steady_clock::now() + std::chrono::seconds(5));
    ASSERT_TRUE(first);
    EXPECT_EQ(buffer[kUdpPayloadOffset], 1);
    // The batch took all three: the socket is empty, two packets are not read.
    int woken = 0;
    source.async_wait_readable([&](std::error_code ec) {
      EXPECT_FALSE(ec);
      ++woken;
    });
    io.run_for(std::chrono::seconds(5));  // returns once the handler ran
    EXPECT_EQ(woken, 1);
    for (std::uint8_t i = 2; i <= 3; ++i) {
      auto packet = source.read(buffer, std::chrono::steady_clock::time_point{});
      ASSERT_TRUE(packet);
      EXPECT_EQ(buffer[kUdpPayloadOffset], i);
    }
    ran = true;
  });
  if (!ok) GTEST_SKIP() << "needs root, a network namespace and ip(8)";
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace ddtr::platform::linux_
#endif
