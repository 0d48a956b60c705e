#include "platform/user_credentials.hpp"

#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <string>
#include <vector>

namespace ddtr::platform {

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
    if (::getgrouplist(found->pw_name, found->pw_gid, groups.data(), &count) >= 0) {
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
