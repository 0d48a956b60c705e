#include "windows-service/caller_identity.hpp"

#include <algorithm>

namespace ddtr::winservice {

policy::Identity policy_identity(const platform::windows::pipe::PipeClientIdentity& client) {
  policy::Identity who;
  who.uid = policy::kNoUid;
  who.gid = policy::kNoUid;
  who.pid = static_cast<std::int32_t>(client.pid);
  who.user_name = client.user_sid;
  who.group_names = client.group_sids;
  who.account = client.user_name == client.user_sid ? std::string() : client.user_name;
  who.os_admin = is_os_admin(client.user_sid, client.group_sids);
  return who;
}

bool is_os_admin(const std::string& user_sid, const std::vector<std::string>& enabled_group_sids) {
  if (user_sid == kLocalSystemSid) return true;
  return std::find(enabled_group_sids.begin(), enabled_group_sids.end(), kAdministratorsSid) != enabled_group_sids.end();
}

}  // namespace ddtr::winservice
