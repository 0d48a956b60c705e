// SystemdNotifier against a fake service manager: an AF_UNIX datagram socket
// named by NOTIFY_SOCKET, as systemd provides to a Type=notify service.
#include "daemon/service/systemd_notify.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "platform/posix/unique_fd.hpp"

namespace ddtr::service {
namespace {

class NotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "ddtr-notify-" + std::to_string(::getpid());
    ::unlink(path_.c_str());
    manager_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
    ASSERT_EQ(::bind(manager_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("NOTIFY_SOCKET");
    ::unlink(path_.c_str());
  }
  // The next datagram, or nothing if none is waiting.
  std::optional<std::string> next() {
    char buffer[512];
    ssize_t n = ::recv(manager_.get(), buffer, sizeof buffer, MSG_DONTWAIT);
    if (n < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(n));
  }

  std::string path_;
  platform::UniqueFd manager_;
};

TEST_F(NotifierTest, SendsReadyThenStoppingOnce) {
  {
    SystemdNotifier notifier;
    EXPECT_TRUE(notifier.enabled());
    notifier.notify_ready("listening on /run/x.sock");
    EXPECT_EQ(next(), "READY=1\nSTATUS=listening on /run/x.sock");
    notifier.notify_status("2 traces");
    EXPECT_EQ(next(), "STATUS=2 traces");
    notifier.notify_stopping("shutting down");
    EXPECT_EQ(next(), "STOPPING=1\nSTATUS=shutting down");
    notifier.notify_stopping("again");
  }
  EXPECT_EQ(next(), std::nullopt) << "STOPPING=1 goes out once, the destructor adds nothing";
}

TEST_F(NotifierTest, TheDestructorReportsAStopAfterReady) {
  {
    SystemdNotifier notifier;
    notifier.notify_ready("up");
    EXPECT_EQ(next(), "READY=1\nSTATUS=up");
  }
  EXPECT_EQ(next(), "STOPPING=1\nSTATUS=stopped");
}

TEST_F(NotifierTest, NothingBeforeReady) {
  { SystemdNotifier notifier; }
  EXPECT_EQ(next(), std::nullopt);
}

TEST_F(NotifierTest, AStatusCannotInjectAssignments) {
  SystemdNotifier notifier;
  notifier.notify_status("first line\nREADY=1");
  EXPECT_EQ(next(), "STATUS=first line");
}

TEST_F(NotifierTest, ANoOpWithoutNotifySocket) {
  ::unsetenv("NOTIFY_SOCKET");
  SystemdNotifier notifier;
  EXPECT_FALSE(notifier.enabled());
  notifier.notify_ready("up");
  notifier.notify_stopping("down");
  EXPECT_EQ(next(), std::nullopt);
}

}  // namespace
}  // namespace ddtr::service
