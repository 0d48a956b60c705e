#include "daemon/http/host_check.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/policy/cidr.hpp"
#include "shared/common/error.hpp"

namespace ddtr::http {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool equal_ci(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

std::optional<IpAddress> ip_of(const std::string& host) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  return policy::canonical_address(address);
}

bool same_host(const std::string& a, const std::string& b) {
  auto ip_a = ip_of(a), ip_b = ip_of(b);
  if (ip_a || ip_b) return ip_a && ip_b && *ip_a == *ip_b;
  return a == b;
}

std::string listener_text(const ListenerNames& names) {
  // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict) on "[" + string.
  const IpAddress& a = names.listen_address;
  std::string out;
  if (a.is_v6()) out += '[';
  out += a.to_string();
  if (a.is_v6()) out += ']';
  out += ':';
  out += std::to_string(names.port);
  return out;
}

[[noreturn]] void refuse(const std::string& why) { throw Error(ErrorCode::PolicyDenied, why); }

}  // namespace

std::optional<HostPort> parse_host_port(std::string_view text) {
  if (text.empty() || text.size() > 300) return std::nullopt;
  HostPort out;
  std::string_view rest;
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = lower(text.substr(1, close - 1));
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(out.host, ec);  // no zone ids: "%" fails here
    if (ec || out.host.find('%') != std::string::npos) return std::nullopt;
    rest = text.substr(close + 1);
  } else {
    auto colon = text.find(':');
    out.host = lower(text.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
    if (!out.host.empty() && out.host.back() == '.') out.host.pop_back();
    if (out.host.empty()) return std::nullopt;
    for (char c : out.host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return std::nullopt;
    }
  }
  if (!rest.empty()) {
    if (rest.front() != ':') return std::nullopt;
    if (rest.size() > 1) {  // "host:" is "host" (RFC 3986 allows an empty port)
      out.port = parse_port(rest.substr(1));
      if (!out.port) return std::nullopt;
    }
  }
  return out;
}

bool names_listener(const ListenerNames& names, const IpAddress& local, const HostPort& host) {
  bool builtin = false;
  if (auto ip = ip_of(host.host)) {
    builtin = ip->is_loopback() || *ip == policy::canonical_address(names.listen_address) ||
              *ip == policy::canonical_address(local);
  } else {
    builtin = host.host == "localhost";
  }
  bool listed = false, listed_port = false;
  for (const auto& text : names.allowed_hosts) {
    auto entry = parse_host_port(text);
    if (!entry || !same_host(entry->host, host.host)) continue;
    listed = true;
    if (entry->port && host.port && *entry->port == *host.port) listed_port = true;
  }
  if (!builtin && !listed) return false;
  return !host.port || *host.port == names.port || listed_port;
}

void check_host_and_origin(const ListenerNames& names, const IpAddress& local, std::optional<std::string_view> host,
                           std::optional<std::string_view> origin, std::optional<std::string_view> fetch_site) {
  const std::string where = " (this listener: " + listener_text(names) + ", localhost, loopback addresses, http.allowed_hosts)";
  if (host) {
    auto parsed = parse_host_port(*host);
    if (!parsed || !names_listener(names, local, *parsed)) refuse("the Host header does not name this listener" + where);
  }
  if (origin) {
    // An opaque origin ("null": sandboxed frames, file: pages) is never ours.
    std::string text = lower(*origin);
    std::optional<HostPort> parsed;
    std::uint16_t default_port = 0;
    for (auto [scheme, port] : {std::pair<std::string_view, std::uint16_t>{"http://", 80}, {"https://", 443}}) {
      if (text.rfind(scheme, 0) == 0) {
        std::string_view authority = std::string_view(*origin).substr(scheme.size());
        if (authority.find_first_of("/?#@") == std::string_view::npos) parsed = parse_host_port(authority);
        default_port = port;
      }
    }
    if (parsed && !parsed->port) parsed->port = default_port;  // an origin's port is part of it
    if (!parsed || !names_listener(names, local, *parsed)) refuse("cross-site request refused: the Origin is not this listener" + where);
  }
  if (fetch_site && (equal_ci(*fetch_site, "cross-site") || equal_ci(*fetch_site, "same-site"))) {
    refuse("cross-site request refused (Sec-Fetch-Site: " + lower(*fetch_site) + ")");
  }
}

}  // namespace ddtr::http
