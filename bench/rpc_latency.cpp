// RPC overhead of the daemon: N `info` calls and N trace calls the daemon
// refuses at once (timeout 0 fails its request validation, before policy,
// admission or the engine), one after the other over one connection, each
// timed from send to answer. Prints the median, p99 and max per call as JSON.
//   rpc_latency SOCKET [N]        (run as an unprivileged user; N default 2000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <kj/async-io.h>

#include "client/rpc_client.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// A refused trace never reports a hop.
class NoHops final : public ddtr::wire::HopListener::Server {
 public:
  kj::Promise<void> onHop(OnHopContext) override { return kj::READY_NOW; }
};

struct Summary {
  double median_us, p99_us, max_us;
};

Summary summarize(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&us](double q) { return us[std::min(us.size() - 1, static_cast<std::size_t>(q * us.size()))]; };
  return {at(0.5), at(0.99), us.back()};
}

double elapsed_us(Clock::time_point since) {
  return std::chrono::duration<double, std::micro>(Clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: rpc_latency SOCKET [N]\n");
    return 2;
  }
  int n = argc > 2 ? std::atoi(argv[2]) : 2000;
  if (n < 1) n = 1;
  try {
    auto io = kj::setupAsyncIo();
    ddtr::client::DaemonConnection daemon(io, argv[1]);
    // The first calls pay for the connection's bootstrap and the daemon's
    // first allocations: not the steady overhead this measures.
    for (int i = 0; i < 20; ++i) daemon.daemon_status();
    std::vector<double> info, refused;
    info.reserve(n);
    refused.reserve(n);
    int unexpected = 0;
    for (int i = 0; i < n; ++i) {
      auto t0 = Clock::now();
      daemon.daemon_status();
      info.push_back(elapsed_us(t0));
    }
    ddtr::TraceParams params;
    params.hostname = "203.0.113.1";
    params.timeout_ms = 0;
    for (int i = 0; i < n; ++i) {
      auto t0 = Clock::now();
      auto outcome = daemon.trace(params, kj::heap<NoHops>()).wait(io.waitScope);
      refused.push_back(elapsed_us(t0));
      auto* error = std::get_if<ddtr::Error>(&outcome);
      if (error == nullptr || error->code() != ddtr::ErrorCode::InvalidRequest) ++unexpected;
    }
    auto a = summarize(info), b = summarize(refused);
    std::printf("{\"calls\": %d, \"info_us\": {\"median\": %.1f, \"p99\": %.1f, \"max\": %.1f}, "
                "\"refused_trace_us\": {\"median\": %.1f, \"p99\": %.1f, \"max\": %.1f}, \"unexpected\": %d}\n",
                n, a.median_us, a.p99_us, a.max_us, b.median_us, b.p99_us, b.max_us, unexpected);
    return unexpected == 0 ? 0 : 1;
  } catch (const ddtr::Error& e) {
    std::fprintf(stderr, "rpc_latency: %s\n", e.what());
    return 1;
  } catch (const kj::Exception& e) {
    std::fprintf(stderr, "rpc_latency: %s\n", e.getDescription().cStr());
    return 1;
  }
}
