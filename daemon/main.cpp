// datadog-tracerouted: wiring only. Options, logging, the capability check, the
// listening sockets, the privilege drop, the policy, the engine thread, the RPC
// server on the KJ loop, config reload on SIGHUP, and a clean exit on SIGTERM/SIGINT.
#include <capnp/rpc-twoparty.h>
#include <kj/async-unix.h>
#include <signal.h>
#include <sys/resource.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "daemon/daemon_options.hpp"
#include "daemon/engine/engine.hpp"
#include "daemon/gateway/trace_gateway.hpp"
#include "daemon/http/http_listener.hpp"
#include "daemon/http/http_plan.hpp"
#include "daemon/http/http_server.hpp"
#include "daemon/http/policy_reload.hpp"
#ifdef DDTR_HAVE_METRICS_PAGE
#include "daemon/metrics/metrics_page.hpp"
#endif
#include "daemon/policy/policy_state.hpp"
#include "daemon/privilege_plan.hpp"
#include "daemon/gateway/kj_mailbox.hpp"
#include "daemon/rpc/listener_socket.hpp"
#include "daemon/rpc/rpc_server.hpp"
#include "daemon/service/systemd_notify.hpp"
#include "daemon/service/systemd_socket.hpp"
#include "platform/capabilities.hpp"
#include "platform/privilege.hpp"
#include "shared/common/error.hpp"
#include "shared/common/version.hpp"

namespace {

void setup_logging(const ddtr::daemon::DaemonOptions& options) {
  bool interactive = options.foreground && ::isatty(STDERR_FILENO);
  auto logger = spdlog::stderr_color_mt("datadog-tracerouted",
                                        interactive ? spdlog::color_mode::automatic : spdlog::color_mode::never);
  // Under systemd the journal adds time and unit; keep lines plain there.
  logger->set_pattern(interactive ? "%Y-%m-%d %H:%M:%S.%e %^%l%$ %v" : "%l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(options.log_level));
}

// Each connection and trace costs descriptors; the soft limit (often 1024)
// would cap the daemon long before memory does.
void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// The socket file this daemon created goes when the daemon does, however it
// leaves serve() (a later start step that fails included). Empty: the socket
// is systemd's, which keeps it for the next activation.
struct SocketFileRemover {
  std::string path;
  ~SocketFileRemover() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

// CAP_NET_RAW alone, as the user the plan names (or as started), said in the log.
ddtr::platform::ProcessPrivilege apply_privilege_plan(const ddtr::daemon::PrivilegePlan& plan, bool dropping,
                                                      const ddtr::platform::ProcessPrivilege& started) {
  if (dropping) {
    auto self = ddtr::platform::drop_privileges(plan.account);
    spdlog::log(plan.warn ? spdlog::level::warn : spdlog::level::info, "{}", plan.message);
    return self;
  }
  if (plan.action == ddtr::daemon::PrivilegePlan::Action::Drop) {
    spdlog::info("no capabilities to drop on this OS: the daemon keeps the privileges it was started with");
  } else {
    spdlog::info("{}", plan.message);
  }
  return started;
}

double unix_seconds(std::chrono::system_clock::time_point at) {
  return std::chrono::duration<double>(at.time_since_epoch()).count();
}

// SIGHUP: a new policy file takes effect whole, or the old one stays
// (ddtr::http::reload_policy, shared with the Windows service). Then the
// metrics listener (`metrics_http`, null when off) takes the new tokens and
// limits, `counts` says how the reload went, and the engine takes the new
// public IP proxy.
kj::Promise<void> reload_on_hangup(kj::UnixEventPort& port, ddtr::policy::PolicyState& policy,
                                   ddtr::http::HttpServer* http, const std::string& http_file_listen,
                                   ddtr::http::HttpServer* metrics_http, ddtr::metrics::DaemonMetrics& counts,
                                   ddtr::engine::Engine& engine) {
  return port.onSignal(SIGHUP).then([&port, &policy, http, &http_file_listen, metrics_http, &counts,
                                     &engine](siginfo_t) {
    if (ddtr::http::reload_policy(policy, http, http_file_listen)) {
      counts.policy_loaded(unix_seconds(policy.loaded_at()));
      if (metrics_http) metrics_http->apply(policy.rules()->config().http);
      engine.set_public_ip_proxy(ddtr::enrich::ProxySettings::choose(policy.rules()->config().public_ip_proxy));
    } else {
      counts.policy_reload_failed();
    }
    return reload_on_hangup(port, policy, http, http_file_listen, metrics_http, counts, engine);
  });
}

int serve(const ddtr::daemon::DaemonOptions& options) {
  // Signals must be captured before any thread exists (the engine's).
  kj::UnixEventPort::captureSignal(SIGTERM);
  kj::UnixEventPort::captureSignal(SIGINT);
  kj::UnixEventPort::captureSignal(SIGHUP);
  ::signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();
  auto io = kj::setupAsyncIo();

  // Whom the daemon becomes once its sockets are open; a bad --user stops the start.
  const ddtr::platform::ProcessPrivilege started = ddtr::platform::current_privilege();
  const auto plan =
      ddtr::daemon::plan_privileges(started.all_root, started.uid, options.user, ddtr::platform::find_account);
  using Action = ddtr::daemon::PrivilegePlan::Action;
  if (plan.action == Action::Refuse) throw ddtr::Error(ddtr::ErrorCode::InvalidRequest, plan.message);
  const bool dropping = plan.action == Action::Drop && ddtr::platform::privilege_drop_supported();

  // What must be opened while the daemon may still open anything comes from
  // the policy file read now; the policy itself is loaded after the drop.
  const auto config = ddtr::policy::load_policy_config(options.config_path, options.config_path_is_default);
  // The checks of the file that can refuse the start come before the socket
  // exists (a start refused later, at the audit log, removes it again).
  const ddtr::http::HttpPlan http_plan = ddtr::http::plan_http(config.http, options.http_listen);
  const bool http_enabled = http_plan.enabled;
  const std::string& http_listen = http_plan.listen;
  const std::string& http_file_listen = http_plan.file_listen;
  if (!options.metrics_listen.empty()) {
#ifndef DDTR_HAVE_METRICS_PAGE
    throw ddtr::Error(ddtr::ErrorCode::InvalidRequest, "--metrics-listen: this build has no metrics page (no prometheus-cpp)");
#endif
    ddtr::policy::check_http_exposure(config.http, options.metrics_listen);
  }
  // Directories the daemon creates are the user's it becomes: it creates the
  // audit log there after the drop (and again on SIGHUP after a rotation) and
  // removes its socket file there on exit. Existing ones are left as they are.
  auto directory_of = [](const std::string& path) { return std::filesystem::path(path).parent_path().string(); };
  if (dropping && !config.audit_log.empty()) {
    ddtr::platform::create_directory_for(directory_of(config.audit_log), 0750, plan.account);
  }
  // Socket activation: systemd's socket if it passed one (the .socket unit owns
  // that file, its mode and group), else our own at --socket.
  ddtr::service::SystemdNotifier notifier;
  auto inherited = ddtr::service::inherited_listen_socket();
  const std::string listen_path = inherited ? inherited->path : options.socket_path;
  if (!inherited && dropping) ddtr::platform::create_directory_for(directory_of(options.socket_path), 0755, plan.account);
  ddtr::platform::UniqueFd listen_fd =
      inherited ? std::move(inherited->fd)
                : ddtr::rpcserver::open_listener_socket(options.socket_path, {config.socket_mode, config.socket_group});
  SocketFileRemover remove_socket_file{inherited ? std::string() : options.socket_path};
  // Bound now: a port below 1024 needs root, which is about to go.
  std::optional<ddtr::http::HttpListener> http_listener;
  if (http_enabled) http_listener.emplace(ddtr::policy::parse_listen_address(http_listen));
  std::optional<ddtr::http::HttpListener> metrics_listener;
  if (!options.metrics_listen.empty()) {
    metrics_listener.emplace(ddtr::policy::parse_listen_address(options.metrics_listen));
  }

  // Least privilege from here on. Before any thread starts (the engine's,
  // HTTP's): capabilities are per thread, and later threads inherit these.
  const ddtr::platform::ProcessPrivilege self = apply_privilege_plan(plan, dropping, started);

  // Opened as the user that reopens it on SIGHUP: a start that works means a rotation works too.
  ddtr::policy::PolicyState policy(options.config_path, options.config_path_is_default);
  spdlog::info("policy: {}{}; audit log: {}", options.config_path,
               policy.config_file_exists() ? "" : " (not found: built-in defaults)",
               policy.audit().path().empty() ? "disabled" : policy.audit().path());
  auto mailbox = std::make_shared<ddtr::gateway::KjMailbox>();
  int result = 0;
  {
    ddtr::engine::EngineOptions engine_options;
    if (!options.public_ip_urls.empty()) engine_options.public_ip.urls = options.public_ip_urls;
    engine_options.public_ip.proxy = ddtr::enrich::ProxySettings::choose(policy.rules()->config().public_ip_proxy);
    engine_options.shared_capture = !options.per_trace_capture;
    engine_options.pacing.send_delay = options.send_delay;
    engine_options.pacing.window = options.window;
    engine_options.pacing.max_in_flight = options.max_in_flight;
    engine_options.pacing.wait.enabled = options.adaptive_wait;
    engine_options.resolver.deadline = options.dns_timeout;
    ddtr::engine::Engine engine(std::move(engine_options));
    {
      auto receiver = io.lowLevelProvider->wrapListenSocketFd(
          listen_fd.release(), kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP |
                                   kj::LowLevelAsyncIoProvider::ALREADY_NONBLOCK |
                                   kj::LowLevelAsyncIoProvider::ALREADY_CLOEXEC);
      ddtr::rpcserver::ConnectionRegistry connections;
      ddtr::gateway::TraceGateway gateway(engine, mailbox, policy);
      ddtr::rpcserver::DaemonContext context{gateway, connections, self.effective_capabilities, self.uid, self.user};
      auto http_bridge = std::make_shared<ddtr::http::TraceBridge>(gateway, mailbox);
      // /metrics: rendered on the HTTP thread from atomics and the engine's
      // published counts; neither the engine nor this loop is asked.
      gateway.metrics().policy_loaded(unix_seconds(policy.loaded_at()));
      ddtr::http::MetricsEndpoint metrics_endpoint;
      metrics_endpoint.counts = &gateway.metrics();
#ifdef DDTR_HAVE_METRICS_PAGE
      auto page = std::make_shared<const ddtr::metrics::MetricsPage>();
      metrics_endpoint.content_type = ddtr::metrics::kContentType;
      metrics_endpoint.render = [page, &gateway, &engine, &policy] {
        auto ids = engine.identities();
        ddtr::metrics::Readings readings{ids.echo_ids, ids.ports, ids.demux_routes, engine.unrouted_replies(),
                                         policy.audit().write_failures()};
        return page->render(gateway.metrics(), readings);
      };
#endif
      std::unique_ptr<ddtr::http::HttpServer> http_server;
      if (http_enabled) {
        http_server = std::make_unique<ddtr::http::HttpServer>(config.http, std::move(*http_listener), http_bridge,
                                                               metrics_endpoint);
        spdlog::info("HTTP API listening on {}", http_listen);
      }
      std::unique_ptr<ddtr::http::HttpServer> metrics_server;
      if (metrics_listener) {
        auto only = metrics_endpoint;
        only.only = true;
        metrics_server = std::make_unique<ddtr::http::HttpServer>(config.http, std::move(*metrics_listener),
                                                                  http_bridge, std::move(only));
        spdlog::info("metrics listening on {}", options.metrics_listen);
      }
      ddtr::rpcserver::RpcServer server(context, io.provider->getTimer(), kj::mv(receiver));
      spdlog::info("datadog-tracerouted {} listening on {} ({})", ddtr::kVersion, listen_path,
                   inherited ? "socket passed by systemd" : "own socket");
      notifier.notify_ready("listening on " + listen_path);

      auto stop = io.unixEventPort.onSignal(SIGTERM)
                      .exclusiveJoin(io.unixEventPort.onSignal(SIGINT))
                      .then([&notifier](siginfo_t info) {
                        spdlog::info("signal {} received, shutting down", info.si_signo);
                        notifier.notify_stopping("shutting down");
                      });
      auto serving = server.run().then([]() {}, [&result](kj::Exception&& e) {
        spdlog::error("listening socket failed: {}", e.getDescription().cStr());
        result = 1;
      });
      stop.exclusiveJoin(kj::mv(serving))
          .exclusiveJoin(mailbox->run())
          .exclusiveJoin(reload_on_hangup(io.unixEventPort, policy, http_server.get(), http_file_listen,
                                          metrics_server.get(), gateway.metrics(), engine))
          .exclusiveJoin(gateway.report_suppressed_refusals_every(io.provider->getTimer(), 5 * kj::SECONDS))
          .wait(io.waitScope);
      // The HTTP thread stops first (it posts into the gateway); then leaving
      // this scope destroys the RPC server and every connection, which cancels
      // their in-flight traces in the engine.
      metrics_server.reset();
      http_server.reset();
      http_bridge->close();
    }
    mailbox->close();
    engine.cancel_all();
  }  // the engine joins its thread here
  spdlog::info("stopped");
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  auto command = ddtr::daemon::parse_daemon_options(argc, argv);
  if (!command.run) {
    (command.exit_code == 0 ? std::cout : std::cerr) << command.output;
    return command.exit_code;
  }
  const auto& options = *command.run;
  setup_logging(options);
  if (!ddtr::platform::has_cap_net_raw()) {
    spdlog::error(
        "datadog-tracerouted needs CAP_NET_RAW to open raw and packet sockets, and this process does not have it. "
        "Run it as root (sudo datadog-tracerouted --foreground) or grant the capability "
        "(systemd: AmbientCapabilities=CAP_NET_RAW).");
    return 1;
  }
  try {
    return serve(options);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}
