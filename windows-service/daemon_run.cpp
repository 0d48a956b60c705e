#include "windows-service/daemon_run.hpp"

#include <kj/async-io.h>
#include <kj/async-win32.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <thread>

#include "daemon/engine/engine.hpp"
#include "daemon/gateway/kj_mailbox.hpp"
#include "daemon/gateway/trace_gateway.hpp"
#include "daemon/http/http_plan.hpp"
#include "daemon/http/http_server.hpp"
#include "daemon/http/policy_reload.hpp"
#include "daemon/http/trace_bridge.hpp"
#include "daemon/policy/policy_state.hpp"
#include "daemon/rpc/connection_admission.hpp"
#include "daemon/rpc/connection_registry.hpp"
#include "daemon/rpc/tracer_impl.hpp"
#include "platform/capabilities.hpp"
#include "platform/windows/driver/driver_starter.hpp"
#include "shared/common/version.hpp"
#include "windows-service/pipe_rpc_server.hpp"
#include "windows-service/policy_paths.hpp"
#include "windows-service/reload_event.hpp"
#include "windows-service/spdlog_sink.hpp"

namespace ddtr::winservice {
namespace {

// The Unix daemon's connection rule (rpcserver::judge_connection): past the
// daemon-wide limit the connection is closed at once; past the caller's own
// it is answered with QUOTA_EXCEEDED for a while, then closed.
std::optional<PipeRpcServer::Session> open_session(rpcserver::DaemonContext& daemon, const policy::Identity& who) {
  rpcserver::ConnectionVerdict verdict = rpcserver::judge_connection(daemon, who);
  if (verdict.close_now) return std::nullopt;
  PipeRpcServer::Session session{nullptr, nullptr, verdict.refusal.has_value()};
  session.holds = std::shared_ptr<rpcserver::ConnectionRegistry::Lease>(daemon.connections.open(verdict.principal));
  session.bootstrap = kj::heap<rpcserver::TracerImpl>(daemon, who, std::move(verdict.refusal));
  return session;
}

}  // namespace

int run_daemon(const RunOptions& options, ServiceLog& log, const StopSignal& stop, const std::function<void()>& started) {
  SpdlogToServiceLog spdlog_sink(log, options.log_level);
  // As upstream's server: the driver starts once, at start-up, only when the
  // daemon is told to use it; a failure stops the start.
  std::unique_ptr<platform::windows::driver::DriverStarter> driver;
  if (options.windows_driver) {
    driver = std::make_unique<platform::windows::driver::DriverStarter>(
        platform::windows::driver::scm_driver_service_control());
    try {
      driver->start();
    } catch (const std::exception& e) {
      log.error(std::string("failed to start driver: ") + e.what());
      return 1;
    }
  }
  std::vector<std::string> capabilities;
  if (platform::has_cap_net_raw()) capabilities.push_back("elevated");
  if (driver) capabilities.push_back("ddnpm");
  try {
    auto io = kj::setupAsyncIo();
    const bool config_is_default = options.config_path.empty();
    const std::string config_path = config_is_default ? default_policy_path() : options.config_path;
    // Whether and where the HTTP API listens, judged as on Unix before anything serves.
    const http::HttpPlan http_plan =
        http::plan_http(policy::load_policy_config(config_path, config_is_default).http, options.http_listen);
    policy::PolicyState policy(config_path, config_is_default);
    log.info("policy: " + policy.config_path() + (policy.config_file_exists() ? "" : " (not found: built-in defaults)") +
             "; audit log: " + (policy.audit().path().empty() ? std::string("disabled") : policy.audit().path()));
    // `reload` reaches this daemon through a named event of its pipe; without
    // one (another daemon on the pipe name, no right to create global objects) only the
    // service's PARAMCHANGE reloads.
    std::string reload_event_error;
    platform::windows::UniqueHandle reload_event = create_reload_event(options.pipe_name, reload_event_error);
    if (!reload_event.valid()) log.warn("'datadog-tracerouted reload' cannot reach this daemon: " + reload_event_error);
    auto mailbox = std::make_shared<gateway::KjMailbox>();
    engine::EngineOptions engine_options;
    if (!options.public_ip_urls.empty()) engine_options.public_ip.urls = options.public_ip_urls;
    engine_options.public_ip.proxy = enrich::ProxySettings::choose(policy.rules()->config().public_ip_proxy);
    engine_options.windows_driver_version = options.driver_version;
    engine::Engine engine(std::move(engine_options));
    {
      rpcserver::ConnectionRegistry connections;
      gateway::TraceGateway gateway(engine, mailbox, policy);
      rpcserver::DaemonContext context{gateway, connections, capabilities};
      auto http_bridge = std::make_shared<http::TraceBridge>(gateway, mailbox);
      std::unique_ptr<http::HttpServer> http_server;
      if (http_plan.enabled) {
        http_server = std::make_unique<http::HttpServer>(policy.rules()->config().http,
                                                         policy::parse_listen_address(http_plan.listen), http_bridge);
        log.info("HTTP API listening on " + http_plan.listen);
      }
      PipeRpcServer server(
          io, {std::wstring(options.pipe_name.begin(), options.pipe_name.end())},
          [&context](const policy::Identity& who) { return open_session(context, who); },
          [&log](const std::string& line) { log.info(line); });
      log.info(std::string("datadog-tracerouted ") + kVersion + " listening on " + options.pipe_name);
      started();
      // KJ 0.9.2's IOCP port cannot wait on a handle ("unimplemented: wait for
      // win32 handles"): a thread waits on the stop and reload events and
      // wakes the loop, through a fulfiller (stop) or the mailbox (reload:
      // the policy belongs to the loop's thread, as on Unix).
      auto stopped = kj::newPromiseAndCrossThreadFulfiller<void>();
      HANDLE wake = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);  // ends the waiter if the loop ends first
      platform::windows::UniqueHandle wake_owner(wake);
      auto reload = [&policy, http = http_server.get(), &http_plan, &engine] {
        if (http::reload_policy(policy, http, http_plan.file_listen)) {
          engine.set_public_ip_proxy(enrich::ProxySettings::choose(policy.rules()->config().public_ip_proxy));
        }
      };
      std::thread waiter([&stop, wake, &reload_event, &mailbox, &reload, fulfiller = stopped.fulfiller.get()] {
        HANDLE events[] = {stop.handle(), wake, stop.reload_handle(), reload_event.get()};
        const DWORD count = reload_event.valid() ? 4 : 3;
        for (;;) {
          DWORD which = ::WaitForMultipleObjects(count, events, FALSE, INFINITE);
          if (which == WAIT_OBJECT_0) fulfiller->fulfill();
          if (which < WAIT_OBJECT_0 + 2 || which >= WAIT_OBJECT_0 + count) return;
          mailbox->post(reload);  // runs on the loop; dropped if the daemon is stopping
        }
      });
      struct Join {
        std::thread& t;
        HANDLE wake;
        ~Join() {
          ::SetEvent(wake);
          t.join();
        }
      } join{waiter, wake};
      server.run()
          .exclusiveJoin(kj::mv(stopped.promise))
          .exclusiveJoin(mailbox->run())
          .exclusiveJoin(gateway.report_suppressed_refusals_every(io.provider->getTimer(), 5 * kj::SECONDS))
          .wait(io.waitScope);
      // The HTTP thread stops first (it posts into the gateway), as on Unix.
      http_server.reset();
      http_bridge->close();
      log.info("stopping");
    }  // the pipe server and every connection go first, which cancels their traces
    mailbox->close();
    engine.cancel_all();
  } catch (const std::exception& e) {
    log.error(e.what());
    return 1;
  } catch (const kj::Exception& e) {
    log.error(e.getDescription().cStr());
    return 1;
  }
  log.info("stopped");
  return 0;
}

}  // namespace ddtr::winservice
