// The network-change watch on Linux: an rtnetlink socket in the address and
// route multicast groups, watched by the Asio loop (no thread of its own).
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstring>

#include "platform/linux/rtnetlink_changes.hpp"
#include "platform/network_change.hpp"
#include "platform/posix/unique_fd.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

// Shared with the pending wait's handler (weakly), so a wait that completes
// after the watcher is gone touches nothing.
struct WatchState {
  boost::asio::posix::stream_descriptor socket;
  RtnetlinkChanges changes;
  std::function<void(const std::string&)> on_change;
  WatchState(boost::asio::io_context& io, int fd, std::function<void(const std::string&)> callback)
      : socket(io, fd), on_change(std::move(callback)) {}
};

void wait(const std::shared_ptr<WatchState>& state) {
  state->socket.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                           [weak = std::weak_ptr<WatchState>(state)](const boost::system::error_code& ec) {
                             if (ec) return;  // cancelled: the watcher is gone
                             auto self = weak.lock();
                             if (!self) return;
                             // Drain the socket; one callback for the whole batch.
                             std::string what;
                             std::array<std::uint8_t, 16384> buffer{};
                             for (;;) {
                               ssize_t n = ::recv(self->socket.native_handle(), buffer.data(), buffer.size(), MSG_DONTWAIT);
                               if (n < 0 && errno == EINTR) continue;
                               if (n < 0 && errno == ENOBUFS) {
                                 what = "notifications lost";  // the kernel dropped some: assume a change
                                 continue;
                               }
                               if (n <= 0) break;
                               std::string found = self->changes.feed(buffer.data(), static_cast<std::size_t>(n));
                               if (!found.empty() && what.find(found) == std::string::npos) {
                                 what += what.empty() ? found : ", " + found;
                               }
                             }
                             if (!what.empty() && self->on_change) self->on_change(what);
                             wait(self);
                           });
}

class RtnetlinkWatcher final : public NetworkChangeWatcher {
 public:
  explicit RtnetlinkWatcher(std::shared_ptr<WatchState> state) : state_(std::move(state)) { wait(state_); }
  ~RtnetlinkWatcher() override {
    boost::system::error_code ignored;
    state_->socket.close(ignored);  // the fd's one owner: the descriptor
  }

 private:
  std::shared_ptr<WatchState> state_;
};

}  // namespace

std::unique_ptr<NetworkChangeWatcher> watch_network_changes(boost::asio::io_context& io,
                                                            std::function<void(const std::string&)> on_change) {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE));
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
  if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    int error = errno;
    throw Error(error_code_from_errno(error), std::string("rtnetlink: ") + std::strerror(error));
  }
  auto state = std::make_shared<WatchState>(io, fd.get(), std::move(on_change));
  fd.release();
  return std::make_unique<RtnetlinkWatcher>(std::move(state));
}

}  // namespace ddtr::platform
