#include "platform/windows/driver/driver_source.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <cstring>

#include "platform/windows/driver/packet_header.hpp"
#include "platform/windows/driver/read_timeout.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::driver {
namespace {

Error prefixed(const std::string& prefix, const Error& e) { return Error(e.code(), prefix + e.what()); }

std::error_code aborted() {
  return static_cast<std::error_code>(boost::system::error_code(boost::asio::error::operation_aborted));
}

}  // namespace

DriverSource::DriverSource(boost::asio::io_context& io, std::shared_ptr<DataDevice> device, IocpReaderOptions options)
    : io_(io), device_(std::move(device)), options_(options) {}

DriverSource::~DriverSource() {
  {
    std::lock_guard lock(mutex_);
    handler_ = nullptr;
    work_.reset();
  }
  stop_waiter();
  reader_.reset();  // IocpReader's destructor closes in order
}

void DriverSource::teardown() {
  if (!reader_) return;
  last_close_ = reader_->close();
  reader_.reset();
}

void DriverSource::set_packet_filter(const PacketFilterSpec& spec) {
  // The waiter must not sit in the old port while it closes; a pending
  // handler carries over to the new handle.
  stop_waiter();
  try {
    try {
      teardown();
    } catch (const Error& e) {
      reader_.reset();
      throw prefixed("failed to close driver: ", e);
    }
    UniqueHandle handle;
    try {
      handle = device_->open(FILE_FLAG_OVERLAPPED);
    } catch (const Error& e) {
      throw prefixed("NewSourceDriver failed to create handle: ", e);
    }
    try {
      reader_ = std::make_unique<IocpReader>(std::move(handle), options_);
    } catch (const Error& e) {
      throw prefixed("NewSourceDriver failed to prepare completion buffers: ", e);
    }
  } catch (const Error& e) {
    throw prefixed("failed to setup source driver: ", e);
  }
  std::vector<FilterDefinition> filters;
  try {
    filters = packet_filters(spec, device_->signature());
  } catch (const Error& e) {
    throw prefixed("failed to create packet filters: ", e);
  }
  for (const auto& filter : filters) {
    try {
      device_->set_filter(reader_->handle(), encode(filter));
    } catch (const Error& e) {
      throw prefixed("failed to set filter: ", e);
    }
  }
  start_waiter();
}

std::optional<ReceivedPacket> DriverSource::read(std::span<std::uint8_t> buffer, Deadline deadline) {
  if (!reader_) throw Error(ErrorCode::Unknown, "could not get queued completion status: no packet filter set yet");
  for (;;) {
    std::optional<ReceivedPacket> packet;
    auto now = std::chrono::steady_clock::now();
    bool got = reader_->read(completion_wait_ms(deadline, now), [&](std::span<const std::uint8_t> completion) {
      auto header = parse_packet_header(completion);
      if (!header) return;  // shorter than the driver's header: nothing to hand out
      auto bytes = packet_bytes(completion, *header);
      if (bytes.empty()) return;
      ReceivedPacket p;
      p.length = std::min(bytes.size(), buffer.size());
      std::memcpy(buffer.data(), bytes.data(), p.length);
      // The driver stamps each packet when it captures it: RTTs without our
      // queueing, as SO_TIMESTAMPNS gives on Linux.
      p.received_at = header->timestamp_ns != 0
                          ? WireTime(std::chrono::duration_cast<WireClock::duration>(
                                std::chrono::nanoseconds(header->timestamp_ns)))
                          : WireClock::now();
      packet = p;
    });
    if (packet) return packet;
    // Nothing, or a completion without a packet: try again until the deadline.
    if (!got || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
  }
}

void DriverSource::async_wait_readable(std::function<void(std::error_code)> handler) {
  {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
    work_.emplace(io_.get_executor());
  }
  wanted_.notify_one();
  if (reader_ && !waiter_.joinable()) start_waiter();
}

void DriverSource::cancel() {
  ++*generation_;
  std::lock_guard lock(mutex_);
  if (handler_ && reader_) {
    cancel_requested_ = true;
    reader_->wake();
  } else if (handler_) {
    // No handle yet, so no waiter: answer the handler here.
    auto h = std::move(handler_);
    handler_ = nullptr;
    work_.reset();
    boost::asio::post(io_, [h] { h(aborted()); });
  }
}

void DriverSource::start_waiter() {
  if (!reader_ || waiter_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = false;
  }
  waiter_ = std::thread([this] { waiter_loop(); });
}

void DriverSource::stop_waiter() {
  if (!waiter_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wanted_.notify_one();
  if (reader_) reader_->wake();
  waiter_.join();
}

void DriverSource::waiter_loop() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wanted_.wait(lock, [this] { return stop_ || handler_ != nullptr; });
      if (stop_) return;
    }
    bool ready = false;
    try {
      ready = reader_->wait_ready(INFINITE);
    } catch (const Error&) {
      ready = true;  // read() will meet the same failure and report it
    }
    std::function<void(std::error_code)> handler;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
    std::error_code ec;
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;  // the handler stays for the next waiter
      if (!ready && !cancel_requested_) continue;  // a wake-up left over from earlier
      if (!ready) ec = aborted();
      cancel_requested_ = false;
      handler = std::move(handler_);
      handler_ = nullptr;
      if (work_) work.emplace(std::move(*work_));
      work_.reset();
    }
    if (!handler) continue;
    // The guard goes with the handler: the loop may end once it has run.
    auto guard = std::make_shared<decltype(work)>(std::move(work));
    boost::asio::post(io_, [handler, ec, guard, generation = generation_, seen = generation_->load()] {
      handler(generation->load() != seen ? aborted() : ec);
    });
  }
}

}  // namespace ddtr::platform::windows::driver
