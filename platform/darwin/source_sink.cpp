// macOS only.
#include "platform/source_sink.hpp"

#include "platform/darwin/bpf_source.hpp"
#include "platform/darwin/capture_interface.hpp"
#include "platform/darwin/raw_socket_sink.hpp"
#include "platform/local_address.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {

SourceSinkHandle new_source_sink(boost::asio::io_context& io, const IpAddress& target, const CaptureChoice& /*choice*/) {
  // Sink first, then source, as upstream; if the source throws, the sink is
  // released by its unique_ptr. The error prefixes are upstream's, "SinkLinux"
  // included (its darwin file copies the Linux text).
  SourceSinkHandle handle;
  try {
    handle.sink = std::make_unique<darwin::RawSocketSink>(target.is_v6());
  } catch (const Error& e) {
    throw Error(e.code(), std::string("NewSourceSink failed to make SinkLinux: ") + e.what());
  }
  try {
    auto interfaces = darwin::list_interface_addresses();
    std::string name = darwin::choose_capture_interface(target, interfaces, [](const IpAddress& t) {
      return local_endpoint_for(Endpoint{t, 53}).address;  // upstream dials port 53
    });
    handle.source = std::make_unique<darwin::BpfSource>(io, name);
  } catch (const Error& e) {
    throw Error(e.code(), std::string("NewSourceSink failed to make BpfDevice: ") + e.what());
  }
  handle.must_close_port = false;
  return handle;
}

}  // namespace ddtr::platform
