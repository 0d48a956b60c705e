#include "platform/user_credentials.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>  // getgrouplist on macOS (glibc declares it in <grp.h>)

#include <algorithm>
#include <string>
#include <vector>

namespace ddtr::platform {
namespace {

int group_list(const char* name, gid_t base, std::vector<gid_t>& groups, int& count) {
#if defined(__APPLE__)
  // BSD's historical signature takes ints; gid_t is a 32-bit unsigned there.
  static_assert(sizeof(int) == sizeof(gid_t));
  return ::getgrouplist(name, static_cast<int>(base), reinterpret_cast<int*>(groups.data()), &count);
#else
  return ::getgrouplist(name, base, groups.data(), &count);
#endif
}

}  // namespace

PeerCredentials user_credentials(std::uint32_t uid) {
  PeerCredentials out;
  out.uid = static_cast<uid_t>(uid);
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> scratch(16384);
  if (::getpwuid_r(out.uid, &entry, scratch.data(), scratch.size(), &found) != 0 || found == nullptr) {
    out.user_name = "uid:" + std::to_string(uid);
    return out;
  }
  out.user_name = found->pw_name;
  out.gid = found->pw_gid;
  std::vector<gid_t> groups(64);
  for (int attempt = 0; attempt < 4; ++attempt) {
    int count = static_cast<int>(groups.size());
    if (group_list(found->pw_name, found->pw_gid, groups, count) >= 0) {
      groups.resize(static_cast<std::size_t>(count));
      break;
    }
    groups.resize(static_cast<std::size_t>(count) + 1);  // the count it needs
    if (attempt == 3) groups.clear();
  }
  out.groups.push_back(out.gid);
  for (gid_t gid : groups) {
    if (std::find(out.groups.begin(), out.groups.end(), gid) == out.groups.end()) out.groups.push_back(gid);
  }
  for (gid_t gid : out.groups) {
    group g{};
    group* named = nullptr;
    if (::getgrgid_r(gid, &g, scratch.data(), scratch.size(), &named) == 0 && named != nullptr) {
      out.group_names.emplace_back(named->gr_name);
    }
  }
  return out;
}

}  // namespace ddtr::platform
