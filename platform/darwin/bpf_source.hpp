// macOS PacketSource: a /dev/bpf device bound to the interface that routes to
// the target, with a classic BPF program per PacketFilterSpec. A read(2)
// returns a batch of records; read() hands them out one IP packet at a time,
// link header stripped, with the kernel's timestamp. macOS only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <memory>
#include <vector>

#include "platform/darwin/bpf_device.hpp"
#include "platform/darwin/bpf_records.hpp"
#include "platform/packets.hpp"

namespace ddtr::platform::darwin {

class BpfSource final : public PacketSource {
 public:
  BpfSource(boost::asio::io_context& io, const std::string& interface);
  void set_packet_filter(const PacketFilterSpec& spec) override;
  std::optional<ReceivedPacket> read(std::span<std::uint8_t> buffer, Deadline deadline) override;
  void async_wait_readable(std::function<void(std::error_code)> handler) override;
  void cancel() override;

 private:
  BpfSource(boost::asio::io_context& io, BpfDevice device);
  // The next IP packet of the current batch, copied into `buffer`.
  std::optional<ReceivedPacket> take_from_batch(std::span<std::uint8_t> buffer);
  // Waits (kqueue) until the device is readable or the deadline passes.
  bool wait_readable(Deadline deadline);

  LinkType link_;
  std::vector<std::uint8_t> batch_;  // exactly BIOCGBLEN bytes, as read(2) demands
  BpfRecordWalker walker_;           // over the unread part of batch_
  UniqueFd kqueue_;                  // watches the device for blocking reads with a deadline
  boost::asio::posix::stream_descriptor device_;  // owns the /dev/bpf fd
  // Set by cancel() for wake-ups already posted (they must report
  // operation_aborted, as a cancelled async_wait does); a fresh one after.
  std::shared_ptr<bool> cancelled_ = std::make_shared<bool>(false);
};

}  // namespace ddtr::platform::darwin
