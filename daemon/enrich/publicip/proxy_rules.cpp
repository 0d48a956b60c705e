#include "daemon/enrich/publicip/proxy_rules.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <cstdlib>
#include <regex>
#include <vector>

#include "shared/common/error.hpp"

namespace ddtr::enrich {
namespace {

std::string lower_trimmed(std::string s) {
  auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  s = s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::optional<boost::asio::ip::address> parse_ip(const std::string& text) {
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(text, ec);
  if (ec) return std::nullopt;
  if (ip.is_v6() && ip.to_v6().is_v4_mapped()) return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, ip.to_v6());
  return ip;
}

// Go's net.SplitHostPort, enough for NO_PROXY entries: "host:port" or "[v6]:port".
bool split_host_port(const std::string& text, std::string& host, std::string& port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host = text.substr(0, colon);
  port = text.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.back() != ']') return false;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return false;  // a bare IPv6 address, no port
  }
  return true;
}

bool in_cidr(const boost::asio::ip::address& ip, const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return false;
  auto network = parse_ip(text.substr(0, slash));
  std::string bits_text = text.substr(slash + 1);
  if (!network || bits_text.empty() || bits_text.size() > 3 ||
      !std::all_of(bits_text.begin(), bits_text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return false;
  }
  int bits = std::stoi(bits_text);
  if (network->is_v4() != ip.is_v4() || bits > (ip.is_v4() ? 32 : 128)) return false;
  auto bytes = [](const boost::asio::ip::address& a) {
    if (a.is_v4()) {
      auto b = a.to_v4().to_bytes();
      return std::vector<unsigned char>(b.begin(), b.end());
    }
    auto b = a.to_v6().to_bytes();
    return std::vector<unsigned char>(b.begin(), b.end());
  };
  auto a = bytes(ip), n = bytes(*network);
  for (int i = 0; i < bits; ++i) {
    int mask = 0x80 >> (i % 8);
    if ((a[static_cast<std::size_t>(i / 8)] & mask) != (n[static_cast<std::size_t>(i / 8)] & mask)) return false;
  }
  return true;
}

bool cidr_text(const std::string& text) {
  auto slash = text.find('/');
  return slash != std::string::npos && parse_ip(text.substr(0, slash)).has_value();
}

// httpproxy's useProxy with its NO_PROXY matchers: false when the request
// goes direct.
bool use_proxy(const std::string& no_proxy, const std::string& request_host, const std::string& request_port) {
  std::string host = lower_trimmed(request_host);
  if (host == "localhost") return false;
  auto ip = parse_ip(host);
  if (ip && ip->is_loopback()) return false;
  std::size_t start = 0;
  while (start <= no_proxy.size()) {
    auto comma = no_proxy.find(',', start);
    std::string entry = lower_trimmed(no_proxy.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? no_proxy.size() + 1 : comma + 1;
    if (entry.empty()) continue;
    if (entry == "*") return false;
    if (cidr_text(entry)) {
      if (ip && in_cidr(*ip, entry)) return false;
      continue;
    }
    std::string entry_host = entry, entry_port;
    if (split_host_port(entry, entry_host, entry_port)) {
      if (entry_host.empty()) continue;  // ":80": malformed, ignored
    } else {
      entry_host = entry;
      entry_port.clear();
    }
    bool port_matches = entry_port.empty() || entry_port == request_port;
    if (auto entry_ip = parse_ip(entry_host)) {
      if (ip && *ip == *entry_ip && port_matches) return false;
      continue;
    }
    if (ip) continue;  // names match names only
    // "foo.com" matches foo.com and *.foo.com; ".foo.com" and "*.foo.com" only the subdomains.
    if (entry_host.rfind("*.", 0) == 0) entry_host = entry_host.substr(1);
    bool match_host = entry_host.front() != '.';
    if (match_host) entry_host = "." + entry_host;
    bool suffix = host.size() >= entry_host.size() && host.compare(host.size() - entry_host.size(), entry_host.size(), entry_host) == 0;
    if ((suffix || (match_host && host == entry_host.substr(1))) && port_matches) return false;
  }
  return true;
}

std::string base64(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += {table[(v >> 18) & 63], table[(v >> 12) & 63], table[(v >> 6) & 63], table[v & 63]};
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {table[(v >> 18) & 63], table[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {table[(v >> 18) & 63], table[(v >> 12) & 63], table[(v >> 6) & 63], '='};
  }
  return out;
}

std::string percent_decoded(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

ProxyServer parse_proxy(const std::string& value) {
  static const std::regex with_scheme(R"(^([a-zA-Z][a-zA-Z0-9+.-]*)://(.*)$)");
  std::smatch m;
  std::string scheme = "http", rest = value;
  if (std::regex_match(value, m, with_scheme)) {
    scheme = lower_trimmed(m[1].str());
    rest = m[2].str();
  }
  if (scheme != "http") {
    throw Error(ErrorCode::InvalidRequest, "proxyconnect: proxy scheme \"" + scheme + "\" is not supported (http:// only)");
  }
  rest = rest.substr(0, rest.find_first_of("/?#"));
  ProxyServer proxy;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    proxy.authorization = "Basic " + base64(percent_decoded(rest.substr(0, at)));
    rest = rest.substr(at + 1);
  }
  static const std::regex host_port(R"(^([^\[\]:]+|\[[0-9a-fA-F:.]+\])(?::([0-9]{1,5}))?$)");
  if (!std::regex_match(rest, m, host_port)) {
    throw Error(ErrorCode::InvalidRequest, "invalid proxy address \"" + value + "\"");
  }
  proxy.host = m[1].str();
  if (proxy.host.front() == '[') proxy.host = proxy.host.substr(1, proxy.host.size() - 2);
  proxy.port = m[2].matched ? m[2].str() : "80";
  return proxy;
}

}  // namespace

ProxySettings ProxySettings::from_environment(const std::function<const char*(const char*)>& getenv) {
  auto any = [&getenv](const char* upper, const char* lower) {
    if (const char* v = getenv(upper); v != nullptr && *v != '\0') return std::string(v);
    if (const char* v = getenv(lower); v != nullptr) return std::string(v);
    return std::string();
  };
  ProxySettings settings;
  settings.http_proxy = any("HTTP_PROXY", "http_proxy");
  settings.https_proxy = any("HTTPS_PROXY", "https_proxy");
  settings.no_proxy = any("NO_PROXY", "no_proxy");
  const char* method = getenv("REQUEST_METHOD");
  settings.cgi = method != nullptr && *method != '\0';
  return settings;
}

ProxySettings ProxySettings::from_policy(const std::string& proxy) {
  ProxySettings settings;
  if (proxy != "direct") settings.http_proxy = settings.https_proxy = proxy;
  return settings;
}

ProxySettings ProxySettings::choose(const std::string& policy_proxy,
                                    const std::function<const char*(const char*)>& getenv) {
  return policy_proxy.empty() ? from_environment(getenv) : from_policy(policy_proxy);
}

ProxySettings ProxySettings::choose(const std::string& policy_proxy) {
  return choose(policy_proxy, [](const char* name) { return std::getenv(name); });
}

std::optional<ProxyServer> proxy_for(const ProxySettings& settings, const std::string& scheme, const std::string& host,
                                     const std::string& port) {
  std::string value = scheme == "https" ? settings.https_proxy : settings.http_proxy;
  if (value.empty() || !use_proxy(settings.no_proxy, host, port)) return std::nullopt;
  if (scheme != "https" && settings.cgi) {
    throw Error(ErrorCode::InvalidRequest, "refusing to use HTTP_PROXY value in CGI environment; see golang.org/s/cgihttpproxy");
  }
  return parse_proxy(value);
}

}  // namespace ddtr::enrich
