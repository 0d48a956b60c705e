// Issue 19 item 5: reverse DNS names are kept 1 h, but not across a change of
// the network (forget_all, which the engine calls on a network change). The
// hosts file answers without DNS, so the test needs no network.
#include "daemon/enrich/reversedns/reverse_dns.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ddtr::enrich {
namespace {

class ReverseDnsForget : public ::testing::Test {
 protected:
  void SetUp() override {
    path = std::filesystem::temp_directory_path() / ("ddtr-hosts-" + std::to_string(::getpid()));
    write("192.0.2.7 before.example\n");
  }
  void TearDown() override { std::filesystem::remove(path); }
  void write(const std::string& text) { std::ofstream(path) << text; }
  ReverseDns::Names lookup(ReverseDns& dns) {
    ReverseDns::Names names;
    bool done = false;
    dns.lookup(boost::asio::ip::make_address("192.0.2.7"), [&](ReverseDns::Names n) {
      names = std::move(n);
      done = true;
    });
    io.restart();
    while (!done && io.run_one() > 0) {
    }
    return names;
  }

  boost::asio::io_context io;
  std::filesystem::path path;
};

TEST_F(ReverseDnsForget, CachedNamesGoWhenTheNetworkChanges) {
  ReverseDnsOptions options;
  options.hosts_file = path.string();
  ReverseDns dns(io, options);
  EXPECT_EQ(lookup(dns), ReverseDns::Names{"before.example."});
  write("192.0.2.7 after.example\n");
  EXPECT_EQ(lookup(dns), ReverseDns::Names{"before.example."});  // cached
  EXPECT_EQ(dns.cached(), 1u);
  dns.forget_all();
  EXPECT_EQ(dns.cached(), 0u);
  EXPECT_EQ(lookup(dns), ReverseDns::Names{"after.example."});
}

}  // namespace
}  // namespace ddtr::enrich
