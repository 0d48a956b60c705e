#include "windows-service/daemon_run.hpp"

#include <kj/async-io.h>
#include <kj/async-win32.h>

#include <thread>

#include "platform/capabilities.hpp"
#include "platform/windows/driver/driver_starter.hpp"
#include "shared/common/version.hpp"
#include "windows-service/pipe_rpc_server.hpp"
#include "windows-service/pipe_tracer.hpp"

namespace ddtr::winservice {

int run_daemon(const RunOptions& options, ServiceLog& log, const StopSignal& stop, const std::function<void()>& started) {
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
    PipeRpcServer server(
        io, {std::wstring(options.pipe_name.begin(), options.pipe_name.end())},
        [capabilities](const policy::Identity& who) { return kj::heap<PipeTracer>(who, capabilities); },
        [&log](const std::string& line) { log.info(line); });
    log.info(std::string("datadog-tracerouted ") + kVersion + " listening on " + options.pipe_name);
    started();
    // KJ 0.9.2's IOCP port cannot wait on a handle ("unimplemented: wait for
    // win32 handles"): a thread waits on the stop event and wakes the loop.
    auto stopped = kj::newPromiseAndCrossThreadFulfiller<void>();
    HANDLE wake = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);  // ends the waiter if the loop ends first
    platform::windows::UniqueHandle wake_owner(wake);
    std::thread waiter([&stop, wake, fulfiller = stopped.fulfiller.get()] {
      HANDLE events[] = {stop.handle(), wake};
      if (::WaitForMultipleObjects(2, events, FALSE, INFINITE) == WAIT_OBJECT_0) fulfiller->fulfill();
    });
    struct Join {
      std::thread& t;
      HANDLE wake;
      ~Join() {
        ::SetEvent(wake);
        t.join();
      }
    } join{waiter, wake};
    server.run().exclusiveJoin(kj::mv(stopped.promise)).wait(io.waitScope);
    log.info("stopping");
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
