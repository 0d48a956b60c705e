// Issue 19 item 5: the rtnetlink watch itself, in a network namespace of the
// test's own (root only; skipped otherwise): an address added there fires it
// once, and a watch destroyed with its wait pending touches nothing after.
#ifdef __linux__
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <thread>

#include "platform/network_change.hpp"

namespace ddtr::platform {
namespace {

TEST(NetworkChangeWatch, DestroyedWithAWaitPending) {
  boost::asio::io_context io;
  int fired = 0;
  auto watch = watch_network_changes(io, [&fired](const std::string&) { ++fired; });
  io.run_for(std::chrono::milliseconds(20));
  watch.reset();
  io.restart();
  io.run_for(std::chrono::milliseconds(20));  // the aborted wait completes here, on nothing
  SUCCEED();
}

TEST(NetworkChangeWatch, AnAddressAddedInTheNamespaceFiresIt) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (a network namespace of its own)";
  std::string what;
  bool skipped = false;
  // unshare(CLONE_NEWNET) moves the calling thread only: a thread of its own,
  // and `ip` forked from it, live in the new namespace.
  std::thread inside([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      skipped = true;
      return;
    }
    boost::asio::io_context io;
    auto watch = watch_network_changes(io, [&](const std::string& w) {
      what = w;
      io.stop();
    });
    if (std::system("ip link set lo up && ip addr add 192.0.2.1/24 dev lo") != 0) {
      skipped = true;
      return;
    }
    io.run_for(std::chrono::seconds(10));  // a bound, not a measure: the kernel notifies at once
  });
  inside.join();
  if (skipped) GTEST_SKIP() << "no network namespace or no ip(8)";
  EXPECT_NE(what.find("address added"), std::string::npos) << what;
}

}  // namespace
}  // namespace ddtr::platform
#endif
