// datadog-tracerouted: wiring only. Options, logging, the capability check, the
// engine thread, the listening socket, the RPC server on the KJ loop, and a
// clean exit on SIGTERM/SIGINT.
#include <capnp/rpc-twoparty.h>
#include <kj/async-unix.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <iostream>

#include "daemon/daemon_options.hpp"
#include "daemon/engine/engine.hpp"
#include "daemon/rpc/kj_mailbox.hpp"
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

int serve(const ddtr::daemon::DaemonOptions& options) {
  // Signals must be captured before any thread exists (the engine's).
  kj::UnixEventPort::captureSignal(SIGTERM);
  kj::UnixEventPort::captureSignal(SIGINT);
  ::signal(SIGPIPE, SIG_IGN);
  auto io = kj::setupAsyncIo();

  // Socket activation: systemd's socket if it passed one (it owns the file),
  // else our own at --socket.
  ddtr::service::SystemdNotifier notifier;
  auto inherited = ddtr::service::inherited_listen_socket();
  const std::string listen_path = inherited ? inherited->path : options.socket_path;
  ddtr::platform::UniqueFd listen_fd =
      inherited ? std::move(inherited->fd) : ddtr::rpcserver::open_listener_socket(options.socket_path);
  auto mailbox = std::make_shared<ddtr::rpcserver::KjMailbox>();
  int result = 0;
  {
    ddtr::engine::EngineOptions engine_options;
    if (!options.public_ip_urls.empty()) engine_options.public_ip.urls = options.public_ip_urls;
    ddtr::engine::Engine engine(std::move(engine_options));
    {
      auto receiver = io.lowLevelProvider->wrapListenSocketFd(
          listen_fd.release(), kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP |
                                   kj::LowLevelAsyncIoProvider::ALREADY_NONBLOCK |
                                   kj::LowLevelAsyncIoProvider::ALREADY_CLOEXEC);
      ddtr::rpcserver::RpcServer server(engine, mailbox, kj::mv(receiver));
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
      stop.exclusiveJoin(kj::mv(serving)).exclusiveJoin(mailbox->run()).wait(io.waitScope);
      // Leaving this scope destroys the server and every connection, which
      // cancels their in-flight traces in the engine.
    }
    mailbox->close();
    engine.cancel_all();
  }  // the engine joins its thread here
  if (!inherited) ::unlink(options.socket_path.c_str());  // systemd's socket stays for the next activation
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
