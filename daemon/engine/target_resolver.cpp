#include "daemon/engine/target_resolver.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <memory>

#include "daemon/enrich/dns/ares_channel.hpp"

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

Error dns_error(const std::string& host, std::string_view why) {
  return Error(ErrorCode::Dns, "failed to resolve host \"" + host + "\": " + std::string(why));
}

ResolveResult pick(const std::string& host, std::uint16_t port, bool want_v6, const std::vector<IpAddress>& addresses) {
  if (addresses.empty()) return dns_error(host, "no addresses found");
  for (const auto& address : addresses) {
    if (want_v6 || address.is_v4()) return Endpoint{address, port};
  }
  return dns_error(host, "no IPv4 address found");
}

// c-ares's statuses in the words Go's resolver uses for the same outcomes.
std::string describe_status_words(int status) {
  switch (status) {
    case ARES_ENOTFOUND:
    case ARES_ENODATA:
    case ARES_EBADNAME:
    case ARES_ENONAME: return "no such host";
    case ARES_ETIMEOUT: return "i/o timeout";
    case ARES_ESERVFAIL:
    case ARES_EREFUSED:
    case ARES_EFORMERR:
    case ARES_EBADRESP:
    case ARES_ENOTIMP: return "server misbehaving";
    case ARES_ECONNREFUSED: return "connection refused";
    default: return ares_strerror(status);
  }
}

// Go's net.DNSError text: "lookup NAME on SERVER: WHY" ("on SERVER" only when
// a server was asked). Scripts grep for "no such host".
std::string describe_status(const std::string& host, const std::string& server, int status) {
  std::string out = "lookup " + host;
  if (!server.empty()) out += " on " + server;
  return out + ": " + describe_status_words(status);
}

std::string describe_duration(std::chrono::milliseconds d) {
  return d.count() % 1000 == 0 ? std::to_string(d.count() / 1000) + " s" : std::to_string(d.count()) + " ms";
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

// One name lookup: waits for a slot, then owns a c-ares channel and a deadline
// until the first of answer, deadline or abandonment.
class TargetResolver::Lookup : public std::enable_shared_from_this<Lookup> {
 public:
  Lookup(TargetResolver& owner, TargetSpec spec, bool want_v6, std::function<void(ResolveResult)> done)
      : owner_(owner), spec_(std::move(spec)), want_v6_(want_v6), done_(std::move(done)), deadline_(owner.io_) {}

  void begin(std::uint64_t principal) {
    ticket_ = owner_.slots_.acquire(principal, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->send();
    });
  }

  // The trace is gone: nothing of this lookup may outlive the call.
  void abandon() {
    if (finished_) return;
    finished_ = true;
    done_ = nullptr;
    stop();
  }

 private:
  void send() {
    const auto& options = owner_.options_;
    // Two tries at one server take 1 + 2 try timeouts (c-ares doubles the
    // second): the deadline exactly. More servers are cut by the deadline.
    enrich::AresChannelOptions channel_options{std::max(options.deadline / 3, std::chrono::milliseconds(1)), 2,
                                               options.servers};
    try {
      channel_ = std::make_unique<enrich::AresChannel>(owner_.io_, owner_.library_, channel_options);
    } catch (const Error& e) {
      // Never inside acquire(): its ticket is not known yet.
      boost::asio::post(owner_.io_, [weak = weak_from_this(), error = dns_error(spec_.host, e.what())] {
        if (auto self = weak.lock()) self->finish(error);
      });
      return;
    }
    deadline_.expires_after(options.deadline);
    deadline_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      self->finish(dns_error(self->spec_.host,
                             "i/o timeout (no answer within " + describe_duration(self->owner_.options_.deadline) + ")"));
    });
    channel_->getaddrinfo(spec_.host, [weak = weak_from_this()](int status, std::vector<IpAddress> addresses) {
      if (auto self = weak.lock()) self->answer(status, addresses);
    });
  }

  void answer(int status, const std::vector<IpAddress>& addresses) {
    if (status != ARES_SUCCESS) {
      finish(dns_error(spec_.host, describe_status(spec_.host, channel_ ? channel_->first_server() : "", status)));
      return;
    }
    try {
      // Upstream validates the port only after a successful lookup.
      finish(pick(spec_.host, parse_target_port(spec_.port_text), want_v6_, addresses));
    } catch (const Error& e) {
      finish(e);
    }
  }

  // Called from Asio handlers only (the channel posts its answers), so the
  // channel may be destroyed here.
  void finish(ResolveResult result) {
    if (finished_) return;
    finished_ = true;
    auto done = std::move(done_);
    stop();
    if (done) done(std::move(result));
  }

  // Frees the sockets, the timer and the slot; the slot may start another lookup.
  void stop() {
    deadline_.cancel();
    channel_.reset();
    owner_.slots_.release(ticket_);
  }

  TargetResolver& owner_;
  TargetSpec spec_;
  bool want_v6_;
  std::function<void(ResolveResult)> done_;
  boost::asio::steady_timer deadline_;
  std::unique_ptr<enrich::AresChannel> channel_;
  LookupSlots::Ticket ticket_ = 0;
  bool finished_ = false;
};

TargetResolver::Pending& TargetResolver::Pending::operator=(Pending&& other) noexcept {
  if (this != &other) {
    cancel();
    lookup_ = std::move(other.lookup_);
  }
  return *this;
}

void TargetResolver::Pending::cancel() {
  if (auto lookup = std::move(lookup_)) lookup->abandon();
}

TargetResolver::TargetResolver(boost::asio::io_context& io, ResolverOptions options)
    : io_(io), options_(std::move(options)), library_(enrich::AresLibrary::acquire()),
      slots_(options_.per_principal, options_.global) {}

TargetResolver::~TargetResolver() = default;

TargetResolver::Pending TargetResolver::resolve(std::uint64_t principal, std::string raw, int default_port,
                                                bool want_v6, std::function<void(ResolveResult)> done) {
  TargetSpec spec;
  try {
    spec = split_target(raw, default_port);
  } catch (const Error& e) {
    done(e);
    return {};
  }
  boost::system::error_code parse_error;
  IpAddress literal = boost::asio::ip::make_address(spec.host, parse_error);
  if (!parse_error) {
    try {
      done(Endpoint{literal, parse_target_port(spec.port_text)});
    } catch (const Error& e) {
      done(e);
    }
    return {};
  }
  if (spec.host.empty()) {
    done(dns_error("", "no such host"));
    return {};
  }
  auto lookup = std::make_shared<Lookup>(*this, std::move(spec), want_v6, std::move(done));
  lookup->begin(principal);
  return Pending(std::move(lookup));
}

}  // namespace ddtr::engine
