#include "daemon/policy/policy_config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "shared/common/error.hpp"
#include "shared/common/trace_params.hpp"

namespace ddtr::policy {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& key, const std::string& what) {
  throw Error(ErrorCode::InvalidRequest, "config: " + key + ": " + what);
}

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

// Visits every key of an object, failing on keys it does not know.
void for_each_key(const json& object, const std::string& path,
                  const std::map<std::string, std::function<void(const json&, const std::string&)>>& handlers) {
  if (!object.is_object()) fail(path.empty() ? "(top level)" : path, "must be an object");
  for (const auto& [key, value] : object.items()) {
    auto it = handlers.find(key);
    if (it == handlers.end()) fail(join(path, key), "unknown key");
    it->second(value, join(path, key));
  }
}

long long read_integer(const json& value, const std::string& path, long long min, long long max) {
  if (!value.is_number_integer()) fail(path, "must be an integer");
  long long v = value.is_number_unsigned() ? static_cast<long long>(std::min<std::uint64_t>(value.get<std::uint64_t>(), INT64_MAX))
                                           : value.get<long long>();
  if (v < min || v > max) fail(path, "must be " + std::to_string(min) + ".." + std::to_string(max) + ", not " + std::to_string(v));
  return v;
}

int read_int(const json& value, const std::string& path, int min, int max) {
  return static_cast<int>(read_integer(value, path, min, max));
}

double read_number(const json& value, const std::string& path, double min, double max) {
  if (!value.is_number()) fail(path, "must be a number");
  double v = value.get<double>();
  if (!(v >= min && v <= max)) fail(path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return v;
}

std::string read_string(const json& value, const std::string& path) {
  if (!value.is_string()) fail(path, "must be a string");
  return value.get<std::string>();
}

bool read_bool(const json& value, const std::string& path) {
  if (!value.is_boolean()) fail(path, "must be true or false");
  return value.get<bool>();
}

template <typename T, typename Read>
std::vector<T> read_list(const json& value, const std::string& path, Read read) {
  if (!value.is_array()) fail(path, "must be a list");
  std::vector<T> out;
  for (std::size_t i = 0; i < value.size(); ++i) out.push_back(read(value[i], path + "[" + std::to_string(i) + "]"));
  return out;
}

Role read_role(const json& value, const std::string& path) {
  std::string name = read_string(value, path);
  for (Role role : {Role::Admin, Role::User, Role::Denied}) {
    if (name == role_name(role)) return role;
  }
  fail(path, "must be \"admin\", \"user\" or \"denied\", not \"" + name + "\"");
}

PortRange read_port_range(const json& value, const std::string& path) {
  if (value.is_number_integer()) {
    int port = read_int(value, path, 1, 65535);
    return {port, port};
  }
  std::string text = read_string(value, path);
  auto dash = text.find('-');
  auto number = [&](const std::string& part) {
    try {
      std::size_t used = 0;
      int port = std::stoi(part, &used);
      if (used != part.size() || port < 1 || port > 65535) throw std::out_of_range("port");
      return port;
    } catch (const std::exception&) {
      fail(path, "\"" + text + "\" is not a port (1..65535) or a range \"FIRST-LAST\"");
    }
  };
  if (dash == std::string::npos) {
    int port = number(text);
    return {port, port};
  }
  PortRange range{number(text.substr(0, dash)), number(text.substr(dash + 1))};
  if (range.first > range.last) fail(path, "range \"" + text + "\" runs backwards");
  return range;
}

AccessRule read_access_rule(const json& value, const std::string& path) {
  AccessRule rule;
  auto uid = [](const json& v, const std::string& p) {
    return static_cast<std::uint32_t>(read_integer(v, p, 0, 0xfffffffe));
  };
  for_each_key(value, path,
               {{"users", [&](const json& v, const std::string& p) { rule.users = read_list<std::string>(v, p, read_string); }},
                {"uids", [&](const json& v, const std::string& p) { rule.uids = read_list<std::uint32_t>(v, p, uid); }},
                {"groups", [&](const json& v, const std::string& p) { rule.groups = read_list<std::string>(v, p, read_string); }},
                {"gids", [&](const json& v, const std::string& p) { rule.gids = read_list<std::uint32_t>(v, p, uid); }}});
  return rule;
}

// Bounds as wide as the engine's own sanity limits: a config can only narrow them.
constexpr int kQueriesCap = 1000;
constexpr int kTimeoutCap = 3'600'000;

void read_role_limits(const json& value, const std::string& path, RoleLimits& limits) {
  auto integer = [](int& field, int min, int max) {
    return [&field, min, max](const json& v, const std::string& p) { field = read_int(v, p, min, max); };
  };
  for_each_key(
      value, path,
      {{"max_traceroute_queries", integer(limits.max_traceroute_queries, 1, kQueriesCap)},
       {"max_e2e_queries", integer(limits.max_e2e_queries, 0, kQueriesCap)},
       {"max_ttl", integer(limits.max_ttl, 1, 255)},
       {"min_timeout_ms", integer(limits.min_timeout_ms, 1, kTimeoutCap)},
       {"max_timeout_ms", integer(limits.max_timeout_ms, 1, kTimeoutCap)},
       {"ports", [&](const json& v, const std::string& p) { limits.ports = read_list<PortRange>(v, p, read_port_range); }},
       {"protocols",
        [&](const json& v, const std::string& p) {
          limits.protocols = read_list<std::string>(v, p, [](const json& item, const std::string& ip) {
            std::string name = read_string(item, ip);
            if (!is_known_protocol(name)) fail(ip, "must be \"icmp\", \"udp\" or \"tcp\", not \"" + name + "\"");
            return name;
          });
        }},
       {"concurrent_traces", integer(limits.concurrent_traces, 0, 100'000)},
       {"queued_traces", integer(limits.queued_traces, 0, 1'000'000)},
       {"max_connections", integer(limits.max_connections, 0, 100'000)},
       {"rate_per_minute",
        [&](const json& v, const std::string& p) { limits.rate_per_minute = read_number(v, p, 0, 1e9); }},
       {"burst", integer(limits.burst, 0, 1'000'000)},
       {"probes_per_second",
        [&](const json& v, const std::string& p) { limits.probes_per_second = read_number(v, p, 0, 1e7); }}});
  if (limits.min_timeout_ms > limits.max_timeout_ms) fail(path, "min_timeout_ms is above max_timeout_ms");
}

int read_mode(const json& value, const std::string& path) {
  std::string text = read_string(value, path);
  std::size_t used = 0;
  int mode = -1;
  try {
    mode = std::stoi(text, &used, 8);
  } catch (const std::exception&) {
  }
  if (text.empty() || used != text.size() || mode < 0 || mode > 0777) {
    fail(path, "must be an octal mode such as \"0660\", not \"" + text + "\"");
  }
  return mode;
}

std::array<unsigned char, 32> read_sha256(const json& value, const std::string& path) {
  std::string text = read_string(value, path);
  std::array<unsigned char, 32> out{};
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  bool ok = text.size() == 64;
  for (std::size_t i = 0; ok && i < 32; ++i) {
    int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    ok = hi >= 0 && lo >= 0;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  if (!ok) fail(path, "must be 64 hex digits: the SHA-256 of the token (printf %s TOKEN | sha256sum)");
  return out;
}

HttpToken read_http_token(const json& value, const std::string& path) {
  HttpToken token;
  bool has_name = false, has_hash = false;
  for_each_key(value, path,
               {{"name",
                 [&](const json& v, const std::string& p) {
                   token.name = read_string(v, p);
                   if (token.name.empty()) fail(p, "must not be empty");
                   has_name = true;
                 }},
                {"sha256",
                 [&](const json& v, const std::string& p) {
                   token.sha256 = read_sha256(v, p);
                   has_hash = true;
                 }},
                {"role", [&](const json& v, const std::string& p) { token.role = read_role(v, p); }}});
  if (!has_name) fail(path, "needs a \"name\" (it names the caller in the audit log)");
  if (!has_hash) fail(path, "needs a \"sha256\"");
  return token;
}

void read_http(const json& value, const std::string& path, HttpConfig& http) {
  auto integer = [](int& field, int min, int max) {
    return [&field, min, max](const json& v, const std::string& p) { field = read_int(v, p, min, max); };
  };
  bool per_caller_set = false;
  for_each_key(
      value, path,
      {{"enabled", [&](const json& v, const std::string& p) { http.enabled = read_bool(v, p); }},
       {"listen",
        [&](const json& v, const std::string& p) {
          http.listen = read_string(v, p);
          try {
            parse_listen_address(http.listen);
          } catch (const Error& e) {
            fail(p, e.what());
          }
        }},
       {"anonymous_role", [&](const json& v, const std::string& p) { http.anonymous_role = read_role(v, p); }},
       {"tokens", [&](const json& v, const std::string& p) { http.tokens = read_list<HttpToken>(v, p, read_http_token); }},
       {"allowed_hosts",
        [&](const json& v, const std::string& p) {
          http.allowed_hosts = read_list<std::string>(v, p, [](const json& item, const std::string& ip) {
            std::string host = read_string(item, ip);
            // A name or address, with an optional port; matched by daemon/http/host_check.
            bool ok = !host.empty() && host.size() <= 261 &&
                      host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]") ==
                          std::string::npos;
            if (!ok) fail(ip, "must be a host name or address, optionally with :PORT");
            return host;
          });
        }},
       {"max_connections", integer(http.max_connections, 1, 100'000)},
       {"max_connections_per_caller",
        [&](const json& v, const std::string& p) {
          http.max_connections_per_caller = read_int(v, p, 1, 100'000);
          per_caller_set = true;
        }},
       {"max_request_bytes", integer(http.max_request_bytes, 256, 1 << 20)},
       {"max_header_fields", integer(http.max_header_fields, 1, 1000)},
       {"idle_timeout_ms", integer(http.idle_timeout_ms, 100, 3'600'000)}});
  // The default follows a smaller max_connections; a value written must fit in it.
  if (!per_caller_set) {
    http.max_connections_per_caller = std::min(HttpConfig{}.max_connections_per_caller, http.max_connections);
  } else if (http.max_connections_per_caller > http.max_connections) {
    fail(join(path, "max_connections_per_caller"),
         "must be at most http.max_connections (" + std::to_string(http.max_connections) + "), not " +
             std::to_string(http.max_connections_per_caller));
  }
  for (std::size_t i = 0; i < http.tokens.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (http.tokens[i].name == http.tokens[j].name) fail(path + ".tokens", "two tokens are named \"" + http.tokens[i].name + "\"");
    }
  }
}

}  // namespace

ListenAddress parse_listen_address(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorCode::InvalidRequest, "invalid listen address \"" + text + "\": " + why);
  };
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') throw bad("expected [ADDRESS]:PORT");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) throw bad("expected ADDRESS:PORT");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  boost::system::error_code ec;
  ListenAddress out;
  out.address = boost::asio::ip::make_address(host, ec);
  if (ec) throw bad("\"" + host + "\" is not an IP address");
  int number = -1;
  try {
    std::size_t used = 0;
    number = std::stoi(port, &used);
    if (used != port.size()) number = -1;
  } catch (const std::exception&) {
  }
  if (number < 1 || number > 65535) throw bad("port must be 1..65535");
  out.port = static_cast<std::uint16_t>(number);
  return out;
}

void check_http_exposure(const HttpConfig& http, const std::string& listen) {
  ListenAddress where = parse_listen_address(listen);
  if (canonical_address(where.address).is_loopback()) return;
  if (http.tokens.empty() || http.anonymous_role != Role::Denied) {
    throw Error(ErrorCode::InvalidRequest,
                "config: http: the listen address " + listen +
                    " is not loopback, so every caller must show a token: set http.tokens and "
                    "http.anonymous_role \"denied\"");
  }
}

std::vector<Cidr> default_denied_destinations() {
  std::vector<Cidr> out;
  // The clouds' instance metadata services hand out credentials to whoever
  // reaches them from the instance; a traceroute is no business of theirs.
  // Every IPv6 form carrying one of the IPv4 addresses below is denied with it
  // (Policy::check_address). Sources, checked 2026-12:
  //  AWS   169.254.169.254, fd00:ec2::254 (Nitro):
  //        https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
  //  Google Cloud 169.254.169.254, fd20:ce::254 (IPv6-only VMs):
  //        https://cloud.google.com/compute/docs/metadata/querying-metadata
  //  Azure 169.254.169.254 (IMDS), 168.63.129.16 (WireServer: agent, DHCP, DNS, health probes):
  //        https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16
  //  Alibaba Cloud 100.100.100.200:
  //        https://www.alibabacloud.com/help/en/ecs/user-guide/overview-of-ecs-instance-metadata
  //        (and cloud-init's AliYun datasource: doc/rtd/topics/datasources/aliyun.rst)
  //  Oracle Cloud 169.254.169.254; 192.0.0.192 (Cloud@Customer and the classic cloud):
  //        https://docs.oracle.com/en-us/iaas/Content/Compute/Tasks/gettingmetadata.htm
  //        https://docs.oracle.com/en/cloud/cloud-at-customer/occ-get-started/retrieve-predefined-instance-metadata.html
  //  DigitalOcean, Hetzner, OpenStack, IBM Cloud, Tencent (169.254.0.23), ECS task
  //  metadata (169.254.170.2), OpenStack's fe80::a9fe:a9fe: all inside the link-local blocks.
  for (const char* block : {"169.254.0.0/16",      // link-local, incl. 169.254.169.254 (AWS, GCP, Azure, OCI, ...)
                            "fe80::/10",           // link-local
                            "fd00:ec2::254/128",   // AWS metadata over IPv6
                            "fd20:ce::254/128",    // Google Cloud metadata over IPv6
                            "168.63.129.16/32",    // Azure WireServer
                            "100.100.100.200/32",  // Alibaba Cloud metadata
                            "192.0.0.192/32",      // Oracle Cloud metadata (Cloud@Customer, classic)
                            "224.0.0.0/4",         // multicast
                            "ff00::/8",            // multicast
                            "255.255.255.255/32",  // broadcast
                            "0.0.0.0/8",           // "this network"
                            "::/128"}) {           // unspecified
    out.push_back(Cidr::parse(block));
  }
  return out;
}

namespace {

// "direct", or an http:// proxy ("host:port" means http://host:port, as Go
// reads HTTPS_PROXY); https:// and socks5:// proxies are not spoken here.
std::string read_proxy(const json& value, const std::string& path) {
  std::string text = read_string(value, path);
  static const std::regex proxy(R"(^(?:[hH][tT][tT][pP]://)?(?:[^@/\s]+@)?(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?/?$)");
  if (text.empty() || text == "direct" || std::regex_match(text, proxy)) return text;
  fail(path, "\"" + text + "\" is neither \"direct\" nor an http proxy (http://host:port)");
}

}  // namespace

PolicyConfig parse_policy_config(std::string_view json_text) {
  json document;
  try {
    document = json::parse(json_text);
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number too large for a double (found
    // by fuzz_policy_config); the message carries the byte offset.
    throw Error(ErrorCode::InvalidRequest, std::string("config: not valid JSON: ") + e.what());
  }
  PolicyConfig config;
  auto cidrs = [](const json& v, const std::string& p) {
    return read_list<Cidr>(v, p, [](const json& item, const std::string& ip) {
      std::string text = read_string(item, ip);
      try {
        return Cidr::parse(text);
      } catch (const Error& e) {
        fail(ip, e.what());
      }
    });
  };
  for_each_key(
      document, "",
      {{"access",
        [&](const json& value, const std::string& path) {
          for_each_key(value, path,
                       {{"default_role", [&](const json& v, const std::string& p) { config.default_role = read_role(v, p); }},
                        {"admin", [&](const json& v, const std::string& p) { config.access[0] = read_access_rule(v, p); }},
                        {"user", [&](const json& v, const std::string& p) { config.access[1] = read_access_rule(v, p); }},
                        {"denied", [&](const json& v, const std::string& p) { config.access[2] = read_access_rule(v, p); }}});
        }},
       {"roles",
        [&](const json& value, const std::string& path) {
          for_each_key(value, path,
                       {{"admin", [&](const json& v, const std::string& p) { read_role_limits(v, p, config.roles[0]); }},
                        {"user", [&](const json& v, const std::string& p) { read_role_limits(v, p, config.roles[1]); }},
                        {"denied", [&](const json& v, const std::string& p) { read_role_limits(v, p, config.roles[2]); }}});
        }},
       {"global",
        [&](const json& value, const std::string& path) {
          for_each_key(value, path,
                       {{"concurrent_traces",
                         [&](const json& v, const std::string& p) { config.global_concurrent_traces = read_int(v, p, 1, 100'000); }},
                        {"queued_traces",
                         [&](const json& v, const std::string& p) { config.global_queued_traces = read_int(v, p, 0, 1'000'000); }},
                        {"max_connections", [&](const json& v, const std::string& p) {
                           config.global_max_connections = read_int(v, p, 1, 100'000);
                         }},
                        {"refusal_burst",
                         [&](const json& v, const std::string& p) { config.refusal_burst = read_int(v, p, 0, 1'000'000); }},
                        {"refusals_per_minute", [&](const json& v, const std::string& p) {
                           config.refusals_per_minute = read_number(v, p, 0, 1e6);
                         }},
                        {"probes_per_second", [&](const json& v, const std::string& p) {
                           config.global_probes_per_second = read_number(v, p, 0, 1e7);
                         }}});
        }},
       {"destinations",
        [&](const json& value, const std::string& path) {
          for_each_key(value, path,
                       {{"allow", [&](const json& v, const std::string& p) { config.allow = cidrs(v, p); }},
                        {"deny", [&](const json& v, const std::string& p) { config.deny = cidrs(v, p); }},
                        {"default_deny", [&](const json& v, const std::string& p) { config.default_deny = read_bool(v, p); }}});
        }},
       {"audit_log", [&](const json& v, const std::string& p) { config.audit_log = read_string(v, p); }},
       {"http", [&](const json& v, const std::string& p) { read_http(v, p, config.http); }},
       {"public_ip", [&](const json& value, const std::string& path) {
          for_each_key(value, path, {{"proxy", [&](const json& v, const std::string& p) {
                                        config.public_ip_proxy = read_proxy(v, p);
                                      }}});
        }},
       {"socket", [&](const json& value, const std::string& path) {
          for_each_key(value, path,
                       {{"group", [&](const json& v, const std::string& p) { config.socket_group = read_string(v, p); }},
                        {"mode", [&](const json& v, const std::string& p) { config.socket_mode = read_mode(v, p); }}});
        }}});
  if (config.http.enabled) check_http_exposure(config.http, config.http.listen);
  if (!config.audit_log.empty() && !std::filesystem::path(config.audit_log).is_absolute()) {
    fail("audit_log", "must be an absolute path (or \"\" to disable the audit log)");
  }
  return config;
}

PolicyConfig load_policy_config(const std::string& path, bool path_is_default) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT && path_is_default) return PolicyConfig{};
    throw Error(ErrorCode::InvalidRequest, "cannot read the config file " + path + ": " + std::strerror(err));
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parse_policy_config(text.str());
  } catch (const Error& e) {
    throw Error(e.code(), path + ": " + e.what());
  }
}

}  // namespace ddtr::policy
