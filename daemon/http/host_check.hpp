// Whether a request was meant for this listener: `Host` must name it and a
// browser's `Origin` / `Sec-Fetch-Site` must not be another site. Stops DNS
// rebinding (a page whose name now points at 127.0.0.1 reading our answers)
// and cross-site requests (a page starting traces as the local user who
// browses it). Pure: the session passes the header values it received.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/common/ip_address.hpp"

namespace ddtr::http {

// "host", "host:port", "[v6]", "[v6]:port" (RFC 9110 Host / authority).
struct HostPort {
  std::string host;  // lower case, no trailing dot; an IPv6 literal without brackets
  std::optional<std::uint16_t> port;
};
std::optional<HostPort> parse_host_port(std::string_view text);

// What names the listener.
struct ListenerNames {
  IpAddress listen_address;               // as bound (0.0.0.0 or :: for every address)
  std::uint16_t port = 0;                 // the listener's port
  std::vector<std::string> allowed_hosts;  // http.allowed_hosts: "name" or "name:port"
};

// A host names the listener when it is `localhost`, a loopback address, the
// listen address, the address the connection reached (`local`), or an
// allowed_hosts entry; its port, when given, must be the listener's (or the
// entry's own).
bool names_listener(const ListenerNames& names, const IpAddress& local, const HostPort& host);

// Throws Error(POLICY_DENIED) saying which header and why. `host` absent is
// allowed (HTTP/1.0; the session refuses it on HTTP/1.1 as Go does).
// `origin` absent is a same-origin or non-browser request; "null" and any
// origin whose host is not the listener are cross-site. `fetch_site`
// (Sec-Fetch-Site) "cross-site" or "same-site" is refused too: a browser's
// cross-site GET from an <img> carries no Origin, only that header.
void check_host_and_origin(const ListenerNames& names, const IpAddress& local, std::optional<std::string_view> host,
                           std::optional<std::string_view> origin, std::optional<std::string_view> fetch_site);

}  // namespace ddtr::http
