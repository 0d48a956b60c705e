#include "daemon/enrich/publicip/url.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <vector>

namespace ddtr::enrich {

std::string Url::host_port() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
  return default_port ? h : h + ":" + port;
}

std::string Url::authority() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

std::string Url::text() const { return scheme + "://" + host_port() + target; }

std::optional<Url> parse_url(const std::string& text) {
  static const std::regex pattern(R"(^(https?)://([^/:?#\[\]@]+|\[[0-9a-fA-F:.]+\])(?::([0-9]{1,5}))?([/?][^#]*)?(#.*)?$)",
                                  std::regex::icase);
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) return std::nullopt;
  Url u;
  u.scheme = m[1].str();
  std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  u.host = m[2].str();
  if (u.host.front() == '[') u.host = u.host.substr(1, u.host.size() - 2);
  u.port = m[3].matched ? m[3].str() : (u.tls() ? "443" : "80");
  u.target = m[4].matched ? m[4].str() : "/";
  if (u.target.front() == '?') u.target = "/" + u.target;
  return u;
}

std::optional<Url> resolve_location(const Url& base, const std::string& location) {
  std::string loc = location.substr(0, location.find('#'));
  static const std::regex has_scheme(R"(^[a-zA-Z][a-zA-Z0-9+.-]*:.*)");
  if (std::regex_match(loc, has_scheme)) return parse_url(loc);
  if (loc.rfind("//", 0) == 0) return parse_url(base.scheme + ":" + loc);
  Url u = base;
  std::string path = base.target.substr(0, base.target.find('?'));
  if (loc.empty()) return u;
  if (loc.front() == '/') {
    u.target = loc;
  } else if (loc.front() == '?') {
    u.target = path + loc;
  } else {
    u.target = path.substr(0, path.rfind('/') + 1) + loc;
  }
  // Remove "." and ".." segments (RFC 3986, 5.2.4) from the path.
  auto query_at = u.target.find('?');
  std::string query = query_at == std::string::npos ? "" : u.target.substr(query_at);
  std::string input = u.target.substr(0, query_at);
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= input.size()) {
    auto slash = input.find('/', start);
    std::string segment = input.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    bool last = slash == std::string::npos;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (segment == ".") {
      if (last) segments.emplace_back();
    } else {
      segments.push_back(segment);
    }
    start = last ? input.size() + 1 : slash + 1;
  }
  std::string out;
  for (const auto& s : segments) out += "/" + s;
  u.target = (out.empty() ? "/" : out) + query;
  return u;
}

}  // namespace ddtr::enrich
