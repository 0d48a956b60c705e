// Seeds for the text inputs: policy files (the packaged defaults' shape, every
// section, and a few mistakes) and HTTP query strings (the Go server's
// parameters, escapes, repeats and junk).
#include "tests/fuzz/corpus_gen/seeds.hpp"

namespace ddtr::fuzz {
namespace {

Seed text(std::string name, std::string_view body) { return {std::move(name), std::vector<std::uint8_t>(body.begin(), body.end())}; }

}  // namespace

TargetSeeds policy_config_seeds() {
  return {"policy_config",
          {text("empty", "{}"),
           text("access", R"({"access": {"default_role": "denied", "admin": {"users": ["root"], "gids": [27]},
 "denied": {"uids": [666]}}})"),
           text("roles", R"({"roles": {"user": {"max_traceroute_queries": 5, "ports": [53, "33434-33534"],
 "protocols": ["icmp"], "rate_per_minute": 1.5, "burst": 3}}})"),
           text("destinations", R"({"destinations": {"allow": ["192.0.2.0/24", "2001:db8::/32"],
 "deny": ["192.0.2.66"], "default_deny": false}})"),
           text("http", R"({"http": {"enabled": true, "listen": "[::1]:3765", "anonymous_role": "denied", "tokens":
 [{"name": "ci", "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "role": "admin"}]}})"),
           text("misc", R"({"global": {"concurrent_traces": 2}, "audit_log": "/tmp/a.log", "socket": {"mode": "0660"}})"),
           text("bad-key", R"({"roles": {"user": {"max_tll": 3}}})"),
           text("bad-json", R"({"roles": )")}};
}

TargetSeeds http_query_seeds() {
  return {"http_query",
          {text("defaults", "target=203.0.113.5"),
           text("every", "target=h.example&protocol=tcp&port=443&traceroute-queries=2&max-ttl=12&timeout=500&"
                         "tcp-method=sack&e2e-queries=7&ipv6=true&reverse-dns=1&source-public-ip=T&skip-private-hops=F"),
           text("escapes", "target=%5B2001:db8::1%5D:443&protocol=icm%70&x=a+b"),
           text("repeats", "target=a&target=b&port=1&port=x"),
           text("junk", "target=x;y&%zz=1&&=2&target"),
           text("missing", "protocol=icmp")}};
}

}  // namespace ddtr::fuzz
