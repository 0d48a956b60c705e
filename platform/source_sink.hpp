// The seed's NewSourceSink: each OS implements it in its folder (linux/: a
// raw-socket sink and an AF_PACKET source).
#pragma once

#include <cstdint>

#include <boost/asio/io_context.hpp>

#include "platform/packets.hpp"

namespace ddtr::platform {

// How a run reaches the network where the OS gives a choice. Only Windows has
// one (the ddnpm driver or raw sockets); elsewhere it is ignored, as upstream
// ignores the driver flag.
struct CaptureChoice {
  bool use_windows_driver = false;     // the request's --windows-driver
  std::uint64_t windows_driver_version = 0;  // the daemon's --windows-driver-version; 0: the build's default
};

SourceSinkHandle new_source_sink(boost::asio::io_context& io, const IpAddress& target, const CaptureChoice& choice);

}  // namespace ddtr::platform
