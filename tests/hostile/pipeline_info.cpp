// pipeline-info SOCKET N HOLD_SECONDS [--no-finish]: one connection; a thread
// writes a bootstrap and N info() calls pipelined on it (each followed by its
// Finish, as a well-behaved client's dropped reply sends, unless --no-finish)
// without reading anything; after HOLD_SECONDS of not reading, it reads every
// reply. Prints how many calls were written while it held (a daemon with flow
// control stops reading long before N), then the replies and errors.
#include <capnp/serialize.h>
#include <kj/io.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "proto/traceroute.capnp.h"
#include "tests/hostile/attacks.hpp"
#include "tests/hostile/raw_rpc.hpp"

namespace ddtr::hostile {

int pipeline_info(const Args& args) {
  if (args.size() < 3) throw std::runtime_error("usage: pipeline-info SOCKET N HOLD_SECONDS [--no-finish]");
  const std::string socket = args[0];
  const std::uint32_t calls = static_cast<std::uint32_t>(std::stoul(args[1]));
  const double hold = std::stod(args[2]);
  const bool finish = !(args.size() > 3 && args[3] == "--no-finish");
  const int fd = connect_unix(socket);
  const std::uint64_t tracer = capnp::typeId<wire::Tracer>();

  std::atomic<std::uint32_t> written{0};
  std::atomic<bool> writer_done{false};
  std::thread writer([&] {
    std::vector<capnp::word> batch;
    append_bootstrap(batch, 0);
    for (std::uint32_t i = 1; i <= calls; ++i) {
      append_call(batch, i, 0, tracer, 1);
      if (finish) append_finish(batch, i);
      if (batch.size() >= 2048 || i == calls) {
        if (!write_all(fd, batch.data(), batch.size() * sizeof(capnp::word))) break;
        batch.clear();
        written = i;
      }
    }
    writer_done = true;
  });

  std::this_thread::sleep_for(std::chrono::duration<double>(hold));
  std::printf("calls written while not reading: %u of %u\n", written.load(), calls);
  std::fflush(stdout);

  // Now read: every Return (the bootstrap's and each call's) or the end.
  std::uint64_t returns = 0, errors = 0;
  std::string first_error, abort;
  try {
    kj::FdInputStream raw(fd);
    kj::BufferedInputStreamWrapper in(raw);
    capnp::ReaderOptions options;
    options.traversalLimitInWords = 1 << 24;
    while (returns < static_cast<std::uint64_t>(calls) + 1) {
      if (!in.tryGetReadBuffer().size()) break;  // EOF
      capnp::InputStreamMessageReader reader(in, options);
      auto message = reader.getRoot<capnp::rpc::Message>();
      if (message.isAbort()) {
        abort = message.getAbort().getReason().cStr();
        break;
      }
      if (!message.isReturn()) continue;
      ++returns;
      if (message.getReturn().isException()) {
        ++errors;
        if (first_error.empty()) first_error = message.getReturn().getException().getReason().cStr();
      }
    }
  } catch (const kj::Exception& e) {
    if (abort.empty()) abort = std::string("(read failed) ") + e.getDescription().cStr();
  }
  ::shutdown(fd, SHUT_RDWR);
  writer.join();
  ::close(fd);
  std::printf("calls written: %u\nreturns: %llu\nerrors: %llu\nfirst error: %s\nabort: %s\n", written.load(),
              static_cast<unsigned long long>(returns), static_cast<unsigned long long>(errors), first_error.c_str(),
              abort.c_str());
  return 0;
}

}  // namespace ddtr::hostile
