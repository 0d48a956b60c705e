// One error convention for the whole project: a typed error carrying one of the
// Go tool's error codes (plus the daemon's own), thrown for failures and carried
// over RPC as {code, message}. Expected outcomes (a hop that did not answer) are
// data, never errors.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ddtr {

enum class ErrorCode {
  Unknown,
  Dns,
  Timeout,
  ConnRefused,
  HostUnreach,
  NetUnreach,
  Denied,
  InvalidRequest,
  FailedEncoding,
  // The daemon's own codes.
  Unauthorized,
  QuotaExceeded,
  PolicyDenied,
  DaemonUnavailable,
};

// "DNS", "TIMEOUT", "CONNREFUSED", ... exactly as the Go tool spells them.
std::string_view error_code_name(ErrorCode code);
std::optional<ErrorCode> error_code_from_name(std::string_view name);

// The Go server's classification of an errno (ECONNREFUSED -> CONNREFUSED, ...).
ErrorCode error_code_from_errno(int err);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message)
      : std::runtime_error(std::move(message)), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

  // Upstream's sack NotSupportedError: the method cannot work against this
  // target or platform (prefer_sack then falls back to SYN).
  static Error not_supported(ErrorCode code, std::string message) {
    Error e(code, std::move(message));
    e.not_supported_ = true;
    return e;
  }
  bool is_not_supported() const noexcept { return not_supported_; }

  // The errno a system call failed with (throw_errno sets it), for callers
  // that treat some failures as data (a refused probe send is a lost probe).
  std::optional<int> sys_errno() const noexcept { return sys_errno_; }
  Error& with_errno(int err) {
    sys_errno_ = err;
    return *this;
  }

 private:
  ErrorCode code_;
  bool not_supported_ = false;
  std::optional<int> sys_errno_;
};

// An errno as Go's syscall.Errno prints it: the C library's text with its
// first letter lower-cased ("connection refused"), acronyms left alone.
std::string go_errno_text(int err);
// The same lower-casing for a text already made (an error_code's message()).
std::string go_error_case(std::string text);

// Throws Error("<what>: <go_errno_text(err)>") with the code the errno maps to.
[[noreturn]] void throw_errno(std::string_view what, int err);

}  // namespace ddtr
