// The daemon-wide packet IO the engine's demux shares between every trace: one
// capture of every reply any probe method could get (ICMP/ICMPv6 and TCP
// SYN-ACK/RST), and one raw sink per family. An OS without such a capture
// returns nullptr, and the engine opens a SourceSinkHandle per run instead.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "platform/packets.hpp"

namespace ddtr::platform {

// Whether this OS has the shared capture (known without opening anything).
bool reply_capture_supported();

// The source comes with its filter installed; set_packet_filter is not for it.
// nullptr when this OS has none. Throws Error when it has one and opening fails.
std::unique_ptr<PacketSource> open_reply_capture(boost::asio::io_context& io);

// A sink for complete IP packets of one family. Throws Error.
std::unique_ptr<PacketSink> open_shared_sink(bool ipv6);

}  // namespace ddtr::platform
