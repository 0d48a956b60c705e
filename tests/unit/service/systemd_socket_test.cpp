// inherited_listen_socket() against the environment systemd (or
// systemd-socket-activate) would give: LISTEN_PID, LISTEN_FDS, fds from 3 on.
#include "daemon/service/systemd_socket.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "shared/common/error.hpp"

namespace ddtr::service {
namespace {

using platform::UniqueFd;

// Puts sockets on fds 3, 4, ... as a service manager does, and puts back
// whatever the test process had there afterwards.
class InheritedSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) saved_[i] = ::fcntl(3 + i, F_DUPFD_CLOEXEC, 100);
  }
  void TearDown() override {
    for (const auto& path : paths_) ::unlink(path.c_str());
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    for (int i = 0; i < 2; ++i) {
      if (saved_[i] >= 0) {
        ::dup2(saved_[i], 3 + i);
        ::close(saved_[i]);
      } else {
        ::close(3 + i);
      }
    }
  }

  // Moves `fd` to 3 + index (it may already be there: socket() takes the lowest free fd).
  static void place(UniqueFd fd, int index) {
    ASSERT_TRUE(fd.valid());
    if (fd.get() == 3 + index) {
      fd.release();
      return;
    }
    ASSERT_EQ(::dup2(fd.get(), 3 + index), 3 + index);
  }
  static void set_env(int count, pid_t pid = ::getpid()) {
    ::setenv("LISTEN_PID", std::to_string(pid).c_str(), 1);
    ::setenv("LISTEN_FDS", std::to_string(count).c_str(), 1);
  }
  static UniqueFd unix_stream(const std::string& path, bool listening) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.data(), path.size());  // a leading '\0' makes it abstract
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) return UniqueFd();
    if (listening && ::listen(fd.get(), 4) != 0) return UniqueFd();
    return fd;
  }
  // A fresh socket path, removed after the test.
  std::string temp_path(const char* name) {
    std::string path = ::testing::TempDir() + "ddtr-" + std::to_string(::getpid()) + "-" + name;
    ::unlink(path.c_str());
    paths_.push_back(path);
    return path;
  }

  int saved_[2] = {-1, -1};
  std::vector<std::string> paths_;
};

TEST_F(InheritedSocketTest, NoneWithoutTheEnvironment) {
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  EXPECT_FALSE(inherited_listen_socket().has_value());
}

TEST_F(InheritedSocketTest, NoneWhenTheVariablesAreForAnotherProcess) {
  place(unix_stream(temp_path("other.sock"), true), 0);
  set_env(1, ::getpid() + 1);
  EXPECT_FALSE(inherited_listen_socket().has_value());
}

TEST_F(InheritedSocketTest, TakesAListeningUnixStreamSocket) {
  std::string path = temp_path("daemon.sock");
  place(unix_stream(path, true), 0);
  set_env(1);
  auto inherited = inherited_listen_socket();
  ASSERT_TRUE(inherited.has_value());
  EXPECT_EQ(inherited->fd.get(), 3);
  EXPECT_EQ(inherited->path, path);
  EXPECT_NE(::fcntl(3, F_GETFL) & O_NONBLOCK, 0) << "the RPC loop needs a non-blocking socket";
  EXPECT_NE(::fcntl(3, F_GETFD) & FD_CLOEXEC, 0);
  EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr) << "the variables are consumed";
  EXPECT_FALSE(inherited_listen_socket().has_value()) << "a second call finds nothing";
  inherited.reset();
  EXPECT_EQ(::fcntl(3, F_GETFD), -1) << "the fd is owned and closed";
}

TEST_F(InheritedSocketTest, NamesAnAbstractSocketWithAnAt) {
  std::string name = "ddtr-test-" + std::to_string(::getpid());
  place(unix_stream(std::string(1, '\0') + name, true), 0);
  set_env(1);
  auto inherited = inherited_listen_socket();
  ASSERT_TRUE(inherited.has_value());
  EXPECT_EQ(inherited->path, "@" + name);
}

TEST_F(InheritedSocketTest, RefusesASocketThatDoesNotListen) {
  std::string path = temp_path("idle.sock");
  place(unix_stream(path, false), 0);
  set_env(1);
  try {
    inherited_listen_socket();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a listening AF_UNIX stream socket"), std::string::npos) << e.what();
  }
  EXPECT_EQ(::fcntl(3, F_GETFD), -1) << "the refused fd is closed, not leaked";
}

TEST_F(InheritedSocketTest, RefusesAnInternetSocket) {
  place(UniqueFd(::socket(AF_INET, SOCK_DGRAM, 0)), 0);  // ListenDatagram=PORT, say; never bound
  set_env(1);
  EXPECT_THROW(inherited_listen_socket(), Error);
}

TEST_F(InheritedSocketTest, RefusesSeveralSockets) {
  place(unix_stream(temp_path("a.sock"), true), 0);
  place(unix_stream(temp_path("b.sock"), true), 1);
  set_env(2);
  try {
    inherited_listen_socket();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("passed 2 sockets"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ddtr::service
