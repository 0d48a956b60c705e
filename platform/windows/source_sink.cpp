// The seed's NewSourceSink on Windows: the ddnpm driver when the request asks
// for it (--windows-driver / windows-driver=true), the raw socket otherwise.
#include "platform/source_sink.hpp"

#include "platform/windows/driver/data_device.hpp"
#include "platform/windows/driver/driver_sink.hpp"
#include "platform/windows/driver/driver_source.hpp"
#include "platform/windows/rawsocket/raw_conn.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

Error prefixed(const char* prefix, const Error& e) { return Error(e.code(), std::string(prefix) + e.what()); }

}  // namespace

SourceSinkHandle new_source_sink(boost::asio::io_context& io, const IpAddress& target, const CaptureChoice& choice) {
  SourceSinkHandle handle;
  if (choice.use_windows_driver) {
    // The daemon started ddnpm (DriverStarter) if it was asked to; opening
    // a handle is all a request does, as upstream's HTTP path.
    auto device = windows::driver::ddnpm_data_device(choice.windows_driver_version != 0
                                                         ? choice.windows_driver_version
                                                         : windows::driver::kDefaultDriverVersion);
    // The source opens nothing until its first filter (upstream: the same).
    handle.source = std::make_unique<windows::driver::DriverSource>(io, device);
    try {
      handle.sink = std::make_unique<windows::driver::DriverSink>(*device);
    } catch (const Error& e) {
      throw prefixed("NewSourceSink failed to create sink driver: ", e);
    }
    handle.must_close_port = false;
    return handle;
  }
  std::shared_ptr<windows::rawsocket::RawConn> conn;
  try {
    conn = std::make_shared<windows::rawsocket::RawConn>(io, target);
  } catch (const Error& e) {
    throw prefixed("NewSourceSink failed to init rawConn: ", e);
  }
  handle.source = std::make_unique<windows::rawsocket::RawSource>(conn);
  handle.sink = std::make_unique<windows::rawsocket::RawSink>(conn);
  handle.must_close_port = true;
  return handle;
}

}  // namespace ddtr::platform
