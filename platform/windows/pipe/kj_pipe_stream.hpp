// A connected pipe instance as a kj::AsyncIoStream on KJ's Win32 event port
// (its IOCP), so Cap'n Proto's two-party RPC runs over the daemon's named
// pipe exactly as it runs over the Unix socket on Linux. Windows only.
#pragma once

#include <kj/async-io.h>
#include <kj/async-win32.h>

#include <memory>

#include "platform/windows/pipe/pipe_stream.hpp"

namespace ddtr::platform::windows::pipe {

// `pipe` must have been opened overlapped (PipeServer's instances and
// connect_pipe's handles are) and is observed by `port` for its whole life.
kj::Own<kj::AsyncIoStream> kj_pipe_stream(kj::Win32EventPort& port, std::unique_ptr<PipeStream> pipe);

}  // namespace ddtr::platform::windows::pipe
