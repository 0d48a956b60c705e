// hold-connections SOCKET N SECONDS: opens N connections, sends nothing, and
// holds them for SECONDS or until the daemon has closed them all. Prints how
// many the daemon closed, how soon (the slowest), and the reason the first
// refused one was given (the Abort the daemon writes before closing).
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tests/hostile/attacks.hpp"
#include "tests/hostile/raw_rpc.hpp"

namespace ddtr::hostile {

int hold_connections(const Args& args) {
  if (args.size() < 3) throw std::runtime_error("usage: hold-connections SOCKET N SECONDS");
  const int count = std::stoi(args[1]);
  const auto hold = std::chrono::duration<double>(std::stod(args[2]));
  using Clock = std::chrono::steady_clock;
  struct Held {
    int fd;
    Clock::time_point opened;
    std::vector<unsigned char> received;
  };
  std::vector<Held> held;
  for (int i = 0; i < count; ++i) held.push_back({connect_unix(args[0]), Clock::now(), {}});
  std::printf("holding %d\n", count);
  std::fflush(stdout);

  const auto deadline = Clock::now() + hold;
  std::map<int, Held*> open;
  for (auto& h : held) open[h.fd] = &h;
  int closed = 0;
  double slowest_ms = 0;
  std::string reason;
  while (!open.empty() && Clock::now() < deadline) {
    std::vector<pollfd> fds;
    for (auto& [fd, h] : open) fds.push_back({fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
    for (auto& p : fds) {
      if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Held* h = open[p.fd];
      unsigned char buffer[4096];
      ssize_t n = ::recv(p.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        h->received.insert(h->received.end(), buffer, buffer + n);
        continue;
      }
      ++closed;
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - h->opened).count();
      if (ms > slowest_ms) slowest_ms = ms;
      if (reason.empty()) reason = abort_reason(h->received);
      open.erase(p.fd);
    }
  }
  std::printf("closed by the daemon: %d\nslowest close ms: %.0f\nreason: %s\n", closed, slowest_ms, reason.c_str());
  for (auto& h : held) ::close(h.fd);
  return 0;
}

}  // namespace ddtr::hostile
