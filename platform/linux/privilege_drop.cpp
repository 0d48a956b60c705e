// prctl(2) and capset(2) directly, as capabilities.cpp does with capget: the
// daemon needs five calls of libcap's hundreds, and no dependency is smaller.
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <vector>

#include "platform/capability_sets.hpp"
#include "platform/posix/unique_fd.hpp"
#include "platform/privilege.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

void read_sets(CapabilitySets& sets) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) throw_errno("capget", errno);
  auto join = [](std::uint32_t low, std::uint32_t high) { return std::uint64_t{low} | (std::uint64_t{high} << 32); };
  sets.effective = join(data[0].effective, data[1].effective);
  sets.permitted = join(data[0].permitted, data[1].permitted);
  sets.inheritable = join(data[0].inheritable, data[1].inheritable);
}

// The highest capability this kernel knows: PR_CAPBSET_READ says EINVAL past it.
int last_capability() {
  int last = -1;
  for (int cap = 0; cap < 64 && ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; ++cap) last = cap;
  return last;
}

CapabilitySets read_all_sets(int last_cap) {
  CapabilitySets sets;
  read_sets(sets);
  for (int cap = 0; cap <= last_cap; ++cap) {
    if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1) sets.bounding |= std::uint64_t{1} << cap;
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) == 1) sets.ambient |= std::uint64_t{1} << cap;
  }
  return sets;
}

void set_net_raw_alone() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  data[CAP_TO_INDEX(CAP_NET_RAW)].effective = CAP_TO_MASK(CAP_NET_RAW);
  data[CAP_TO_INDEX(CAP_NET_RAW)].permitted = CAP_TO_MASK(CAP_NET_RAW);
  if (::syscall(SYS_capset, &header, data) != 0) throw_errno("capset (CAP_NET_RAW alone)", errno);
}

// Capabilities belong to threads: one that started before the drop would keep
// them all. Without /proc the count is unknown and the check is skipped.
void require_one_thread() {
  DIR* tasks = ::opendir("/proc/self/task");
  if (tasks == nullptr) return;
  int threads = 0;
  while (const dirent* entry = ::readdir(tasks)) {
    if (entry->d_name[0] != '.') ++threads;
  }
  ::closedir(tasks);
  if (threads > 1) {
    throw Error(ErrorCode::Unknown, "privileges must be dropped before any thread starts (" + std::to_string(threads) +
                                        " threads run)");
  }
}

std::string name_of(uid_t uid) {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> scratch(16384);
  if (::getpwuid_r(uid, &entry, scratch.data(), scratch.size(), &found) == 0 && found != nullptr) return found->pw_name;
  return std::to_string(uid);
}

void switch_user(const Account& account) {
  // Without KEEPCAPS the change of uid would empty the permitted set too.
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) throw_errno("prctl(PR_SET_KEEPCAPS)", errno);
  // Its groups, so a socket or log directory restricted to one of them still works.
  if (::initgroups(account.name.c_str(), account.gid) != 0) throw_errno("initgroups(" + account.name + ")", errno);
  if (::setresgid(account.gid, account.gid, account.gid) != 0) {
    throw_errno("setresgid(" + std::to_string(account.gid) + ")", errno);
  }
  if (::setresuid(account.uid, account.uid, account.uid) != 0) {
    throw_errno("setresuid(" + std::to_string(account.uid) + ")", errno);
  }
  if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) throw_errno("prctl(PR_SET_KEEPCAPS, 0)", errno);
}

}  // namespace

std::optional<Account> find_account(const std::string& name) {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> scratch(16384);
  if (name.empty() || ::getpwnam_r(name.c_str(), &entry, scratch.data(), scratch.size(), &found) != 0 ||
      found == nullptr) {
    return std::nullopt;
  }
  return Account{found->pw_name, found->pw_uid, found->pw_gid};
}

ProcessPrivilege current_privilege() {
  ProcessPrivilege now;
  uid_t real = 0, effective = 0, saved = 0;
  ::getresuid(&real, &effective, &saved);
  now.uid = effective;
  now.user = name_of(effective);
  now.all_root = real == 0 && effective == 0 && saved == 0;
  CapabilitySets sets;
  try {
    read_sets(sets);
  } catch (const Error&) {
    // Unknown sets read as none: `doctor` then says CAP_NET_RAW is missing.
  }
  now.effective_capabilities = capability_names(sets.effective);
  return now;
}

bool privilege_drop_supported() { return true; }

ProcessPrivilege drop_privileges(const Account& account) {
  require_one_thread();
  const int last_cap = last_capability();
  const bool switching = account.uid != 0;
  CapabilityDrop plan = plan_capability_drop(read_all_sets(last_cap), last_cap, switching);
  for (int cap : plan.bounding_to_drop) {
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      throw_errno("prctl(PR_CAPBSET_DROP, " + capability_name(cap) + ")", errno);
    }
  }
  if (switching) switch_user(account);
  if (plan.set_sets) set_net_raw_alone();
  // Kernels before 4.3 have no ambient set (EINVAL): nothing to clear there.
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    throw_errno("prctl(PR_CAP_AMBIENT_CLEAR_ALL)", errno);
  }
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) throw_errno("prctl(PR_SET_NO_NEW_PRIVS)", errno);

  // Trust the result, not the steps.
  uid_t real = 0, effective = 0, saved = 0;
  ::getresuid(&real, &effective, &saved);
  CapabilitySets after = read_all_sets(last_cap);
  if (real != account.uid || effective != account.uid || saved != account.uid || !holds_net_raw_alone(after)) {
    std::string held;
    for (const auto& name : capability_names(after.permitted | after.bounding | after.ambient)) {
      held += (held.empty() ? "" : ",") + name;
    }
    throw Error(ErrorCode::Unknown, "the privilege drop did not take: uid " + std::to_string(effective) +
                                        ", capabilities " + (held.empty() ? "none" : held));
  }
  return current_privilege();
}

void create_directory_for(const std::string& dir, unsigned mode, const Account& owner) {
  std::error_code ec;
  if (dir.empty() || std::filesystem::exists(dir, ec)) return;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(ErrorCode::Unknown, "cannot create " + dir + ": " + ec.message());
  // Through a descriptor of the directory just made, never a path that could be swapped.
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) throw_errno("cannot open " + dir, errno);
  if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) throw_errno("cannot chmod " + dir, errno);
  if (owner.uid != 0 && ::fchown(fd.get(), owner.uid, owner.gid) != 0) throw_errno("cannot chown " + dir, errno);
}

}  // namespace ddtr::platform
