#include "platform/capability_sets.hpp"

#include <array>

namespace ddtr::platform {
namespace {

// <linux/capability.h>, in bit order (kernel 6.x knows 0..40).
constexpr std::array<const char*, 41> kNames = {
    "CAP_CHOWN",          "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",       "CAP_FSETID",
    "CAP_KILL",           "CAP_SETGID",         "CAP_SETUID",          "CAP_SETPCAP",      "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",      "CAP_NET_RAW",      "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",      "CAP_SYS_MODULE",     "CAP_SYS_RAWIO",       "CAP_SYS_CHROOT",   "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",      "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",     "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",           "CAP_LEASE",        "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",  "CAP_SETFCAP",        "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",     "CAP_BLOCK_SUSPEND",  "CAP_AUDIT_READ",      "CAP_PERFMON",      "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE"};

bool has(std::uint64_t mask, int bit) { return (mask >> bit) & 1u; }

}  // namespace

std::string capability_name(int bit) {
  if (bit >= 0 && bit < static_cast<int>(kNames.size())) return kNames[static_cast<std::size_t>(bit)];
  return "CAP_" + std::to_string(bit);
}

std::vector<std::string> capability_names(std::uint64_t mask) {
  std::vector<std::string> names;
  for (int bit = 0; bit < 64; ++bit) {
    if (has(mask, bit)) names.push_back(capability_name(bit));
  }
  return names;
}

bool holds_net_raw_alone(const CapabilitySets& s) {
  return s.effective == kNetRawOnly && s.permitted == kNetRawOnly && s.bounding == kNetRawOnly && s.inheritable == 0 &&
         s.ambient == 0;
}

CapabilityDrop plan_capability_drop(const CapabilitySets& now, int last_cap, bool switching_user) {
  CapabilityDrop drop;
  for (int bit = 0; bit <= last_cap && bit < 64; ++bit) {
    if (bit != kCapNetRaw && has(now.bounding, bit)) drop.bounding_to_drop.push_back(bit);
  }
  drop.set_sets = switching_user || now.effective != kNetRawOnly || now.permitted != kNetRawOnly || now.inheritable != 0;
  drop.clear_ambient = now.ambient != 0;
  return drop;
}

}  // namespace ddtr::platform
