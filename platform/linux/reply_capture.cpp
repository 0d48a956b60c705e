#include "platform/reply_capture.hpp"

#include "platform/linux/afpacket_source.hpp"
#include "platform/linux/cbpf_filters.hpp"
#include "platform/linux/raw_socket_sink.hpp"

namespace ddtr::platform {
namespace {

// Room for a burst from a thousand traces at once (a reply's skb costs ~1 KiB
// of queue): the engine drains the socket between other work, and a reply
// dropped here is a hop reported lost.
constexpr int kCaptureQueueBytes = 8 << 20;
// Replies are ICMP errors quoting a probe's headers, echo replies, SYN-ACKs
// and RSTs: far below 1500 bytes, the engine's read size.
constexpr std::size_t kBatchPackets = 32;
constexpr std::size_t kBatchSnapBytes = 1500;

}  // namespace

bool reply_capture_supported() { return true; }

std::unique_ptr<PacketSource> open_reply_capture(boost::asio::io_context& io) {
  // SOCK_DGRAM AF_PACKET sees both families, so one socket serves both.
  auto source = std::make_unique<linux_::AfPacketSource>(io);
  source->set_receive_buffer(kCaptureQueueBytes);
  source->enable_batching(kBatchPackets, kBatchSnapBytes);
  source->install_program(linux_::build_reply_capture_program());
  return source;
}

std::unique_ptr<PacketSink> open_shared_sink(bool ipv6) { return std::make_unique<linux_::RawSocketSink>(ipv6); }

}  // namespace ddtr::platform
