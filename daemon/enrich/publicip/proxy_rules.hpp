// Which proxy, if any, a public IP checker's URL goes through: the rules of
// Go's http.ProxyFromEnvironment (golang.org/x/net/http/httpproxy), which the
// Go tool's client follows, so that a daemon behind a corporate proxy reaches
// the checkers as the Go tool does. Plain code, unit-tested.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace ddtr::enrich {

struct ProxySettings {
  std::string http_proxy;   // for http:// URLs
  std::string https_proxy;  // for https:// URLs
  std::string no_proxy;     // comma-separated exceptions
  bool cgi = false;         // REQUEST_METHOD is set: HTTP_PROXY may be a request header (httpoxy), refused

  // HTTP_PROXY/http_proxy, HTTPS_PROXY/https_proxy, NO_PROXY/no_proxy (the
  // upper-case name first, as Go) and REQUEST_METHOD, read through `getenv`.
  static ProxySettings from_environment(const std::function<const char*(const char*)>& getenv);
  // The policy's public_ip.proxy: "direct" for none, otherwise the proxy of
  // both schemes, with no exceptions (the key replaces the environment).
  static ProxySettings from_policy(const std::string& proxy);
  // The policy's key when set (not ""), the environment otherwise.
  static ProxySettings choose(const std::string& policy_proxy, const std::function<const char*(const char*)>& getenv);
  // choose() with this process's environment: what a daemon applies at start and on reload.
  static ProxySettings choose(const std::string& policy_proxy);

  bool operator==(const ProxySettings&) const = default;
};

// A proxy as the transport dials it.
struct ProxyServer {
  std::string host;
  std::string port;
  std::string authorization;  // "Basic ..." from the URL's user:password, or ""
};

// The proxy for a request to scheme://host:port, nullopt for a direct
// connection. Loopback addresses and "localhost" are never proxied (Go). A
// proxy value without a scheme is http://; https:// and socks5:// proxies,
// which Go also speaks, are refused with an Error(InvalidRequest).
std::optional<ProxyServer> proxy_for(const ProxySettings& settings, const std::string& scheme, const std::string& host,
                                     const std::string& port);

}  // namespace ddtr::enrich
