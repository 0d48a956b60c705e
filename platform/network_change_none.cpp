// Windows, macOS: no notification source yet; the watcher never fires.
#include "platform/network_change.hpp"

namespace ddtr::platform {

std::unique_ptr<NetworkChangeWatcher> watch_network_changes(boost::asio::io_context&,
                                                            std::function<void(const std::string&)>) {
  return std::make_unique<NetworkChangeWatcher>();
}

}  // namespace ddtr::platform
