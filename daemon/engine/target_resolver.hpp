// Upstream's parseTarget: split "host", "host:port", "[v6]:port", resolve the
// host with the system resolver (asynchronously: getaddrinfo runs on Asio's
// resolver thread, never on the probe loop) and pick the address family.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include "shared/common/error.hpp"
#include "shared/common/ip_address.hpp"

namespace ddtr::engine {

struct TargetSpec {
  std::string host;       // brackets stripped
  std::string port_text;  // as written, or the default port
};

// The split alone (pure). Throws Error(INVALID_REQUEST) for a malformed address.
TargetSpec split_target(std::string_view raw, int default_port);

// The port check upstream runs after DNS resolution.
std::uint16_t parse_target_port(const std::string& port_text);

using ResolveResult = std::variant<Endpoint, Error>;

// Calls `done` on the io_context's thread. want_v6=false requires an IPv4
// answer; want_v6=true takes the first answer of either family (as upstream).
// IP literals are used as written.
void resolve_target(boost::asio::io_context& io, std::string raw, int default_port, bool want_v6,
                    std::function<void(ResolveResult)> done);

}  // namespace ddtr::engine
