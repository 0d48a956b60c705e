#include "daemon/http/query_params.hpp"

#include <charconv>
#include <climits>
#include <optional>

#include "shared/common/error.hpp"

namespace ddtr::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// url.QueryUnescape (plus_is_space) and url.PathUnescape: "%XX" a byte; a bad
// escape fails.
std::optional<std::string> unescape(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;  // needs two digits after '%'
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> query_unescape(std::string_view text) { return unescape(text, true); }

const std::string* first(const QueryValues& query, const std::string& key) {
  auto it = query.find(key);
  return it == query.end() || it->second.empty() ? nullptr : &it->second.front();
}

// strconv.Atoi on a 64-bit int: base 10, an optional sign, nothing else.
std::optional<long long> go_atoi(const std::string& text) {
  std::string_view digits(text);
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return std::nullopt;
  unsigned long long magnitude = 0;
  auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  if (err != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  if (magnitude > static_cast<unsigned long long>(LLONG_MAX) + (negative ? 1 : 0)) return std::nullopt;
  if (negative) return magnitude == static_cast<unsigned long long>(LLONG_MAX) + 1 ? LLONG_MIN : -static_cast<long long>(magnitude);
  return static_cast<long long>(magnitude);
}

// An int parameter: the default unless the value parses. Go keeps 64 bits;
// TTLs are cut to 8 bits later, so keep the low bits there, and clamp the
// others so an out-of-range value still fails validation.
int int_param(const QueryValues& query, const std::string& key, int fallback, bool keep_low_bits = false) {
  const std::string* value = first(query, key);
  if (value == nullptr) return fallback;
  auto parsed = go_atoi(*value);
  if (!parsed) return fallback;
  if (keep_low_bits) return static_cast<int>(static_cast<unsigned long long>(*parsed) & 0xffff'ffffu);
  if (*parsed > INT_MAX) return INT_MAX;
  if (*parsed < INT_MIN) return INT_MIN;
  return static_cast<int>(*parsed);
}

bool bool_param(const QueryValues& query, const std::string& key) {
  const std::string* value = first(query, key);
  if (value == nullptr) return false;
  for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (*value == yes) return true;
  }
  return false;  // the false spellings, and anything unparsable, mean the default
}

}  // namespace

std::optional<std::string> path_unescape(std::string_view raw_path) { return unescape(raw_path, false); }

QueryValues parse_query(std::string_view raw) {
  QueryValues out;
  while (!raw.empty()) {
    auto amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.find(';') != std::string_view::npos || pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = query_unescape(pair.substr(0, eq));
    auto value = query_unescape(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!key || !value) continue;
    out[*key].push_back(std::move(*value));
  }
  return out;
}

TraceParams traceroute_params(const QueryValues& query) {
  TraceParams p;
  const std::string* target = first(query, "target");
  if (target == nullptr || target->empty()) {
    throw Error(ErrorCode::InvalidRequest, "missing required parameter: target");
  }
  p.hostname = *target;
  if (const std::string* protocol = first(query, "protocol")) p.protocol = *protocol;
  if (const std::string* method = first(query, "tcp-method")) p.tcp_method = *method;
  p.port = int_param(query, "port", defaults::kPort);
  p.traceroute_queries = int_param(query, "traceroute-queries", defaults::kTracerouteQueries);
  p.max_ttl = int_param(query, "max-ttl", defaults::kMaxTtl, true);
  p.timeout_ms = int_param(query, "timeout", defaults::kTimeoutMs);
  p.e2e_queries = int_param(query, "e2e-queries", defaults::kE2eQueries);
  p.want_v6 = bool_param(query, "ipv6");
  p.reverse_dns = bool_param(query, "reverse-dns");
  p.collect_source_public_ip = bool_param(query, "source-public-ip");
  p.use_windows_driver = bool_param(query, "windows-driver");
  p.skip_private_hops = bool_param(query, "skip-private-hops");
  return p;
}

}  // namespace ddtr::http
