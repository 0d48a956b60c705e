#include "daemon/engine/target_resolver.hpp"

#include <boost/asio/ip/udp.hpp>
#include <charconv>
#include <memory>

namespace ddtr::engine {
namespace {

Error invalid_address(std::string_view raw, std::string_view why) {
  return Error(ErrorCode::InvalidRequest,
               "invalid target: invalid address: address " + std::string(raw) + ": " + std::string(why));
}

bool has_port(std::string_view raw) {
  if (!raw.empty() && raw.front() == '[') return raw.find("]:") != std::string_view::npos;
  return std::count(raw.begin(), raw.end(), ':') == 1;
}

ResolveResult pick(const std::string& host, std::uint16_t port, bool want_v6,
                   const boost::asio::ip::udp::resolver::results_type& results) {
  if (results.empty()) {
    return Error(ErrorCode::Dns, "failed to resolve host \"" + host + "\": no addresses found");
  }
  for (const auto& entry : results) {
    IpAddress address = entry.endpoint().address();
    if (want_v6 || address.is_v4()) return Endpoint{address, port};
  }
  return Error(ErrorCode::Dns, "failed to resolve host \"" + host + "\": no IPv4 address found");
}

}  // namespace

TargetSpec split_target(std::string_view raw, int default_port) {
  if (!has_port(raw)) {
    std::string host(raw);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return {host, std::to_string(default_port)};
  }
  // Go's net.SplitHostPort, for the shapes has_port() lets through.
  if (raw.front() == '[') {
    auto close = raw.find(']');
    if (close == std::string_view::npos) throw invalid_address(raw, "missing ']' in address");
    if (close + 1 >= raw.size() || raw[close + 1] != ':') throw invalid_address(raw, "missing port in address");
    std::string_view host = raw.substr(1, close - 1);
    std::string_view port = raw.substr(close + 2);
    if (host.find('[') != std::string_view::npos || host.find(']') != std::string_view::npos ||
        port.find(']') != std::string_view::npos) {
      throw invalid_address(raw, "unexpected ']' in address");
    }
    return {std::string(host), std::string(port)};
  }
  auto colon = raw.rfind(':');
  std::string_view host = raw.substr(0, colon);
  if (host.find('[') != std::string_view::npos || host.find(']') != std::string_view::npos) {
    throw invalid_address(raw, "unexpected '[' in address");
  }
  return {std::string(host), std::string(raw.substr(colon + 1))};
}

std::uint16_t parse_target_port(const std::string& port_text) {
  int value = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || value < 1 || value > 65535) {
    throw Error(ErrorCode::InvalidRequest, "invalid target: invalid port: " + port_text);
  }
  return static_cast<std::uint16_t>(value);
}

void resolve_target(boost::asio::io_context& io, std::string raw, int default_port, bool want_v6,
                    std::function<void(ResolveResult)> done) {
  TargetSpec spec;
  try {
    spec = split_target(raw, default_port);
  } catch (const Error& e) {
    done(e);
    return;
  }
  boost::system::error_code parse_error;
  IpAddress literal = boost::asio::ip::make_address(spec.host, parse_error);
  if (!parse_error) {
    try {
      done(Endpoint{literal, parse_target_port(spec.port_text)});
    } catch (const Error& e) {
      done(e);
    }
    return;
  }
  if (spec.host.empty()) {
    done(Error(ErrorCode::Dns, "failed to resolve host \"\": no such host"));
    return;
  }
  auto resolver = std::make_shared<boost::asio::ip::udp::resolver>(io);
  resolver->async_resolve(
      spec.host, "", boost::asio::ip::udp::resolver::numeric_service,
      [resolver, spec, want_v6, done = std::move(done)](
          const boost::system::error_code& ec, boost::asio::ip::udp::resolver::results_type results) {
        if (ec) {
          done(Error(ErrorCode::Dns, "failed to resolve host \"" + spec.host + "\": " + ec.message()));
          return;
        }
        try {
          // Upstream validates the port only after a successful lookup.
          done(pick(spec.host, parse_target_port(spec.port_text), want_v6, results));
        } catch (const Error& e) {
          done(e);
        }
      });
}

}  // namespace ddtr::engine
