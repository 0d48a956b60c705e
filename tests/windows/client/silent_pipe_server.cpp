// A stand-in daemon for the client's Ctrl-C test: serves the pipe named on its
// command line, reads whatever a client sends and never answers, so a trace
// waits until the client gives up. Prints "connected" and "closed" per client
// (flushed), so the test knows when the client is waiting and that Ctrl-C
// closed the connection. Runs until killed.
#include <cstdint>
#include <cstdio>
#include <string>

#include "platform/windows/pipe/pipe_server.hpp"

int wmain(int argc, wchar_t** argv) {
  if (argc < 2) return 2;
  try {
    ddtr::platform::windows::pipe::PipeServerOptions options;
    options.name = argv[1];
    ddtr::platform::windows::pipe::PipeServer server(options);
    std::puts("listening");
    std::fflush(stdout);
    while (auto stream = server.accept()) {
      std::puts("connected");
      std::fflush(stdout);
      std::uint8_t buffer[4096];
      try {
        while (stream->read_some(buffer) > 0) {
        }
      } catch (const std::exception&) {
        // A broken pipe is the client going away, as a clean close is.
      }
      std::puts("closed");
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "silent_pipe_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
