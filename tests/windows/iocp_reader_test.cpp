// The driver's read path (800 overlapped ReadFile calls, one IOCP) against a
// real overlapped handle: a message-mode named pipe stands in for ddnpm.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "pipe_pair.hpp"
#include "platform/windows/driver/driver_handle.hpp"
#include "platform/windows/driver/iocp_reader.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::driver {
namespace {

using testing_windows::numbered;
using testing_windows::PipePair;
using Bytes = std::vector<std::uint8_t>;

std::optional<Bytes> read_one(IocpReader& reader, std::uint32_t timeout_ms) {
  Bytes got;
  bool ok = reader.read(timeout_ms, [&](std::span<const std::uint8_t> b) { got.assign(b.begin(), b.end()); });
  if (!ok) return std::nullopt;
  return got;
}

TEST(WindowsIocpReader, PostsEveryBufferAndDeliversMessagesInOrder) {
  auto pipe = PipePair::open();
  ASSERT_TRUE(pipe.ok()) << ::GetLastError();
  IocpReader reader(std::move(pipe.client));
  EXPECT_EQ(reader.pending_reads(), kReadBufferCount);
  for (std::uint8_t i = 0; i < 3; ++i) ASSERT_TRUE(pipe.write(numbered(100, i)));
  for (std::uint8_t i = 0; i < 3; ++i) {
    auto got = read_one(reader, 2000);
    ASSERT_TRUE(got) << "message " << int(i);
    EXPECT_EQ(*got, numbered(100, i));
  }
  EXPECT_EQ(reader.pending_reads(), kReadBufferCount) << "each completed buffer is posted again";
}

TEST(WindowsIocpReader, TimeoutIsNoCompletion) {
  auto pipe = PipePair::open();
  ASSERT_TRUE(pipe.ok());
  IocpReader reader(std::move(pipe.client));
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(read_one(reader, 60));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  start = std::chrono::steady_clock::now();
  EXPECT_FALSE(read_one(reader, 0)) << "a zero wait polls";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
}

TEST(WindowsIocpReader, ResubmitsSoMoreMessagesThanBuffersArrive) {
  // 2000 messages through 800 buffers: every buffer is used more than twice.
  auto pipe = PipePair::open();
  ASSERT_TRUE(pipe.ok());
  IocpReader reader(std::move(pipe.client));
  int received = 0;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(pipe.write(numbered(20, static_cast<std::uint8_t>(round))));
    for (int i = 0; i < 100; ++i) {
      auto got = read_one(reader, 2000);
      ASSERT_TRUE(got) << "round " << round << " message " << i;
      EXPECT_EQ(*got, numbered(20, static_cast<std::uint8_t>(round)));
      ++received;
    }
  }
  EXPECT_EQ(received, 2000);
  EXPECT_EQ(reader.pending_reads(), kReadBufferCount);
}

TEST(WindowsIocpReader, LongMessageFillsTheBuffer) {
  auto pipe = PipePair::open();
  ASSERT_TRUE(pipe.ok());
  IocpReader reader(std::move(pipe.client));
  ASSERT_TRUE(pipe.write(numbered(200, 0)));
  auto first = read_one(reader, 2000);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, numbered(150, 0)) << "ERROR_MORE_DATA: the buffer's 150 bytes";
  // A pipe keeps the rest of the message for the next read (the driver
  // would have dropped it); take it so the pipe is clean.
  auto rest = read_one(reader, 2000);
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, numbered(50, 150));
}

TEST(WindowsIocpReader, CloseCancelsEveryReadThenClosesTheHandle) {
  auto pipe = PipePair::open();
  ASSERT_TRUE(pipe.ok());
  IocpReader reader(std::move(pipe.client));
  ASSERT_TRUE(pipe.write(numbered(10, 1)));
  ASSERT_TRUE(read_one(reader, 2000));
  auto report = reader.close();
  EXPECT_EQ(report.returned_reads, kReadBufferCount) << "every pending read came back before the buffers were freed";
  EXPECT_EQ(report.abandoned_reads, 0u);
  EXPECT_EQ(reader.pending_reads(), 0u);
  // The client end is gone: the server can no longer write.
  EXPECT_FALSE(pipe.write(numbered(10, 2)));
  EXPECT_NO_THROW(reader.close()) << "idempotent";
  EXPECT_THROW(read_one(reader, 0), Error);
}

TEST(WindowsIocpReader, PeerGoneIsAReadError) {
  auto pipe = PipePair::open();
  ASSERT_TRUE(pipe.ok());
  IocpReader reader(std::move(pipe.client));
  pipe.server.reset();
  try {
    read_one(reader, 2000);
    FAIL() << "expected the broken pipe";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("could not get queued completion status: ", 0), 0u) << e.what();
  }
}

TEST(WindowsIocpReader, WakeEndsAWaitInAnotherThread) {
  auto pipe = PipePair::open();
  ASSERT_TRUE(pipe.ok());
  IocpReader reader(std::move(pipe.client));
  std::atomic<int> result{-1};
  std::thread waiter([&] { result = reader.wait_ready(10'000) ? 1 : 0; });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  reader.wake();
  waiter.join();
  EXPECT_EQ(result, 0);
  // A completion seen by the waiting thread is kept for read().
  std::thread waiter2([&] { result = reader.wait_ready(10'000) ? 1 : 0; });
  ASSERT_TRUE(pipe.write(numbered(5, 9)));
  waiter2.join();
  EXPECT_EQ(result, 1);
  auto got = read_one(reader, 0);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, numbered(5, 9));
}

TEST(WindowsIocpReader, SynchronousIoctlStaysOffThePort) {
  // FSCTL_PIPE_PEEK through the low-bit-event DeviceIoControl while 800 reads
  // are pending: it answers, and no completion reaches the read loop.
  auto pipe = PipePair::open();
  ASSERT_TRUE(pipe.ok());
  IocpReader reader(std::move(pipe.client));
  std::array<std::uint8_t, 64> out{};
  std::uint32_t n = 0;
  ASSERT_NO_THROW(n = synchronous_device_io_control(reader.handle(), 0x0011400C /* FSCTL_PIPE_PEEK */, {}, out));
  EXPECT_GE(n, 16u) << "FILE_PIPE_PEEK_BUFFER's fixed part";
  EXPECT_FALSE(read_one(reader, 100)) << "the IOCTL's completion must not be queued to the port";
}

}  // namespace
}  // namespace ddtr::platform::windows::driver
