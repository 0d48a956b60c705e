// Who is on the other end of a daemon pipe instance, as Windows says (never
// what the client claims): its process id, and the user and groups of the
// token it connected with. Windows only.
#pragma once

#include <windows.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ddtr::platform::windows::pipe {

struct PipeClientIdentity {
  std::uint32_t pid = 0;               // GetNamedPipeClientProcessId
  std::string user_sid;                // "S-1-5-21-…"
  std::string user_name;               // "DOMAIN\\user" when the SID resolves, else the SID
  std::vector<std::string> group_sids;  // the token's enabled groups (deny-only ones left out)
};

// Reads the identity of the client connected to `pipe` (the server end):
// ImpersonateNamedPipeClient, OpenThreadToken, RevertToSelf, then the token's
// user and groups. The client may connect at identification level: enough to
// read its token, too little to act as it. Throws ddtr::Error.
PipeClientIdentity pipe_client_identity(HANDLE pipe);

// "S-1-…" for a SID; throws ddtr::Error.
std::string sid_string(PSID sid);

}  // namespace ddtr::platform::windows::pipe
