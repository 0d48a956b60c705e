#include "platform/linux/rtnetlink_changes.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

namespace ddtr::platform {
namespace {

// The address an ifaddrmsg names: IFA_LOCAL when present (point-to-point
// links put the peer in IFA_ADDRESS), IFA_ADDRESS otherwise.
std::string address_key(const nlmsghdr* header) {
  const auto* ifa = static_cast<const ifaddrmsg*>(NLMSG_DATA(header));
  int length = static_cast<int>(IFA_PAYLOAD(header));
  std::string address, local;
  for (const rtattr* attr = IFA_RTA(ifa); RTA_OK(attr, length); attr = RTA_NEXT(attr, length)) {
    std::string bytes(static_cast<const char*>(RTA_DATA(attr)), RTA_PAYLOAD(attr));
    if (attr->rta_type == IFA_ADDRESS) address = bytes;
    if (attr->rta_type == IFA_LOCAL) local = bytes;
  }
  return std::to_string(ifa->ifa_index) + "/" + std::to_string(ifa->ifa_family) + "/" +
         std::to_string(ifa->ifa_prefixlen) + "/" + (local.empty() ? address : local);
}

bool is_default_route(const nlmsghdr* header) {
  const auto* rtm = static_cast<const rtmsg*>(NLMSG_DATA(header));
  if (rtm->rtm_dst_len != 0 || rtm->rtm_type != RTN_UNICAST) return false;
  std::uint32_t table = rtm->rtm_table;
  int length = static_cast<int>(RTM_PAYLOAD(header));
  for (const rtattr* attr = RTM_RTA(rtm); RTA_OK(attr, length); attr = RTA_NEXT(attr, length)) {
    if (attr->rta_type == RTA_TABLE && RTA_PAYLOAD(attr) >= sizeof(std::uint32_t)) {
      std::memcpy(&table, RTA_DATA(attr), sizeof table);
    }
  }
  return table == RT_TABLE_MAIN;
}

}  // namespace

std::string RtnetlinkChanges::feed(const std::uint8_t* data, std::size_t size) {
  std::string what;
  // NLMSG_OK/NLMSG_NEXT, spelled out: the macros compare the header's unsigned
  // length with an int, which clang's -Wsign-compare refuses.
  std::size_t offset = 0;
  for (; offset <= size && size - offset >= sizeof(nlmsghdr); offset += NLMSG_ALIGN(
           reinterpret_cast<const nlmsghdr*>(data + offset)->nlmsg_len)) {
    const auto* header = reinterpret_cast<const nlmsghdr*>(data + offset);
    if (header->nlmsg_len < sizeof(nlmsghdr) || header->nlmsg_len > size - offset) break;
    std::string change;
    switch (header->nlmsg_type) {
      case RTM_NEWADDR:
      case RTM_DELADDR: {
        if (header->nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg))) break;
        std::string key = address_key(header);
        if (header->nlmsg_type == RTM_DELADDR) {
          addresses_.erase(key);
          change = "address removed";
        } else if (addresses_.insert(key).second) {
          change = "address added";
        }
        break;
      }
      case RTM_NEWROUTE:
      case RTM_DELROUTE:
        if (header->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg))) break;
        if (is_default_route(header)) change = header->nlmsg_type == RTM_NEWROUTE ? "default route added" : "default route removed";
        break;
      default:
        break;
    }
    if (!change.empty() && what.find(change) == std::string::npos) what += what.empty() ? change : ", " + change;
  }
  return what;
}

}  // namespace ddtr::platform
