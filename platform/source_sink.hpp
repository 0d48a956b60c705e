// The seed's NewSourceSink: each OS implements it in its folder (linux/: a
// raw-socket sink and an AF_PACKET source).
#pragma once

#include <boost/asio/io_context.hpp>

#include "platform/packets.hpp"

namespace ddtr::platform {

// `use_driver` exists for Windows and is ignored here, as upstream does.
SourceSinkHandle new_source_sink(boost::asio::io_context& io, const IpAddress& target, bool use_driver);

}  // namespace ddtr::platform
