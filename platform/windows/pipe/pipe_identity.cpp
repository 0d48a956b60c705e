#include "platform/windows/pipe/pipe_identity.hpp"

#include <sddl.h>

#include "platform/windows/common/unique_handle.hpp"
#include "platform/windows/common/utf16.hpp"
#include "platform/windows/common/win_error.hpp"

namespace ddtr::platform::windows::pipe {
namespace {

std::vector<std::uint8_t> token_information(HANDLE token, TOKEN_INFORMATION_CLASS what) {
  DWORD needed = 0;
  ::GetTokenInformation(token, what, nullptr, 0, &needed);
  std::vector<std::uint8_t> buffer(needed);
  if (needed == 0 || !::GetTokenInformation(token, what, buffer.data(), needed, &needed)) {
    throw_last_error("failed to read the pipe client's token");
  }
  return buffer;
}

std::string account_name(PSID sid) {
  wchar_t name[256], domain[256];
  DWORD name_length = 256, domain_length = 256;
  SID_NAME_USE use;
  if (!::LookupAccountSidW(nullptr, sid, name, &name_length, domain, &domain_length, &use)) return {};
  std::string user = utf8(name);
  std::string where = utf8(domain);
  return where.empty() ? user : where + "\\" + user;
}

// The client's token, read while impersonating it; the impersonation ends
// before this returns, whatever happens.
UniqueHandle client_token(HANDLE pipe) {
  if (!::ImpersonateNamedPipeClient(pipe)) throw_last_error("failed to impersonate the pipe client");
  HANDLE token = nullptr;
  BOOL ok = ::OpenThreadToken(::GetCurrentThread(), TOKEN_QUERY, TRUE, &token);
  DWORD error = ok ? 0 : ::GetLastError();
  ::RevertToSelf();
  if (!ok) throw_win32("failed to open the pipe client's token", error);
  return UniqueHandle(token);
}

}  // namespace

std::string sid_string(PSID sid) {
  wchar_t* text = nullptr;
  if (!::ConvertSidToStringSidW(sid, &text)) throw_last_error("failed to format a SID");
  std::string out = utf8(text);
  ::LocalFree(text);
  return out;
}

PipeClientIdentity pipe_client_identity(HANDLE pipe) {
  PipeClientIdentity who;
  ULONG pid = 0;
  if (!::GetNamedPipeClientProcessId(pipe, &pid)) throw_last_error("failed to get the pipe client's process id");
  who.pid = pid;
  UniqueHandle token = client_token(pipe);
  auto user = token_information(token.get(), TokenUser);
  PSID user_sid = reinterpret_cast<TOKEN_USER*>(user.data())->User.Sid;
  who.user_sid = sid_string(user_sid);
  who.user_name = account_name(user_sid);
  if (who.user_name.empty()) who.user_name = who.user_sid;
  auto groups = token_information(token.get(), TokenGroups);
  auto* list = reinterpret_cast<TOKEN_GROUPS*>(groups.data());
  for (DWORD i = 0; i < list->GroupCount; ++i) {
    const auto& g = list->Groups[i];
    // A deny-only group (a filtered admin token's Administrators) grants nothing.
    if ((g.Attributes & SE_GROUP_ENABLED) == 0 || (g.Attributes & SE_GROUP_USE_FOR_DENY_ONLY) != 0) continue;
    who.group_sids.push_back(sid_string(g.Sid));
  }
  return who;
}

}  // namespace ddtr::platform::windows::pipe
