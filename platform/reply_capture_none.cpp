// OSes without a shared reply capture yet (macOS's /dev/bpf source is bound to
// one interface per trace; Windows' driver source keeps its own design): every
// run opens its own SourceSinkHandle, as the seed does.
#include "platform/reply_capture.hpp"

#include "platform/source_sink.hpp"

namespace ddtr::platform {

bool reply_capture_supported() { return false; }

std::unique_ptr<PacketSource> open_reply_capture(boost::asio::io_context& /*io*/) { return nullptr; }

std::unique_ptr<PacketSink> open_shared_sink(bool /*ipv6*/) { return nullptr; }

}  // namespace ddtr::platform
