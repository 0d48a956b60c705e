#include "platform/source_sink.hpp"

#include "platform/linux/afpacket_source.hpp"
#include "platform/linux/raw_socket_sink.hpp"

namespace ddtr::platform {

SourceSinkHandle new_source_sink(boost::asio::io_context& io, const IpAddress& target, const CaptureChoice& /*choice*/) {
  // Sink first, then source, as upstream; if the source throws, the sink is
  // released by its unique_ptr.
  SourceSinkHandle handle;
  handle.sink = std::make_unique<linux_::RawSocketSink>(target.is_v6());
  handle.source = std::make_unique<linux_::AfPacketSource>(io);
  handle.must_close_port = false;
  return handle;
}

}  // namespace ddtr::platform
