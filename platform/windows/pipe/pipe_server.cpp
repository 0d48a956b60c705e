#include "platform/windows/pipe/pipe_server.hpp"

#include "platform/windows/common/win_error.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::pipe {
namespace {

std::string narrow(const std::wstring& w) { return std::string(w.begin(), w.end()); }

}  // namespace

PipeServer::PipeServer(PipeServerOptions options) : options_(std::move(options)) {
  stop_event_.reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (!stop_event_.valid()) throw_last_error("CreateEvent failed");
  listening_ = create_instance(true);
}

UniqueHandle PipeServer::create_instance(bool first) {
  DWORD open_mode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
  DWORD pipe_mode = PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS;
  UniqueHandle h(::CreateNamedPipeW(options_.name.c_str(), open_mode, pipe_mode, PIPE_UNLIMITED_INSTANCES,
                                    options_.buffer_size, options_.buffer_size, 0, security_.attributes()));
  if (!h.valid()) {
    DWORD error = ::GetLastError();
    if (first && error == ERROR_ACCESS_DENIED) {
      throw Error(ErrorCode::Unknown, "the pipe " + narrow(options_.name) + " is already served by another process");
    }
    throw_win32("failed to create the pipe " + narrow(options_.name), error);
  }
  return h;
}

std::unique_ptr<PipeStream> PipeServer::accept() {
  for (;;) {
    if (::WaitForSingleObject(stop_event_.get(), 0) == WAIT_OBJECT_0) return nullptr;
    UniqueHandle connected_event(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
    if (!connected_event.valid()) throw_last_error("CreateEvent failed");
    OVERLAPPED ol{};
    ol.hEvent = connected_event.get();
    bool connected = false;
    if (::ConnectNamedPipe(listening_.get(), &ol)) {
      connected = true;
    } else {
      DWORD error = ::GetLastError();
      if (error == ERROR_PIPE_CONNECTED) {
        connected = true;  // the client came before the call
      } else if (error != ERROR_IO_PENDING) {
        throw_win32("ConnectNamedPipe failed", error);
      }
    }
    if (!connected) {
      HANDLE waits[] = {connected_event.get(), stop_event_.get()};
      DWORD which = ::WaitForMultipleObjects(2, waits, FALSE, INFINITE);
      if (which != WAIT_OBJECT_0) {
        ::CancelIoEx(listening_.get(), &ol);
        DWORD ignored = 0;
        ::GetOverlappedResult(listening_.get(), &ol, &ignored, TRUE);
        return nullptr;
      }
      DWORD ignored = 0;
      if (!::GetOverlappedResult(listening_.get(), &ol, &ignored, FALSE)) {
        // The client gave up before we saw it: the same instance waits again.
        ::DisconnectNamedPipe(listening_.get());
        continue;
      }
    }
    // The next client must find an instance while this one is busy.
    UniqueHandle instance = std::move(listening_);
    listening_ = create_instance(false);
    try {
      auto who = pipe_client_identity(instance.get());
      return std::make_unique<PipeStream>(std::move(instance), std::move(who));
    } catch (const Error&) {
      // No identity, no service: the policy could not judge this caller.
      ::DisconnectNamedPipe(instance.get());
    }
  }
}

void PipeServer::stop() { ::SetEvent(stop_event_.get()); }

}  // namespace ddtr::platform::windows::pipe
