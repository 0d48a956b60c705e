// The driver source and sink end to end over a stand-in device: each open()
// is a fresh named pipe whose server end plays the driver, filters are
// recorded instead of sent by IOCTL. Also StartDriver's once/refcount rules
// and the real device and SCM as far as wine has them.
#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>

#include "message_of.hpp"
#include "pipe_pair.hpp"
#include "platform/windows/driver/driver_sink.hpp"
#include "platform/windows/driver/driver_source.hpp"
#include "platform/windows/driver/driver_starter.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::driver {
namespace {

using testing_windows::driver_message;
using testing_windows::numbered;
using testing_windows::PipePair;

class PipeDevice final : public DataDevice {
 public:
  UniqueHandle open(DWORD flags) override {
    if (fail_open) throw Error(ErrorCode::Unknown, "The system cannot find the file specified.");
    opened_flags.push_back(flags);
    auto pair = PipePair::open(flags);
    if (!pair.ok()) throw Error(ErrorCode::Unknown, "pipe");
    servers.push_back(std::move(pair.server));
    return std::move(pair.client);
  }
  void set_filter(HANDLE handle, const FilterBytes& filter) override {
    if (fail_filter) throw Error(ErrorCode::Unknown, "The parameter is incorrect.");
    filter_handles.push_back(handle);
    filters.push_back(filter);
  }
  std::uint64_t signature() const override { return driver_signature(kDefaultDriverVersion); }

  bool write(const std::vector<std::uint8_t>& message, std::size_t which = SIZE_MAX) {
    HANDLE h = (which == SIZE_MAX ? servers.back() : servers.at(which)).get();
    DWORD written = 0;
    return ::WriteFile(h, message.data(), static_cast<DWORD>(message.size()), &written, nullptr) != 0;
  }
  std::vector<std::uint8_t> read_server(std::size_t which) {
    std::vector<std::uint8_t> buffer(2048);
    DWORD n = 0;
    if (!::ReadFile(servers.at(which).get(), buffer.data(), static_cast<DWORD>(buffer.size()), &n, nullptr)) return {};
    buffer.resize(n);
    return buffer;
  }

  std::vector<UniqueHandle> servers;
  std::vector<DWORD> opened_flags;
  std::vector<FilterBytes> filters;
  std::vector<HANDLE> filter_handles;
  bool fail_open = false;
  bool fail_filter = false;
};

Endpoint ep(const char* ip, std::uint16_t port) { return Endpoint{boost::asio::ip::make_address(ip), port}; }
const PacketFilterSpec kTcp{FilterType::Tcp, Endpoint{boost::asio::ip::make_address("192.0.2.7"), 443},
                            Endpoint{boost::asio::ip::make_address("198.51.100.2"), 40001}};

using ddtr::test_support::message_of;

TEST(WindowsDriverSource, OpensNothingUntilAFilterIsSet) {
  boost::asio::io_context io;
  auto device = std::make_shared<PipeDevice>();
  DriverSource source(io, device);
  EXPECT_TRUE(device->opened_flags.empty());
  std::vector<std::uint8_t> buffer(1024);
  EXPECT_THROW(source.read(buffer, std::chrono::steady_clock::now()), Error);
}

TEST(WindowsDriverSource, FilterOpensAnOverlappedHandleAndInstallsTheFilters) {
  boost::asio::io_context io;
  auto device = std::make_shared<PipeDevice>();
  DriverSource source(io, device);
  source.set_packet_filter(kTcp);
  ASSERT_EQ(device->opened_flags.size(), 1u);
  EXPECT_EQ(device->opened_flags[0], static_cast<DWORD>(FILE_FLAG_OVERLAPPED));
  ASSERT_EQ(device->filters.size(), 4u) << "ICMPv4, ICMPv6, TCP capture, TCP discard";
  auto expected = packet_filters(kTcp, device->signature());
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(device->filters[i], encode(expected[i]));
}

TEST(WindowsDriverSource, ReadStripsTheHeaderAndKeepsTheCaptureTime) {
  boost::asio::io_context io;
  auto device = std::make_shared<PipeDevice>();
  DriverSource source(io, device);
  source.set_packet_filter({FilterType::Icmp, {}, {}});
  auto packet = numbered(56, 0x45);
  std::uint64_t stamp = 1'700'000'000'000'000'123;
  ASSERT_TRUE(device->write(driver_message(packet, stamp)));
  std::vector<std::uint8_t> buffer(1024);
  auto got = source.read(buffer, std::chrono::steady_clock::now() + std::chrono::seconds(2));
  ASSERT_TRUE(got);
  ASSERT_EQ(got->length, 56u);
  EXPECT_TRUE(std::equal(packet.begin(), packet.end(), buffer.begin()));
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::nanoseconds>(got->received_at.time_since_epoch()).count(),
            static_cast<long long>(stamp));
}

TEST(WindowsDriverSource, DeadlinesAreTheNoPacketAnswer) {
  boost::asio::io_context io;
  auto device = std::make_shared<PipeDevice>();
  DriverSource source(io, device);
  source.set_packet_filter({FilterType::Icmp, {}, {}});
  std::vector<std::uint8_t> buffer(1024);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(source.read(buffer, start - std::chrono::seconds(1))) << "past deadline: one poll";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  start = std::chrono::steady_clock::now();
  EXPECT_FALSE(source.read(buffer, start + std::chrono::milliseconds(150)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(140));
  // A completion too short to hold a header is skipped, not handed out.
  ASSERT_TRUE(device->write(numbered(10, 0)));
  EXPECT_FALSE(source.read(buffer, std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
}

TEST(WindowsDriverSource, EveryFilterChangeReopensTheHandle) {
  boost::asio::io_context io;
  auto device = std::make_shared<PipeDevice>();
  DriverSource source(io, device);
  source.set_packet_filter({FilterType::SynAck, ep("192.0.2.7", 443), {}});
  ASSERT_TRUE(device->write(driver_message(numbered(40, 1))));  // left unread on the old handle
  source.set_packet_filter(kTcp);
  EXPECT_EQ(device->opened_flags.size(), 2u);
  EXPECT_EQ(source.last_close().returned_reads, kReadBufferCount)
      << "all of the old handle's reads came back (799 cancelled, one with the unread packet)";
  EXPECT_EQ(source.last_close().abandoned_reads, 0u);
  EXPECT_FALSE(device->write(driver_message(numbered(40, 2)), 0)) << "the old handle is closed";
  EXPECT_NE(device->filter_handles[0], device->filter_handles[4]) << "the TCP filters went to the new handle";
  ASSERT_TRUE(device->write(driver_message(numbered(40, 3))));
  std::vector<std::uint8_t> buffer(1024);
  auto got = source.read(buffer, std::chrono::steady_clock::now() + std::chrono::seconds(2));
  ASSERT_TRUE(got);
  EXPECT_EQ(buffer[0], 3) << "only the new handle's packets arrive";
}

TEST(WindowsDriverSource, AsyncWaitThenCancel) {
  boost::asio::io_context io;
  auto device = std::make_shared<PipeDevice>();
  DriverSource source(io, device);
  source.set_packet_filter({FilterType::Icmp, {}, {}});
  std::optional<std::error_code> result;
  source.async_wait_readable([&](std::error_code ec) { result = ec; });
  ASSERT_TRUE(device->write(driver_message(numbered(28, 0x45))));
  io.run_for(std::chrono::seconds(3));
  ASSERT_TRUE(result);
  EXPECT_FALSE(*result) << result->message();
  std::vector<std::uint8_t> buffer(1024);
  EXPECT_TRUE(source.read(buffer, std::chrono::steady_clock::time_point{})) << "the waiter kept the completion";

  result.reset();
  io.restart();
  source.async_wait_readable([&](std::error_code ec) { result = ec; });
  source.cancel();
  io.run_for(std::chrono::seconds(3));
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, std::error_code(boost::system::error_code(boost::asio::error::operation_aborted)));
}

TEST(WindowsDriverSource, ErrorsAreWrappedAsUpstream) {
  boost::asio::io_context io;
  auto device = std::make_shared<PipeDevice>();
  DriverSource source(io, device);
  device->fail_open = true;
  EXPECT_EQ(message_of([&] { source.set_packet_filter(kTcp); }),
            "failed to setup source driver: NewSourceDriver failed to create handle: The system cannot find the file "
            "specified.");
  device->fail_open = false;
  device->fail_filter = true;
  EXPECT_EQ(message_of([&] { source.set_packet_filter(kTcp); }), "failed to set filter: The parameter is incorrect.");
  device->fail_filter = false;
  EXPECT_EQ(message_of([&] { source.set_packet_filter({static_cast<FilterType>(7), {}, {}}); }),
            "failed to create packet filters: failed to get windows filter: invalid filter type: 7");
}

TEST(WindowsDriverSink, WritesThePacketToItsOwnSynchronousHandle) {
  PipeDevice device;
  DriverSink sink(device);
  ASSERT_EQ(device.opened_flags.size(), 1u);
  EXPECT_EQ(device.opened_flags[0], 0u) << "the sink's handle is not overlapped";
  auto packet = numbered(40, 0x45);
  sink.write_to(packet, ep("192.0.2.7", 0));
  EXPECT_EQ(device.read_server(0), packet) << "the raw IP packet, no driver header in front";
  device.servers[0].reset();
  EXPECT_EQ(message_of([&] { sink.write_to(packet, ep("192.0.2.7", 0)); }).rfind("failed to send packet via driver: ", 0),
            0u);
  device.fail_open = true;
  EXPECT_EQ(message_of([&] { DriverSink failing(device); }),
            "NewSinkDriver failed to create handle: The system cannot find the file specified.");
}

TEST(WindowsDriverDevice, RealDeviceIsAbsentUnderWine) {
  auto device = ddnpm_data_device();
  EXPECT_EQ(device->signature(), 0x0000DDFD00000018u);
  // --windows-driver-version reaches the device's signature.
  EXPECT_EQ(ddnpm_data_device(0x16)->signature(), 0x0000DDFD00000016u);
  auto text = message_of([&] { DriverSink sink(*device); });
  EXPECT_EQ(text.rfind("NewSinkDriver failed to create handle: ", 0), 0u) << text;
}

class FakeServiceControl final : public DriverServiceControl {
 public:
  explicit FakeServiceControl(int* inits, int* starts, bool fail_init, bool fail_start)
      : inits_(inits), starts_(starts), fail_init_(fail_init), fail_start_(fail_start) {}
  void init() override {
    ++*inits_;
    if (fail_init_) throw Error(ErrorCode::Unknown, "no SCM");
  }
  void ensure_running() override {
    ++*starts_;
    if (fail_start_) throw Error(ErrorCode::Unknown, "could not open service ddnpm: missing");
  }

 private:
  int* inits_;
  int* starts_;
  bool fail_init_;
  bool fail_start_;
};

TEST(WindowsDriverStarter, InitOnceStartCounted) {
  int inits = 0, starts = 0;
  DriverStarter starter(std::make_unique<FakeServiceControl>(&inits, &starts, false, false));
  starter.start();
  starter.start();
  starter.start();
  EXPECT_EQ(inits, 1) << "Init runs once";
  EXPECT_EQ(starts, 1) << "only the first Start reaches the SCM";
  EXPECT_EQ(starter.users(), 3);
}

TEST(WindowsDriverStarter, ErrorsAsUpstream) {
  int inits = 0, starts = 0;
  DriverStarter bad_init(std::make_unique<FakeServiceControl>(&inits, &starts, true, false));
  EXPECT_EQ(message_of([&] { bad_init.start(); }), "StartDriver failed to init driver: no SCM");
  EXPECT_EQ(message_of([&] { bad_init.start(); }),
            "StartDriver failed to start driver: driver has not been initialized");
  EXPECT_EQ(inits, 1);
  DriverStarter bad_start(std::make_unique<FakeServiceControl>(&inits, &starts, false, true));
  EXPECT_EQ(message_of([&] { bad_start.start(); }),
            "StartDriver failed to start driver: could not open service ddnpm: missing");
  EXPECT_EQ(bad_start.users(), 0);
  EXPECT_THROW(bad_start.start(), Error);
  EXPECT_EQ(starts, 2) << "a failed start is tried again";
}

TEST(WindowsDriverStarter, RealScmHasNoDdnpmUnderWine) {
  DriverStarter starter(scm_driver_service_control());
  auto text = message_of([&] { starter.start(); });
  EXPECT_EQ(text.rfind("StartDriver failed to", 0), 0u) << text;
  std::cout << "[ wine     ] " << text << "\n";
}

}  // namespace
}  // namespace ddtr::platform::windows::driver
