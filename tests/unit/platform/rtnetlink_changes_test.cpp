// Issue 19 item 5: which rtnetlink notifications drop the daemon's caches.
// Messages are built here as the kernel sends them.
#ifdef __linux__
#include "platform/linux/rtnetlink_changes.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>
#include <vector>

namespace ddtr::platform {
namespace {

void add_attr(std::vector<std::uint8_t>& msg, unsigned short type, const void* data, std::size_t size) {
  rtattr attr{};
  attr.rta_len = static_cast<unsigned short>(RTA_LENGTH(size));
  attr.rta_type = type;
  std::size_t at = msg.size();
  msg.resize(at + RTA_SPACE(size));
  std::memcpy(msg.data() + at, &attr, sizeof attr);
  std::memcpy(msg.data() + at + RTA_LENGTH(0), data, size);
}

template <typename Body>
std::vector<std::uint8_t> message(unsigned short type, const Body& body) {
  std::vector<std::uint8_t> msg(NLMSG_LENGTH(sizeof(Body)));
  std::memcpy(msg.data() + NLMSG_HDRLEN, &body, sizeof body);
  msg.resize(NLMSG_SPACE(sizeof(Body)));
  (void)type;
  return msg;
}

void finish(std::vector<std::uint8_t>& msg, unsigned short type) {
  nlmsghdr header{};
  header.nlmsg_len = static_cast<std::uint32_t>(msg.size());
  header.nlmsg_type = type;
  std::memcpy(msg.data(), &header, sizeof header);
}

std::vector<std::uint8_t> address(unsigned short type, int ifindex, const char* v4) {
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_INET;
  ifa.ifa_prefixlen = 24;
  ifa.ifa_index = static_cast<unsigned>(ifindex);
  auto msg = message(type, ifa);
  in_addr a{};
  ::inet_pton(AF_INET, v4, &a);
  add_attr(msg, IFA_ADDRESS, &a, sizeof a);
  add_attr(msg, IFA_LOCAL, &a, sizeof a);
  finish(msg, type);
  return msg;
}

std::vector<std::uint8_t> route(unsigned short type, unsigned char dst_len, unsigned char table, unsigned char kind = RTN_UNICAST) {
  rtmsg rtm{};
  rtm.rtm_family = AF_INET;
  rtm.rtm_dst_len = dst_len;
  rtm.rtm_table = table;
  rtm.rtm_type = kind;
  auto msg = message(type, rtm);
  std::uint32_t full_table = table;
  add_attr(msg, RTA_TABLE, &full_table, sizeof full_table);
  finish(msg, type);
  return msg;
}

std::string feed(RtnetlinkChanges& changes, const std::vector<std::uint8_t>& bytes) { return changes.feed(bytes.data(), bytes.size()); }

TEST(RtnetlinkChanges, NewAddressesCountOnceAndRemovalsAlways) {
  RtnetlinkChanges changes;
  EXPECT_EQ(feed(changes, address(RTM_NEWADDR, 2, "192.0.2.10")), "address added");
  EXPECT_EQ(feed(changes, address(RTM_NEWADDR, 2, "192.0.2.10")), "");  // re-announced (lifetimes refreshed)
  EXPECT_EQ(feed(changes, address(RTM_NEWADDR, 3, "192.0.2.10")), "address added");  // another interface
  EXPECT_EQ(feed(changes, address(RTM_DELADDR, 2, "192.0.2.10")), "address removed");
  EXPECT_EQ(feed(changes, address(RTM_NEWADDR, 2, "192.0.2.10")), "address added");  // back again
}

TEST(RtnetlinkChanges, OnlyDefaultRoutesOfTheMainTable) {
  RtnetlinkChanges changes;
  EXPECT_EQ(feed(changes, route(RTM_NEWROUTE, 0, RT_TABLE_MAIN)), "default route added");
  EXPECT_EQ(feed(changes, route(RTM_DELROUTE, 0, RT_TABLE_MAIN)), "default route removed");
  EXPECT_EQ(feed(changes, route(RTM_NEWROUTE, 24, RT_TABLE_MAIN)), "");  // a subnet
  EXPECT_EQ(feed(changes, route(RTM_NEWROUTE, 0, RT_TABLE_LOCAL)), "");
  EXPECT_EQ(feed(changes, route(RTM_NEWROUTE, 0, RT_TABLE_MAIN, RTN_UNREACHABLE)), "");
}

TEST(RtnetlinkChanges, ABatchSaysEveryKindOnce) {
  RtnetlinkChanges changes;
  auto batch = address(RTM_NEWADDR, 2, "192.0.2.10");
  for (auto& part : {address(RTM_NEWADDR, 2, "192.0.2.11"), route(RTM_NEWROUTE, 0, RT_TABLE_MAIN)}) {
    batch.insert(batch.end(), part.begin(), part.end());
  }
  EXPECT_EQ(feed(changes, batch), "address added, default route added");
}

TEST(RtnetlinkChanges, TruncatedMessagesAreSkipped) {
  RtnetlinkChanges changes;
  auto msg = address(RTM_NEWADDR, 2, "192.0.2.10");
  for (std::size_t cut = 0; cut < msg.size(); ++cut) {
    RtnetlinkChanges fresh;
    std::vector<std::uint8_t> part(msg.begin(), msg.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_EQ(fresh.feed(part.data(), part.size()), "") << cut;
  }
}

}  // namespace
}  // namespace ddtr::platform
#endif
