// "The host's network changed": an address came or went, or a default route
// did. The daemon's caches of what depends on the network (the public IP,
// reverse DNS names) listen to it so that a laptop moving from one network to
// another stops reporting the old answers. Linux: rtnetlink multicast groups
// on the engine's Asio loop. Elsewhere: a watcher that never fires (the caches
// then expire by age alone, and the public IP is still keyed by the source
// address, see daemon/enrich/publicip).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

namespace ddtr::platform {

class NetworkChangeWatcher {
 public:
  virtual ~NetworkChangeWatcher() = default;
};

// `on_change(what)` runs on the io_context's thread, once per batch of kernel
// notifications that holds a change (`what` says which, for the log). The
// watch stops when the returned object is destroyed. Throws ddtr::Error when
// the watch cannot be set up (the caller logs it and runs without).
std::unique_ptr<NetworkChangeWatcher> watch_network_changes(boost::asio::io_context& io,
                                                            std::function<void(const std::string& what)> on_change);

}  // namespace ddtr::platform
