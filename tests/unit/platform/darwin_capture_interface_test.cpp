// Which interface the macOS capture binds to: the rules on crafted interface
// lists, then the real getifaddrs and UDP dial of this (Linux) host.
#include <gtest/gtest.h>

#include "platform/darwin/capture_interface.hpp"
#include "platform/local_address.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::darwin {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::make_address_v6;

InterfaceAddress entry(const char* name, unsigned index, bool loopback, const char* address) {
  return InterfaceAddress{name, index, loopback, make_address(address)};
}

// A Mac with Wi-Fi, a VPN and a bridge that reuses a link-local address.
std::vector<InterfaceAddress> mac() {
  return {
      entry("lo0", 1, true, "127.0.0.1"),       entry("lo0", 1, true, "::1"),
      entry("lo0", 1, true, "fe80::1%1"),       entry("en0", 4, false, "192.0.2.5"),
      entry("en0", 4, false, "2001:db8::5"),    entry("en0", 4, false, "fe80::aa%4"),
      entry("utun3", 9, false, "198.51.100.200"),     entry("bridge100", 12, false, "fe80::aa%12"),
  };
}

struct Dial {
  IpAddress answer;
  int calls = 0;
  std::function<IpAddress(const IpAddress&)> fn() {
    return [this](const IpAddress&) {
      ++calls;
      return answer;
    };
  }
};

TEST(DarwinCaptureInterface, LoopbackTargetsUseTheLoopbackInterfaceWithoutDialing) {
  auto list = mac();
  Dial dial{make_address("192.0.2.5")};
  for (const char* target : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_EQ(choose_capture_interface(make_address(target), list, dial.fn()), "lo0") << target;
  }
  EXPECT_EQ(dial.calls, 0);
}

TEST(DarwinCaptureInterface, ThisHostsOwnAddressGoesThroughLoopback) {
  auto list = mac();
  Dial dial{make_address("192.0.2.5")};
  EXPECT_EQ(choose_capture_interface(make_address("192.0.2.5"), list, dial.fn()), "lo0");
  EXPECT_EQ(choose_capture_interface(make_address("2001:db8::5"), list, dial.fn()), "lo0");
  EXPECT_EQ(dial.calls, 0) << "upstream would dial and pick en0, where these packets never pass";
}

TEST(DarwinCaptureInterface, RemoteTargetsUseTheInterfaceOwningTheDialsSource) {
  auto list = mac();
  Dial vpn{make_address("198.51.100.200")};
  EXPECT_EQ(choose_capture_interface(make_address("198.51.100.1"), list, vpn.fn()), "utun3");
  EXPECT_EQ(vpn.calls, 1);
  Dial wifi6{make_address("2001:db8::5")};
  EXPECT_EQ(choose_capture_interface(make_address("2001:db8:ffff::1"), list, wifi6.fn()), "en0");
  Dial mapped{make_address("::ffff:192.0.2.5")};
  EXPECT_EQ(choose_capture_interface(make_address("198.51.100.1"), list, mapped.fn()), "en0");
}

TEST(DarwinCaptureInterface, ALinkLocalSourceNamesItsInterfaceByScope) {
  auto list = mac();
  Dial bridge{make_address("fe80::aa%12")};
  EXPECT_EQ(choose_capture_interface(make_address("fe80::99%12"), list, bridge.fn()), "bridge100")
      << "the same fe80::aa is on en0 too";
}

TEST(DarwinCaptureInterface, UpstreamsErrors) {
  std::vector<InterfaceAddress> no_loopback = {entry("en0", 4, false, "192.0.2.5")};
  Dial dial{make_address("192.0.2.77")};
  try {
    choose_capture_interface(make_address("127.0.0.1"), no_loopback, dial.fn());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "deviceForTarget couldn't find loopback interface for loopback target");
  }
  try {
    choose_capture_interface(make_address("198.51.100.1"), no_loopback, dial.fn());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "deviceForTarget couldn't find a matching interface");
  }
}

TEST(DarwinCaptureInterface, KameScopeIsUndone) {
  auto kame = make_address_v6("fe80:4::1").to_bytes();
  auto a = ipv6_from_kernel(kame, 0);
  EXPECT_EQ(a, make_address_v6("fe80::1%4"));
  EXPECT_EQ(ipv6_from_kernel(kame, 4), make_address_v6("fe80::1%4"));
  EXPECT_EQ(ipv6_from_kernel(make_address_v6("fe80::1").to_bytes(), 7).scope_id(), 7u);
  auto global = make_address_v6("2001:db8:4::1");
  EXPECT_EQ(ipv6_from_kernel(global.to_bytes(), 0), global) << "only link-local addresses embed a scope";
}

// The same rules on this host's real interfaces (Linux: getifaddrs and the dial are POSIX).
TEST(DarwinCaptureInterface, OnThisHost) {
  auto list = list_interface_addresses();
  const InterfaceAddress* lo = nullptr;
  for (const auto& i : list) {
    if (i.loopback && i.address == make_address("127.0.0.1")) lo = &i;
  }
  ASSERT_NE(lo, nullptr) << "every host has 127.0.0.1 on its loopback interface";
  EXPECT_GT(lo->index, 0u);
  auto dial = [](const IpAddress& t) { return local_endpoint_for(Endpoint{t, 53}).address; };
  EXPECT_EQ(choose_capture_interface(make_address("127.0.0.1"), list, dial), lo->name);
  for (const auto& i : list) {
    if (!i.loopback && i.address.is_v4()) {
      EXPECT_EQ(choose_capture_interface(i.address, list, dial), lo->name) << i.name << " " << i.address;
    }
  }
  // A remote target, where this host has a route for it.
  IpAddress remote = make_address("192.0.2.1");
  try {
    IpAddress source = dial(remote);
    std::string chosen = choose_capture_interface(remote, list, dial);
    bool owns = false;
    for (const auto& i : list) owns = owns || (i.name == chosen && i.address == source);
    EXPECT_TRUE(owns) << chosen << " should own " << source;
  } catch (const Error& e) {
    GTEST_SKIP() << "no route to " << remote << " here: " << e.what();
  }
}

}  // namespace
}  // namespace ddtr::platform::darwin
