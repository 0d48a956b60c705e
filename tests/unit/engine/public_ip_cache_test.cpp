// Issue 19 item 5: the public IP is kept per source address and forgotten when
// the network changes; an answer fetched across a change is not kept.
#include "daemon/enrich/publicip/public_ip_cache.hpp"
#include "daemon/enrich/publicip/public_ip.hpp"

#include <gtest/gtest.h>

#include "loopback_http_server.hpp"

namespace ddtr::enrich {
namespace {

using namespace std::chrono_literals;
using Clock = PublicIpCache::Clock;

TEST(PublicIpCache, KeyedBySourceAddress) {
  PublicIpCache cache(7200s);
  auto now = Clock::now();
  cache.store("192.0.2.10", "198.51.100.1", cache.generation(), now);
  EXPECT_EQ(cache.find("192.0.2.10", now), "198.51.100.1");
  EXPECT_EQ(cache.find("192.0.2.11", now), std::nullopt);  // another uplink: another public IP
}

TEST(PublicIpCache, ExpiresAfterItsAge) {
  PublicIpCache cache(7200s);
  auto now = Clock::now();
  cache.store("s", "198.51.100.1", cache.generation(), now);
  EXPECT_EQ(cache.find("s", now + 7199s), "198.51.100.1");
  EXPECT_EQ(cache.find("s", now + 7200s), std::nullopt);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(PublicIpCache, ClearForgetsEverySource) {
  PublicIpCache cache(7200s);
  auto now = Clock::now();
  cache.store("a", "198.51.100.1", cache.generation(), now);
  cache.store("b", "198.51.100.2", cache.generation(), now);
  cache.clear();
  EXPECT_EQ(cache.find("a", now), std::nullopt);
  EXPECT_EQ(cache.find("b", now), std::nullopt);
}

TEST(PublicIpCache, AnAnswerFetchedAcrossAChangeIsNotKept) {
  PublicIpCache cache(7200s);
  auto now = Clock::now();
  auto started = cache.generation();
  cache.clear();  // the network changed while the fetch was under way
  cache.store("a", "198.51.100.1", started, now);
  EXPECT_EQ(cache.find("a", now), std::nullopt);
  cache.store("a", "198.51.100.2", cache.generation(), now);
  EXPECT_EQ(cache.find("a", now), "198.51.100.2");
}

// The fetcher end to end against a loopback checker whose answer changes.
class PublicIpFetcher : public ::testing::Test {
 protected:
  std::optional<std::string> get(PublicIp& fetcher, const std::string& source) {
    std::optional<std::string> got;
    bool done = false;
    fetcher.get(source, [&](std::optional<std::string> ip) {
      got = ip;
      done = true;
    });
    io.restart();
    while (!done && io.run_one() > 0) {
    }
    return got;
  }

  boost::asio::io_context io;
  std::string answer = "198.51.100.1";
  testing::LoopbackHttpServer server{io, [this](const std::string&) {
                                       return testing::LoopbackHttpServer::answer(200, "OK", answer + "\n");
                                     }};
};

TEST_F(PublicIpFetcher, CachedPerSourceUntilTheNetworkChanges) {
  PublicIpOptions options;
  options.urls = {server.url("/ip")};
  options.proxy = {};  // whatever the test's environment says
  PublicIp fetcher(io, options);
  EXPECT_EQ(get(fetcher, "192.0.2.10"), "198.51.100.1");
  answer = "198.51.100.2";
  EXPECT_EQ(get(fetcher, "192.0.2.10"), "198.51.100.1");  // cached
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(get(fetcher, "192.0.2.20"), "198.51.100.2");  // another source: its own fetch
  fetcher.invalidate();
  EXPECT_EQ(get(fetcher, "192.0.2.10"), "198.51.100.2");  // the change dropped the old answer
  EXPECT_EQ(server.requests().size(), 3u);
}

}  // namespace
}  // namespace ddtr::enrich
