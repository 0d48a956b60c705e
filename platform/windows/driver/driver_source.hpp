// Windows PacketSource on the ddnpm driver (upstream's SourceDriver): every
// set_packet_filter() opens a fresh overlapped data handle with 800 pending
// reads and installs the ICMP pair plus the spec's filters, so no stale filter
// ever delivers; read() takes completions from the IOCP, strips the driver's
// header and keeps its capture timestamp. Windows only.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "platform/packets.hpp"
#include "platform/windows/driver/data_device.hpp"
#include "platform/windows/driver/iocp_reader.hpp"

namespace ddtr::platform::windows::driver {

class DriverSource final : public PacketSource {
 public:
  DriverSource(boost::asio::io_context& io, std::shared_ptr<DataDevice> device, IocpReaderOptions options = {});
  ~DriverSource() override;  // stops the waiter, then closes in upstream's order

  // Errors as upstream: "failed to setup source driver: NewSourceDriver failed
  // to create handle: …" (or "… failed to prepare completion buffers: …",
  // "… failed to close driver: …"), "failed to create packet filters: …",
  // "failed to set filter: …".
  void set_packet_filter(const PacketFilterSpec& spec) override;
  std::optional<ReceivedPacket> read(std::span<std::uint8_t> buffer, Deadline deadline) override;
  // A thread of this source waits on the IOCP and posts `handler` to the
  // io_context; completions it takes are kept for read().
  void async_wait_readable(std::function<void(std::error_code)> handler) override;
  void cancel() override;

  // For tests and logs: what the last teardown of a handle saw.
  IocpCloseReport last_close() const { return last_close_; }

 private:
  void teardown();
  void start_waiter();
  void stop_waiter();
  void waiter_loop();

  boost::asio::io_context& io_;
  std::shared_ptr<DataDevice> device_;
  IocpReaderOptions options_;
  std::unique_ptr<IocpReader> reader_;  // none until the first filter, as upstream
  IocpCloseReport last_close_;

  // The waiter thread and what it shares with the io_context's thread.
  std::thread waiter_;
  std::mutex mutex_;
  std::condition_variable wanted_;
  std::function<void(std::error_code)> handler_;  // the pending async_wait_readable
  // Keeps io_context::run() going while a wait is pending, as Asio's own waits do.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  bool stop_ = false;
  bool cancel_requested_ = false;
  // Bumped by cancel(): wake-ups already posted then report operation_aborted.
  std::shared_ptr<std::atomic<std::uint64_t>> generation_ = std::make_shared<std::atomic<std::uint64_t>>(0);
};

}  // namespace ddtr::platform::windows::driver
