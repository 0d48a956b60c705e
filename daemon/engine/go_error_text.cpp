#include "daemon/engine/go_error_text.hpp"

namespace ddtr::engine {
namespace {

Error rewrap(const Error& error, std::string message) {
  Error out = error.is_not_supported() ? Error::not_supported(error.code(), std::move(message))
                                       : Error(error.code(), std::move(message));
  if (auto err = error.sys_errno()) out.with_errno(*err);
  return out;
}

// Errors TracerouteParallel itself returns; upstream's drivers wrap these once
// more than their setup errors.
bool from_parallel_run(std::string_view text) {
  return text.starts_with("SendProbe() failed") || text.starts_with("ReceiveProbe() failed");
}

}  // namespace

std::string go_addr_port(const Endpoint& endpoint) {
  std::string ip = ip_text(endpoint.address);
  if (ip.find(':') != std::string::npos) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(endpoint.port);
}

std::string go_dial_error(const Endpoint& target, std::string_view why) {
  std::string t = go_addr_port(target);
  return "failed to dial " + t + ": dial tcp " + t + ": " + std::string(why);
}

Error wrap_run_error(std::string_view protocol, std::string_view tcp_method, const Error& error) {
  std::string_view text = error.what();
  if (protocol == "udp") return rewrap(error, "could not generate udp traceroute results: " + std::string(text));
  if (protocol == "icmp") {
    std::string inner = from_parallel_run(text) ? "icmp traceroute failed: " + std::string(text) : std::string(text);
    return rewrap(error, "could not generate icmp traceroute results: icmp traceroute failed: " + inner);
  }
  if (protocol == "tcp" && (tcp_method == "sack" || tcp_method == "prefer_sack")) {
    std::string inner = std::string(text);
    if (error.is_not_supported()) {
      inner = "SACK not supported for this target/source: " + inner;
    } else if (from_parallel_run(text)) {
      inner = "sack traceroute failed: " + inner;
    }
    return rewrap(error, "sack traceroute failed: " + inner);
  }
  return error;
}

}  // namespace ddtr::engine
