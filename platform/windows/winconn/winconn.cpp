#include "platform/windows/winconn/winconn.hpp"

#include <ws2tcpip.h>

#include <array>
#include <cstring>

#include "shared/common/error.hpp"

namespace ddtr::platform::windows::winconn {
namespace {

constexpr int kPollSliceMs = 100;  // upstream's WSAPoll timeout per round

std::string wsa_text(int error) { return system_message(static_cast<std::uint32_t>(error)); }

[[noreturn]] void fail(const std::string& what, int error) {
  throw_win32(what, static_cast<std::uint32_t>(error));
}

}  // namespace

Conn::Conn(ConnOptions options) {
  socket_.reset(::socket(AF_INET, SOCK_STREAM, IPPROTO_IP));
  if (!socket_.valid()) throw_last_wsa_error("failed to create socket");
  u_long non_blocking = 1;
  DWORD out = 0;
  if (::WSAIoctl(socket_.get(), kFionbio, &non_blocking, sizeof non_blocking, nullptr, 0, &out, nullptr, nullptr) != 0) {
    throw_last_wsa_error("failed to set non-blocking mode");
  }
  if (options.fail_connect_on_icmp_error) {
    DWORD one = 1;
    if (::setsockopt(socket_.get(), IPPROTO_TCP, kTcpFailConnectOnIcmpError, reinterpret_cast<const char*>(&one),
                     sizeof one) != 0) {
      // Upstream leaks the socket here; ours closes with the object.
      throw_last_wsa_error("failed to set TCP_FAIL_CONNECT_ON_ICMP_ERROR");
    }
  }
}

void Conn::set_ttl(int ttl) {
  if (ttl < 0) throw Error(ErrorCode::Unknown, "TTL cannot be negative");
  DWORD value = static_cast<DWORD>(ttl);
  if (::setsockopt(socket_.get(), IPPROTO_IP, IP_TTL, reinterpret_cast<const char*>(&value), sizeof value) != 0) {
    throw Error(ErrorCode::Unknown, wsa_text(::WSAGetLastError()));
  }
}

int Conn::start_connect(const Endpoint& destination) {
  if (!destination.address.is_v4()) throw Error(ErrorCode::Unknown, "unable to parse IP address");
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(destination.port);
  auto bytes = destination.address.to_v4().to_bytes();
  std::memcpy(&sa.sin_addr, bytes.data(), bytes.size());
  if (::connect(socket_.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0) return 0;
  return ::WSAGetLastError();
}

int Conn::socket_error() {
  int error = 0;
  int length = sizeof error;
  if (::getsockopt(socket_.get(), SOL_SOCKET, kSoError, reinterpret_cast<char*>(&error), &length) != 0) {
    throw_last_wsa_error("failed to get socket error");
  }
  return error;
}

IcmpErrorInfo Conn::icmp_error_info() {
  std::array<std::uint8_t, kIcmpErrorInfoSize> raw{};
  int length = static_cast<int>(raw.size());
  if (::getsockopt(socket_.get(), IPPROTO_TCP, kTcpIcmpErrorInfo, reinterpret_cast<char*>(raw.data()), &length) != 0) {
    throw_last_wsa_error("failed to get hop address");
  }
  auto info = decode_icmp_error_info(std::span<const std::uint8_t>(raw.data(), static_cast<std::size_t>(length)));
  if (!info) throw Error(ErrorCode::Unknown, "failed to get hop address: unexpected ICMP_ERROR_INFO");
  return *info;
}

Hop Conn::get_hop(std::chrono::milliseconds timeout, const Endpoint& destination) {
  auto until = std::chrono::steady_clock::now() + timeout;
  int error = start_connect(destination);
  if (error == WSAEWOULDBLOCK) {
    for (;;) {
      // Upstream's context check comes first in every round: an expired
      // timeout is an empty hop, not an error.
      if (std::chrono::steady_clock::now() >= until) return Hop{};
      WSAPOLLFD fd{};
      fd.fd = socket_.get();
      fd.events = kPollOut;
      int ready = ::WSAPoll(&fd, 1, kPollSliceMs);
      if (ready < 0) fail("failed to poll: failed to poll", ::WSAGetLastError());
      if (ready == 0) continue;
      if ((fd.revents & kPollOut) == 0) throw Error(ErrorCode::Unknown, "failed to poll: socket is not writable");
      break;
    }
    error = socket_error();
  }
  if (error == WSAEHOSTUNREACH) {
    IcmpErrorInfo info;
    try {
      info = icmp_error_info();
    } catch (const Error& e) {
      throw Error(e.code(), std::string("failed to get hop address: ") + e.what());
    }
    return Hop{info.source, WireClock::now(), info.type, info.code};
  }
  if (error != 0) fail("failed to send connect", error);
  return Hop{destination.address, WireClock::now(), 0, 0};
}

}  // namespace ddtr::platform::windows::winconn
