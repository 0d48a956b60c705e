// Linux PacketSource: an AF_PACKET socket with a classic BPF program per
// PacketFilterSpec. SOCK_DGRAM ("cooked") so the kernel strips the link header
// on every link type and packets start at the IP header; outgoing packets are
// ignored; every packet carries its kernel receive timestamp.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <linux/filter.h>

#include <memory>
#include <vector>

#include "platform/packets.hpp"

namespace ddtr::platform::linux_ {

class AfPacketSource final : public PacketSource {
 public:
  explicit AfPacketSource(boost::asio::io_context& io);
  void set_packet_filter(const PacketFilterSpec& spec) override;
  std::optional<ReceivedPacket> read(std::span<std::uint8_t> buffer, Deadline deadline) override;
  void async_wait_readable(std::function<void(std::error_code)> handler) override;
  void cancel() override;

  // Installs `program` with no unfiltered packet left queued (what
  // set_packet_filter does for a spec). Throws Error.
  void install_program(const std::vector<sock_filter>& program);
  // Asks for a receive queue of `bytes` (beyond rmem_max when privileged): a
  // socket shared by every trace must absorb bursts. Best effort.
  void set_receive_buffer(int bytes);
  // Receives up to `packets` packets of at most `snap` bytes per recvmmsg() and
  // hands them out one per read(): a socket shared by every trace takes its
  // replies in bursts, and one system call per reply was a tenth of the
  // daemon's CPU at a thousand concurrent traces. Longer packets are cut at
  // `snap`, as at a read() buffer of that size.
  void enable_batching(std::size_t packets, std::size_t snap);

 private:
  // One non-blocking receive; nullopt when the queue is empty.
  std::optional<ReceivedPacket> try_receive(std::span<std::uint8_t> buffer);
  // The next packet of the batch, receiving a new batch when it is spent.
  std::optional<ReceivedPacket> next_batched(std::span<std::uint8_t> buffer);
  void drain();

  struct Batch;
  struct BatchDeleter {
    void operator()(Batch* batch) const;
  };

  boost::asio::posix::stream_descriptor socket_;  // owns the fd
  std::unique_ptr<Batch, BatchDeleter> batch_;     // set by enable_batching
};

}  // namespace ddtr::platform::linux_
