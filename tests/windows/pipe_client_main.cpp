// A second process for the pipe server test: connects to the pipe named on
// its command line, says hello, and exits 0 if the server saw this process's
// own id ("pid=<n> …" comes back), 2 if it could not connect, 1 otherwise.
#include <windows.h>

#include <string>

#include "platform/windows/pipe/pipe_stream.hpp"

int wmain(int argc, wchar_t** argv) {
  if (argc < 2) return 3;
  try {
    auto stream = ddtr::platform::windows::pipe::connect_pipe(argv[1]);
    std::string hello = "hello\n";
    stream->write_all(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(hello.data()), hello.size()));
    std::string reply;
    std::uint8_t buffer[256];
    while (reply.find('\n') == std::string::npos) {
      std::size_t n = stream->read_some(buffer);
      if (n == 0) break;
      reply.append(reinterpret_cast<char*>(buffer), n);
    }
    std::string expected = "pid=" + std::to_string(::GetCurrentProcessId()) + " ";
    return reply.rfind(expected, 0) == 0 ? 0 : 1;
  } catch (const std::exception&) {
    return 2;
  }
}
