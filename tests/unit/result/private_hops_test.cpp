// net.IP.IsPrivate and result.RemovePrivateHops.
#include <gtest/gtest.h>

#include "shared/result/normalize.hpp"
#include "tests/unit/result/example_results.hpp"

namespace ddtr {
namespace {

TEST(PrivateIp, Rfc1918AndUniqueLocalOnly) {
  const char* private_ips[] = {"10.0.0.1",    "10.255.255.255", "172.16.0.0",     "172.20.1.1",
                               "172.31.255.255", "192.168.0.0", "192.168.255.255", "fc00::",
                               "fc00::1",     "fd12:3456::1",   "fdff:ffff::1",   "::ffff:10.1.2.3",
                               "::ffff:192.168.1.1"};
  for (const char* ip : private_ips) EXPECT_TRUE(is_private_ip(ip)) << ip;

  const char* public_ips[] = {
      "",          "garbage",       "10.0.0",         "9.255.255.255", "11.0.0.0",   "172.15.255.255",
      "172.32.0.0", "192.167.255.255", "192.169.0.0",  "127.0.0.1",     "169.254.1.1", "100.64.0.1",
      "192.0.2.1", "198.51.100.1",  "203.0.113.5",    "0.0.0.0",       "255.255.255.255", "8.8.8.8",
      "::",        "::1",           "fe80::1",        "2001:db8::1",   "fbff::1",    "fe00::1",
      "::ffff:8.8.8.8", "::10.0.0.1"};  // the last one is IPv4-compatible, not mapped
  for (const char* ip : public_ips) EXPECT_FALSE(is_private_ip(ip)) << ip;
}

TEST(RemovePrivateHops, BlanksPrivateHopsOnly) {
  Results r = test::example_document();
  (*r.runs)[0].hops[0].reverse_dns = {"gw.lan."};
  (*r.runs)[0].hops[0].is_dest = true;
  const Results before = r;
  remove_private_hops(r);

  for (std::size_t i = 0; i < r.runs->size(); ++i) {
    const ddtr::Run& run = (*r.runs)[i];
    const ddtr::Run& old = (*before.runs)[i];
    EXPECT_EQ(run.hops[0], (Hop{1, "", 0, false, {}, false}));  // 10.0.0.1 -> {"ttl":1}
    EXPECT_EQ(run.hops[1], old.hops[1]);
    EXPECT_EQ(run.hops[2], old.hops[2]);
    // ddtr::Run endpoints are kept, private source included.
    EXPECT_EQ(run.source, old.source);
    EXPECT_EQ(run.destination, old.destination);
    EXPECT_EQ(run.run_id, old.run_id);
  }
  EXPECT_EQ(r.hop_count, before.hop_count);  // not recomputed
  EXPECT_EQ(r.e2e_probe, before.e2e_probe);
  EXPECT_EQ(r.test_run_id, before.test_run_id);
}

TEST(RemovePrivateHops, IPv6AndNoRuns) {
  Results r;
  remove_private_hops(r);  // runs == nullopt
  EXPECT_FALSE(r.runs.has_value());
  ddtr::Run run;
  run.hops = {Hop{1, "fd00::1", 0.5, true, {"a."}, false}, Hop{2, "2001:db8::2", 1.5, true, {}, true}};
  r.runs = std::vector<ddtr::Run>{run};
  remove_private_hops(r);
  EXPECT_EQ((*r.runs)[0].hops[0], (Hop{1, "", 0, false, {}, false}));
  EXPECT_EQ((*r.runs)[0].hops[1], run.hops[1]);
}

}  // namespace
}  // namespace ddtr
