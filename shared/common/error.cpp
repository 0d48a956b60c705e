#include "shared/common/error.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

namespace ddtr {
namespace {
constexpr std::array<std::pair<ErrorCode, std::string_view>, 13> kNames{{
    {ErrorCode::Unknown, "UNKNOWN"},
    {ErrorCode::Dns, "DNS"},
    {ErrorCode::Timeout, "TIMEOUT"},
    {ErrorCode::ConnRefused, "CONNREFUSED"},
    {ErrorCode::HostUnreach, "HOSTUNREACH"},
    {ErrorCode::NetUnreach, "NETUNREACH"},
    {ErrorCode::Denied, "DENIED"},
    {ErrorCode::InvalidRequest, "INVALID_REQUEST"},
    {ErrorCode::FailedEncoding, "FAILED_ENCODING"},
    {ErrorCode::Unauthorized, "UNAUTHORIZED"},
    {ErrorCode::QuotaExceeded, "QUOTA_EXCEEDED"},
    {ErrorCode::PolicyDenied, "POLICY_DENIED"},
    {ErrorCode::DaemonUnavailable, "DAEMON_UNAVAILABLE"},
}};
}  // namespace

std::string_view error_code_name(ErrorCode code) {
  for (const auto& [c, name] : kNames) {
    if (c == code) return name;
  }
  return "UNKNOWN";
}

std::optional<ErrorCode> error_code_from_name(std::string_view name) {
  for (const auto& [c, n] : kNames) {
    if (n == name) return c;
  }
  return std::nullopt;
}

ErrorCode error_code_from_errno(int err) {
  switch (err) {
    case ECONNREFUSED: return ErrorCode::ConnRefused;
    case EHOSTUNREACH: return ErrorCode::HostUnreach;
    case ENETUNREACH: return ErrorCode::NetUnreach;
    case EACCES:
    case EPERM: return ErrorCode::Denied;
    case ETIMEDOUT: return ErrorCode::Timeout;
    default: return ErrorCode::Unknown;
  }
}

std::string go_error_case(std::string text) {
  // "Connection refused" -> "connection refused"; "RPC ..." stays as it is.
  if (text.size() >= 2 && text[0] >= 'A' && text[0] <= 'Z' && !(text[1] >= 'A' && text[1] <= 'Z')) {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  return text;
}

std::string go_errno_text(int err) { return go_error_case(std::strerror(err)); }

void throw_errno(std::string_view what, int err) {
  std::string message(what);
  message += ": ";
  message += go_errno_text(err);
  throw Error(error_code_from_errno(err), std::move(message)).with_errno(err);
}

}  // namespace ddtr
