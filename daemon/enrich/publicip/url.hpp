// The URLs the public IP fetcher deals in: http(s)://host[:port][/target],
// and a redirect's Location resolved against the URL that answered it.
#pragma once

#include <optional>
#include <string>

namespace ddtr::enrich {

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without the brackets of an IPv6 literal
  std::string port;    // explicit or the scheme's
  std::string target;  // path and query, "/" at least

  bool tls() const { return scheme == "https"; }
  std::string host_port() const;  // for Host, CONNECT: brackets around IPv6, ":port" when not the scheme's
  std::string authority() const;  // host:port always (a CONNECT's target)
  std::string text() const;
};

std::optional<Url> parse_url(const std::string& text);

// RFC 3986's resolution for the forms servers send (absolute,
// scheme-relative, absolute path, relative path, query only); nullopt when
// the result is no http(s) URL.
std::optional<Url> resolve_location(const Url& base, const std::string& location);

}  // namespace ddtr::enrich
