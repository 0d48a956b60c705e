#include "daemon/enrich/dns/ares_channel.hpp"

#ifndef _WIN32
#include <netinet/in.h>
#endif

#include <array>
#include <cstring>

#include <boost/asio/post.hpp>

#include "platform/foreign_socket.hpp"
#include "shared/common/error.hpp"

namespace ddtr::enrich {

std::shared_ptr<const AresLibrary> AresLibrary::acquire() {
  if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
    throw Error(ErrorCode::Unknown, "DNS resolver: c-ares library init failed");
  }
  return std::shared_ptr<const AresLibrary>(new AresLibrary());
}

AresLibrary::~AresLibrary() { ares_library_cleanup(); }

struct AresChannel::Watch {
  Watch(boost::asio::io_context& io, ares_socket_t fd) : descriptor(io, fd) {}
  void close() {
    closed = true;
    descriptor.release();  // c-ares owns and closes the socket
  }
  platform::ForeignSocketWatch descriptor;
  bool want_read = false, want_write = false, reading = false, writing = false, closed = false;
};

// What c-ares holds for one query until its callback: the channel and the answer.
template <typename Callback>
struct AresChannel::Request {
  AresChannel* channel;
  Callback done;
};

AresChannel::AresChannel(boost::asio::io_context& io, std::shared_ptr<const AresLibrary> library,
                         AresChannelOptions options)
    : library_(std::move(library)), io_(io), timer_(io) {
  ares_options ares{};
  ares.sock_state_cb = &AresChannel::on_socket_state;
  ares.sock_state_cb_data = this;
  ares.timeout = static_cast<int>(options.try_timeout.count());
  ares.tries = options.tries;
  int status = ares_init_options(&channel_, &ares, ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  if (status != ARES_SUCCESS) {
    throw Error(ErrorCode::Unknown, std::string("DNS resolver setup failed: ") + ares_strerror(status));
  }
  if (!options.servers.empty()) {
    status = ares_set_servers_ports_csv(channel_, options.servers.c_str());
    if (status != ARES_SUCCESS) {
      ares_destroy(channel_);
      throw Error(ErrorCode::Unknown, std::string("DNS resolver servers \"") + options.servers +
                                          "\": " + ares_strerror(status));
    }
  }
}

std::string AresChannel::first_server() const {
  ares_addr_port_node* servers = nullptr;
  if (ares_get_servers_ports(channel_, &servers) != ARES_SUCCESS || servers == nullptr) return {};
  std::string out;
  const int port = servers->udp_port != 0 ? servers->udp_port : 53;
  if (servers->family == AF_INET) {
    boost::asio::ip::address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), &servers->addr.addr4, bytes.size());
    out = boost::asio::ip::address_v4(bytes).to_string() + ":" + std::to_string(port);
  } else if (servers->family == AF_INET6) {
    boost::asio::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), &servers->addr.addr6, bytes.size());
    out = "[" + boost::asio::ip::address_v6(bytes).to_string() + "]:" + std::to_string(port);
  }
  ares_free_data(servers);
  return out;
}

AresChannel::~AresChannel() {
  destroying_ = true;
  *alive_ = false;
  timer_.cancel();
  // Asio lets go of the sockets while they are still open; then c-ares closes
  // them and ends its queries (ARES_EDESTRUCTION, ignored below).
  for (auto& [fd, watch] : watches_) watch->close();
  watches_.clear();
  ares_destroy(channel_);
}

void AresChannel::deliver(std::function<void()> answer) {
  boost::asio::post(io_, [alive = alive_, answer = std::move(answer)] {
    if (*alive) answer();
  });
}

void AresChannel::gethostbyaddr(const IpAddress& ip, HostCallback done) {
  // Owned by c-ares until its callback runs (which it always does, at the
  // latest from ares_destroy).
  auto* request = new Request<HostCallback>{this, std::move(done)};
  auto on_host = [](void* arg, int status, int /*timeouts*/, hostent* host) {
    std::unique_ptr<Request<HostCallback>> request(static_cast<Request<HostCallback>*>(arg));
    if (status == ARES_EDESTRUCTION || request->channel->destroying_) return;
    std::string name;
    std::vector<std::string> aliases;
    if (status == ARES_SUCCESS && host != nullptr) {
      if (host->h_name != nullptr) name = host->h_name;
      for (char** alias = host->h_aliases; alias != nullptr && *alias != nullptr; ++alias) aliases.emplace_back(*alias);
    }
    request->channel->deliver([done = std::move(request->done), status, name = std::move(name),
                               aliases = std::move(aliases)]() mutable { done(status, std::move(name), std::move(aliases)); });
  };
  if (ip.is_v4()) {
    auto bytes = ip.to_v4().to_bytes();
    ares_gethostbyaddr(channel_, bytes.data(), static_cast<int>(bytes.size()), AF_INET, on_host, request);
  } else {
    auto bytes = ip.to_v6().to_bytes();
    ares_gethostbyaddr(channel_, bytes.data(), static_cast<int>(bytes.size()), AF_INET6, on_host, request);
  }
  arm_timer();
}

void AresChannel::getaddrinfo(const std::string& name, AddressesCallback done) {
  auto* request = new Request<AddressesCallback>{this, std::move(done)};
  auto on_addrinfo = [](void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
    std::unique_ptr<Request<AddressesCallback>> request(static_cast<Request<AddressesCallback>*>(arg));
    std::vector<IpAddress> addresses;
    if (result != nullptr) {
      for (const ares_addrinfo_node* node = result->nodes; node != nullptr; node = node->ai_next) {
        if (node->ai_family == AF_INET && node->ai_addr != nullptr) {
          std::array<unsigned char, 4> bytes{};
          std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in*>(node->ai_addr)->sin_addr, bytes.size());
          addresses.emplace_back(boost::asio::ip::address_v4(bytes));
        } else if (node->ai_family == AF_INET6 && node->ai_addr != nullptr) {
          const auto* in6 = reinterpret_cast<const sockaddr_in6*>(node->ai_addr);
          std::array<unsigned char, 16> bytes{};
          std::memcpy(bytes.data(), &in6->sin6_addr, bytes.size());
          addresses.emplace_back(boost::asio::ip::address_v6(bytes, in6->sin6_scope_id));
        }
      }
      ares_freeaddrinfo(result);
    }
    // ares_destroy may still end a half-answered lookup with ARES_SUCCESS.
    if (status == ARES_EDESTRUCTION || request->channel->destroying_) return;
    request->channel->deliver([done = std::move(request->done), status, addresses = std::move(addresses)]() mutable {
      done(status, std::move(addresses));
    });
  };
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  ares_getaddrinfo(channel_, name.c_str(), nullptr, &hints, on_addrinfo, request);
  arm_timer();
}

void AresChannel::on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<AresChannel*>(data);
  if (self->destroying_) return;
  auto it = self->watches_.find(fd);
  if (!readable && !writable) {
    if (it != self->watches_.end()) {
      it->second->close();
      self->watches_.erase(it);
    }
    return;
  }
  if (it == self->watches_.end()) it = self->watches_.emplace(fd, std::make_shared<Watch>(self->io_, fd)).first;
  it->second->want_read = readable != 0;
  it->second->want_write = writable != 0;
  self->arm(fd, it->second);
}

void AresChannel::arm(ares_socket_t fd, const std::shared_ptr<Watch>& watch) {
  // A closed watch means the channel (or c-ares's socket) is gone: `this` is
  // not touched then.
  if (watch->want_read && !watch->reading) {
    watch->reading = true;
    watch->descriptor.async_wait_read([this, fd, watch](const boost::system::error_code& ec) {
      watch->reading = false;
      if (ec || watch->closed) return;
      ares_process_fd(channel_, fd, ARES_SOCKET_BAD);
      if (!watch->closed) arm(fd, watch);
      arm_timer();
    });
  }
  if (watch->want_write && !watch->writing) {
    watch->writing = true;
    watch->descriptor.async_wait_write([this, fd, watch](const boost::system::error_code& ec) {
      watch->writing = false;
      if (ec || watch->closed) return;
      ares_process_fd(channel_, ARES_SOCKET_BAD, fd);
      if (!watch->closed) arm(fd, watch);
      arm_timer();
    });
  }
}

void AresChannel::arm_timer() {
  timeval tv{};
  if (ares_timeout(channel_, nullptr, &tv) == nullptr) return;  // nothing pending
  timer_.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
  // The alive flag, not the cancel, guards `this`: a wait already completed
  // when the channel goes still runs.
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // retransmissions and timeouts
    arm_timer();
  });
}

}  // namespace ddtr::enrich
