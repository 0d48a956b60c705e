#include "client/daemon_endpoint.hpp"

#include <windows.h>

#include "client/windows/utf16.hpp"
#include "platform/windows/pipe/kj_pipe_stream.hpp"
#include "platform/windows/pipe/pipe_stream.hpp"

namespace ddtr::client {

std::optional<Error> unread_refusal(kj::AsyncIoStream&) { return std::nullopt; }

Error daemon_unavailable(const std::string& endpoint, const std::string& why) {
  return Error(ErrorCode::DaemonUnavailable,
               "cannot reach the traceroute daemon at " + endpoint + ": " + why +
                   " (start it with 'sc start datadog-tracerouted' once installed by 'datadog-tracerouted "
                   "install', or run 'datadog-tracerouted foreground'; use --socket PIPE or DD_TRACEROUTE_SOCKET "
                   "for another pipe)");
}

kj::Own<kj::AsyncIoStream> connect_daemon(kj::AsyncIoContext& io, const std::string& endpoint) {
  if (!windows::is_local_pipe_name(endpoint)) throw daemon_unavailable(endpoint, "not a local pipe name (\\\\.\\pipe\\NAME)");
  std::unique_ptr<platform::windows::pipe::PipeStream> pipe;
  try {
    pipe = platform::windows::pipe::connect_pipe(windows::utf16(endpoint));
  } catch (const Error& e) {
    throw daemon_unavailable(endpoint, e.what());
  }
  return platform::windows::pipe::kj_pipe_stream(io.win32EventPort, std::move(pipe));
}

}  // namespace ddtr::client
