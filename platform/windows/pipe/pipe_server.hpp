// The daemon's side of the named pipe: instances created with the explicit
// security descriptor and PIPE_REJECT_REMOTE_CLIENTS, the first one with
// FILE_FLAG_FIRST_PIPE_INSTANCE (another process already holding the name is
// an error, not a shared pipe), one instance always waiting for the next
// client, and every connection handed out with its client's identity.
// Transport only: what is spoken on a stream is the caller's. Windows only.
#pragma once

#include <memory>
#include <string>

#include "platform/windows/pipe/pipe_name.hpp"
#include "platform/windows/pipe/pipe_security.hpp"
#include "platform/windows/pipe/pipe_stream.hpp"

namespace ddtr::platform::windows::pipe {

struct PipeServerOptions {
  std::wstring name = kDefaultPipeName;
  DWORD buffer_size = 64 * 1024;
};

class PipeServer {
 public:
  // Creates the first instance. Throws ddtr::Error ("… is already served by
  // another process" when the name is taken).
  explicit PipeServer(PipeServerOptions options = {});
  PipeServer(const PipeServer&) = delete;
  PipeServer& operator=(const PipeServer&) = delete;

  // Waits for the next client and returns its stream with the client's
  // identity read from the pipe; nullptr once stop() was called. A client
  // whose identity cannot be read is disconnected and the wait goes on.
  std::unique_ptr<PipeStream> accept();
  // Ends accept() in another thread. Thread-safe.
  void stop();

  // The instance waiting for the next client (tests read its security back).
  HANDLE listening_instance() const { return listening_.get(); }

 private:
  UniqueHandle create_instance(bool first);

  PipeServerOptions options_;
  PipeSecurity security_;
  UniqueHandle stop_event_;
  UniqueHandle listening_;
};

}  // namespace ddtr::platform::windows::pipe
