#include "windows-service/caller_identity.hpp"

namespace ddtr::winservice {

policy::Identity policy_identity(const platform::windows::pipe::PipeClientIdentity& client) {
  policy::Identity who;
  who.uid = policy::kNoUid;
  who.gid = policy::kNoUid;
  who.pid = static_cast<std::int32_t>(client.pid);
  who.user_name = client.user_sid;
  who.group_names = client.group_sids;
  return who;
}

}  // namespace ddtr::winservice
