#include "daemon/http/reload_check.hpp"

#include <spdlog/spdlog.h>

#include "shared/common/error.hpp"

namespace ddtr::http {
namespace {

std::string text_of(const policy::ListenAddress& where) {
  // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict) on "[" + string.
  const IpAddress& a = where.address;
  std::string out;
  if (a.is_v6()) out += '[';
  out += a.to_string();
  if (a.is_v6()) out += ']';
  out += ':';
  out += std::to_string(where.port);
  return out;
}

}  // namespace

void check_http_reload(const HttpServer* server, const policy::HttpConfig& fresh) {
  // Even with http.enabled now false: the socket listens until a restart.
  if (server != nullptr) check_http_reload(server->bound(), fresh);
}

void check_http_reload(const policy::ListenAddress& bound, const policy::HttpConfig& fresh) {
  std::string live = text_of(bound);
  try {
    policy::check_http_exposure(fresh, live);
  } catch (const Error& e) {
    throw Error(e.code(), "the HTTP API is listening on " + live + " until a restart, and the new policy would serve it: " +
                              e.what());
  }
}

void apply_http_reload(HttpServer* server, const policy::HttpConfig& fresh, const std::string& file_listen) {
  if (server == nullptr) {
    if (fresh.enabled) spdlog::warn("http.enabled is now true: the HTTP API starts at the next restart");
    return;
  }
  server->apply(fresh);
  if (!file_listen.empty() && fresh.listen != file_listen) {
    spdlog::warn("http.listen changed to {}: ignored until a restart; the HTTP API still listens on {}", fresh.listen,
                 text_of(server->bound()));
  }
  if (!file_listen.empty() && !fresh.enabled) {
    spdlog::warn("http.enabled is now false: the HTTP API still listens on {} until a restart", text_of(server->bound()));
  }
}

}  // namespace ddtr::http
