#include "daemon/enrich/reversedns/reverse_dns.hpp"

#include <ares.h>
#ifndef _WIN32
#include <arpa/inet.h>
#include <netdb.h>
#endif

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "platform/foreign_socket.hpp"
#include "shared/common/error.hpp"

namespace ddtr::enrich {

// One c-ares channel whose sockets are watched by Asio: c-ares says which
// sockets it wants to read/write (socket state callback), Asio waits on them
// without owning them, and a timer drives c-ares's retransmissions.
class ReverseDns::Channel {
 public:
  explicit Channel(boost::asio::io_context& io) : io_(io), timer_(io) {
    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
      throw Error(ErrorCode::Unknown, "reverse DNS: c-ares library init failed");
    }
    ares_options options{};
    options.sock_state_cb = &Channel::on_socket_state;
    options.sock_state_cb_data = this;
    options.timeout = 1500;  // per try, milliseconds
    options.tries = 2;
    int status = ares_init_options(&channel_, &options, ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
    if (status != ARES_SUCCESS) {
      ares_library_cleanup();
      throw Error(ErrorCode::Unknown, std::string("reverse DNS: resolver setup failed: ") + ares_strerror(status));
    }
  }

  ~Channel() {
    destroying_ = true;
    timer_.cancel();
    ares_destroy(channel_);  // calls pending callbacks with ARES_EDESTRUCTION
    for (auto& [fd, watch] : watches_) watch->close();
    ares_library_cleanup();
  }

  using Callback = std::function<void(Names)>;

  void gethostbyaddr(const IpAddress& ip, Callback callback) {
    auto* heap = new Callback(std::move(callback));  // owned by c-ares until its callback runs
    if (ip.is_v4()) {
      auto bytes = ip.to_v4().to_bytes();
      ares_gethostbyaddr(channel_, bytes.data(), static_cast<int>(bytes.size()), AF_INET, &Channel::on_host, heap);
    } else {
      auto bytes = ip.to_v6().to_bytes();
      ares_gethostbyaddr(channel_, bytes.data(), static_cast<int>(bytes.size()), AF_INET6, &Channel::on_host, heap);
    }
    arm_timer();
  }

 private:
  struct Watch {
    Watch(boost::asio::io_context& io, ares_socket_t fd) : descriptor(io, fd) {}
    void close() {
      closed = true;
      descriptor.release();  // c-ares owns and closes the socket
    }
    platform::ForeignSocketWatch descriptor;
    bool want_read = false, want_write = false, reading = false, writing = false, closed = false;
  };

  static void on_host(void* arg, int status, int /*timeouts*/, hostent* host) {
    std::unique_ptr<Callback> callback(static_cast<Callback*>(arg));
    if (status == ARES_EDESTRUCTION) return;  // the engine is shutting down
    Names names;
    if (status == ARES_SUCCESS && host != nullptr) {
      auto absolute = [](std::string name) { return name.empty() || name.back() == '.' ? name : name + "."; };
      // c-ares 1.18 lists every PTR name, in answer order, among the aliases
      // (h_name repeats one of them); /etc/hosts answers carry h_name only.
      for (char** alias = host->h_aliases; alias != nullptr && *alias != nullptr; ++alias) {
        auto name = absolute(*alias);
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
      if (names.empty() && host->h_name != nullptr) names.push_back(absolute(host->h_name));
    }
    (*callback)(std::move(names));
  }

  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
    auto* self = static_cast<Channel*>(data);
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

  void arm(ares_socket_t fd, const std::shared_ptr<Watch>& watch) {
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

  void arm_timer() {
    timeval tv{};
    if (ares_timeout(channel_, nullptr, &tv) == nullptr) return;  // nothing pending
    timer_.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // retransmissions and timeouts
      arm_timer();
    });
  }

  boost::asio::io_context& io_;
  ares_channel channel_ = nullptr;
  boost::asio::steady_timer timer_;
  std::unordered_map<ares_socket_t, std::shared_ptr<Watch>> watches_;
  bool destroying_ = false;
};

ReverseDns::ReverseDns(boost::asio::io_context& io, ReverseDnsOptions options)
    : io_(io), options_(options), channel_(std::make_unique<Channel>(io)) {}

ReverseDns::~ReverseDns() = default;

void ReverseDns::lookup(const IpAddress& ip, std::function<void(Names)> done) {
  std::string key = ip.to_string();
  auto now = std::chrono::steady_clock::now();
  if (auto it = cache_.find(key); it != cache_.end()) {
    if (it->second.expires > now) {
      boost::asio::post(io_, [names = it->second.names, done = std::move(done)] { done(names); });
      return;
    }
    cache_.erase(it);
  }
  // Whichever comes first, the answer or the deadline, answers the caller.
  struct Pending {
    std::function<void(Names)> done;
    boost::asio::steady_timer deadline;
    bool answered = false;
    Pending(boost::asio::io_context& io, std::function<void(Names)> d) : done(std::move(d)), deadline(io) {}
  };
  auto pending = std::make_shared<Pending>(io_, std::move(done));
  pending->deadline.expires_after(options_.lookup_timeout);
  pending->deadline.async_wait([pending](const boost::system::error_code& ec) {
    if (ec || pending->answered) return;
    pending->answered = true;
    pending->done({});
  });
  channel_->gethostbyaddr(ip, [this, pending, key](Names names) {
    if (!names.empty()) cache_[key] = Cached{names, std::chrono::steady_clock::now() + options_.cache_ttl};
    if (pending->answered) return;
    pending->answered = true;
    pending->deadline.cancel();
    pending->done(std::move(names));
  });
}

}  // namespace ddtr::enrich
