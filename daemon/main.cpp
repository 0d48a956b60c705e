// datadog-tracerouted: wiring only. Options, logging, the capability check, the
// policy, the engine thread, the listening socket, the RPC server on the KJ
// loop, config reload on SIGHUP, and a clean exit on SIGTERM/SIGINT.
#include <capnp/rpc-twoparty.h>
#include <kj/async-unix.h>
#include <signal.h>
#include <sys/resource.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <iostream>

#include "daemon/daemon_options.hpp"
#include "daemon/engine/engine.hpp"
#include "daemon/gateway/trace_gateway.hpp"
#include "daemon/http/http_server.hpp"
#include "daemon/http/reload_check.hpp"
#include "daemon/policy/policy_state.hpp"
#include "daemon/gateway/kj_mailbox.hpp"
#include "daemon/rpc/listener_socket.hpp"
#include "daemon/rpc/rpc_server.hpp"
#include "daemon/service/systemd_notify.hpp"
#include "daemon/service/systemd_socket.hpp"
#include "platform/capabilities.hpp"
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

// SIGHUP: a new policy file takes effect whole, or the old one stays. The HTTP
// rules are judged against the socket really listening (`http`, null when the
// API is off); `http_file_listen`: see ddtr::http::apply_http_reload.
kj::Promise<void> reload_on_hangup(kj::UnixEventPort& port, ddtr::policy::PolicyState& policy,
                                   ddtr::http::HttpServer* http, const std::string& http_file_listen) {
  return port.onSignal(SIGHUP).then([&port, &policy, http, &http_file_listen](siginfo_t) {
    try {
      policy.reload([http](const ddtr::policy::PolicyConfig& fresh) { ddtr::http::check_http_reload(http, fresh.http); });
      spdlog::info("policy reloaded from {}", policy.config_path());
      ddtr::http::apply_http_reload(http, policy.rules()->config().http, http_file_listen);
    } catch (const std::exception& e) {
      spdlog::error("policy reload failed, keeping the previous policy: {}", e.what());
    }
    return reload_on_hangup(port, policy, http, http_file_listen);
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

  ddtr::policy::PolicyState policy(options.config_path, options.config_path_is_default);
  spdlog::info("policy: {}{}; audit log: {}", options.config_path,
               policy.config_file_exists() ? "" : " (not found: built-in defaults)",
               policy.audit().path().empty() ? "disabled" : policy.audit().path());
  const auto& config = policy.rules()->config();
  // Every check that can refuse the start comes before the socket exists.
  bool http_enabled = config.http.enabled || !options.http_listen.empty();
  std::string http_listen = options.http_listen.empty() ? config.http.listen : options.http_listen;
  const std::string http_file_listen = options.http_listen.empty() ? config.http.listen : std::string();
  if (http_enabled) ddtr::policy::check_http_exposure(config.http, http_listen);
  // Socket activation: systemd's socket if it passed one (the .socket unit owns
  // that file, its mode and group), else our own at --socket.
  ddtr::service::SystemdNotifier notifier;
  auto inherited = ddtr::service::inherited_listen_socket();
  const std::string listen_path = inherited ? inherited->path : options.socket_path;
  ddtr::platform::UniqueFd listen_fd =
      inherited ? std::move(inherited->fd)
                : ddtr::rpcserver::open_listener_socket(options.socket_path, {config.socket_mode, config.socket_group});
  SocketFileRemover remove_socket_file{inherited ? std::string() : options.socket_path};
  auto mailbox = std::make_shared<ddtr::gateway::KjMailbox>();
  int result = 0;
  {
    ddtr::engine::EngineOptions engine_options;
    if (!options.public_ip_urls.empty()) engine_options.public_ip.urls = options.public_ip_urls;
    engine_options.shared_capture = !options.per_trace_capture;
    engine_options.pacing.send_delay = options.send_delay;
    engine_options.pacing.window = options.window;
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
      ddtr::rpcserver::DaemonContext context{gateway, connections, {"CAP_NET_RAW"}};
      auto http_bridge = std::make_shared<ddtr::http::TraceBridge>(gateway, mailbox);
      std::unique_ptr<ddtr::http::HttpServer> http_server;
      if (http_enabled) {
        http_server = std::make_unique<ddtr::http::HttpServer>(
            config.http, ddtr::policy::parse_listen_address(http_listen), http_bridge);
        spdlog::info("HTTP API listening on {}", http_listen);
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
          .exclusiveJoin(reload_on_hangup(io.unixEventPort, policy, http_server.get(), http_file_listen))
          .exclusiveJoin(gateway.report_suppressed_refusals_every(io.provider->getTimer(), 5 * kj::SECONDS))
          .wait(io.waitScope);
      // The HTTP thread stops first (it posts into the gateway); then leaving
      // this scope destroys the RPC server and every connection, which cancels
      // their in-flight traces in the engine.
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
