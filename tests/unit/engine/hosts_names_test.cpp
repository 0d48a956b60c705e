// Reverse DNS from the hosts file as Go answers it (issue 19 item 7): the
// canonical name and every alias, of every matching line, in file order.
#include "daemon/enrich/reversedns/hosts_names.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>

namespace ddtr::enrich {
namespace {

using boost::asio::ip::make_address;
using Names = std::vector<std::string>;

constexpr const char* kHosts =
    "# a comment line\n"
    "192.0.2.7\trouter.example  r1 R1-Alias.Example. # trailing comment\n"
    "198.51.100.9 other.example\n"
    "192.0.2.7 second-line.example\r\n"
    "192.0.2.7\n"  // no name: ignored
    "not-an-address bogus.example\n"
    "2001:db8::7 v6.example v6-alias\n"
    "fe80::1%eth0 linklocal.example\n";

TEST(HostsNames, EveryNameOfEveryMatchingLine) {
  EXPECT_EQ(hosts_names(kHosts, make_address("192.0.2.7")),
            (Names{"router.example.", "r1.", "R1-Alias.Example.", "second-line.example."}));
  EXPECT_EQ(hosts_names(kHosts, make_address("2001:db8::7")), (Names{"v6.example.", "v6-alias."}));
  EXPECT_EQ(hosts_names(kHosts, make_address("fe80::1")), (Names{"linklocal.example."}));
  EXPECT_EQ(hosts_names(kHosts, make_address("203.0.113.1")), Names{});
}

TEST(HostsNames, MissingFileGivesNothing) {
  EXPECT_EQ(hosts_file_names("/nonexistent/hosts", make_address("127.0.0.1")), Names{});
}

}  // namespace
}  // namespace ddtr::enrich
