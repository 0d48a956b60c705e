// A c-ares channel driven by an Asio loop, shared by reverse DNS (one long-lived
// channel) and the target resolver (one channel per lookup, so abandoning a
// lookup closes its sockets at once). c-ares says which sockets it wants to
// read or write (socket state callback), Asio waits on them without owning
// them (platform/foreign_socket.hpp), and a timer drives retransmissions.
// Answers are posted to the loop, never delivered inside c-ares, so a callback
// may destroy the channel; none runs once the channel is gone.
#pragma once

#include <ares.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "shared/common/ip_address.hpp"

namespace ddtr::enrich {

// ares_library_init for as long as someone holds it. c-ares needs it before any
// channel on Windows, and its counter is not thread-safe: an owner takes it once,
// on its constructing thread, and hands it to the channels it makes.
class AresLibrary {
 public:
  static std::shared_ptr<const AresLibrary> acquire();  // throws Error
  ~AresLibrary();
  AresLibrary(const AresLibrary&) = delete;
  AresLibrary& operator=(const AresLibrary&) = delete;

 private:
  AresLibrary() = default;
};

struct AresChannelOptions {
  std::chrono::milliseconds try_timeout{1500};  // the first try's; c-ares doubles it on each later round
  int tries = 2;                                // per server
  std::string servers;  // "" = the system's (/etc/resolv.conf); else "ADDR[:PORT],..." (tests)
};

class AresChannel {
 public:
  // Throws Error if c-ares cannot set the channel up.
  AresChannel(boost::asio::io_context& io, std::shared_ptr<const AresLibrary> library, AresChannelOptions options);
  // Cancels the waits, closes the sockets; pending answers are dropped.
  ~AresChannel();
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;

  // PTR lookup (hosts file, then DNS). `done(status, name, aliases)`: c-ares's
  // h_name and h_aliases as given (empty unless ARES_SUCCESS).
  using HostCallback = std::function<void(int status, std::string name, std::vector<std::string> aliases)>;
  void gethostbyaddr(const IpAddress& ip, HostCallback done);

  // A and AAAA (hosts file, then DNS, as the lookup order says), addresses in
  // c-ares's order (RFC 6724 sorted).
  using AddressesCallback = std::function<void(int status, std::vector<IpAddress> addresses)>;
  void getaddrinfo(const std::string& name, AddressesCallback done);

  // The first server the channel asks, as Go's net.DNSError names it
  // ("127.0.0.53:53", "[2001:db8::1]:53"); "" when it has none.
  std::string first_server() const;

 private:
  struct Watch;
  template <typename Callback>
  struct Request;

  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable);
  void arm(ares_socket_t fd, const std::shared_ptr<Watch>& watch);
  void arm_timer();
  // Runs `answer` on the loop later, unless the channel is gone by then.
  void deliver(std::function<void()> answer);

  std::shared_ptr<const AresLibrary> library_;
  boost::asio::io_context& io_;
  ares_channel channel_ = nullptr;
  boost::asio::steady_timer timer_;
  std::unordered_map<ares_socket_t, std::shared_ptr<Watch>> watches_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool destroying_ = false;
};

}  // namespace ddtr::enrich
