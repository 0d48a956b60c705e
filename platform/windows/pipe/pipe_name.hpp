// The daemon's named pipe: the Windows counterpart of the Unix socket.
#pragma once

namespace ddtr::platform::windows::pipe {

inline constexpr const wchar_t* kDefaultPipeName = L"\\\\.\\pipe\\datadog-traceroute";

}  // namespace ddtr::platform::windows::pipe
