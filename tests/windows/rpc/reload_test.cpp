// The Windows daemon's policy reload in-process, under wine: what the
// service's control handler does on SERVICE_CONTROL_PARAMCHANGE (the stop
// signal's reload event) and what `datadog-tracerouted reload` does (the
// pipe's named event) both reach the shared reload: a good file takes effect
// (seen in `info`), a bad one is refused, logged, and the old policy kept.
#include <gtest/gtest.h>

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "../pipe_pair.hpp"
#include "platform/windows/pipe/kj_pipe_stream.hpp"
#include "proto/traceroute.capnp.h"
#include "windows-service/daemon_run.hpp"
#include "shared/common/error.hpp"
#include "windows-service/reload_event.hpp"
#include "../scm_for_tests.hpp"

namespace ddtr::winservice {
namespace {

double daemon_probes_per_second(const std::wstring& pipe_name) {
  auto io = kj::setupAsyncIo();
  auto stream = platform::windows::pipe::kj_pipe_stream(io.win32EventPort,
                                                        platform::windows::pipe::connect_pipe(pipe_name, 10'000));
  capnp::TwoPartyClient client(*stream);
  auto tracer = client.bootstrap().castAs<wire::Tracer>();
  auto response = tracer.infoRequest().send().wait(io.waitScope);
  return response.getInfo().getGlobalProbesPerSecond();
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Polls `done` for up to 10 s (a reload runs on the daemon's loop, soon after the event).
template <typename F>
bool eventually(F done) {
  for (int i = 0; i < 100; ++i) {
    if (done()) return true;
    ::Sleep(100);
  }
  return false;
}

TEST(WindowsReload, EventNameFollowsThePipe) {
  EXPECT_EQ(reload_event_name("\\\\.\\pipe\\datadog-traceroute"), L"Global\\datadog-tracerouted.reload.datadog-traceroute");
  EXPECT_EQ(reload_event_name("\\\\.\\pipe\\a\\b"), L"Global\\datadog-tracerouted.reload.a_b");
}

TEST(WindowsReload, NoDaemonOnThePipeIsNamed) {
  try {
    request_reload("\\\\.\\pipe\\ddtr-test-no-daemon-here");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::DaemonUnavailable);
    EXPECT_NE(std::string(e.what()).find("ddtr-test-no-daemon-here"), std::string::npos) << e.what();
  }
}

TEST(WindowsReload, ParamChangeAndTheReloadCommandReloadWholeOrNotAtAll) {
  auto name = testing_windows::unique_pipe_name(L"reload");
  RunOptions options;
  options.pipe_name = std::string(name.begin(), name.end());
  char temp[MAX_PATH];
  ::GetTempPathA(MAX_PATH, temp);
  const std::string stem = std::string(temp) + testing_windows::unique_service_name("reload");
  options.config_path = stem + ".json";
  const std::string log_path = stem + ".log";
  auto write_policy = [&](const std::string& text) { std::ofstream(options.config_path, std::ios::trunc) << text; };
  write_policy(R"({"audit_log": "", "global": {"probes_per_second": 400}})");
  ServiceLog log(log_path, "info", false);
  StopSignal stop;
  HANDLE started_event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  platform::windows::UniqueHandle started_owner(started_event);
  int code = -1;
  std::thread daemon([&] { code = run_daemon(options, log, stop, [&] { ::SetEvent(started_event); }); });
  struct Stop {
    StopSignal& stop;
    std::thread& daemon;
    ~Stop() {
      stop.request();
      daemon.join();
    }
  } stop_at_end{stop, daemon};
  ASSERT_EQ(::WaitForSingleObject(started_event, 10'000), WAIT_OBJECT_0);
  EXPECT_EQ(daemon_probes_per_second(name), 400);

  // PARAMCHANGE: the control handler sets the stop signal's reload event.
  write_policy(R"({"audit_log": "", "global": {"probes_per_second": 700}})");
  stop.request_reload();
  EXPECT_TRUE(eventually([&] { return daemon_probes_per_second(name) == 700; })) << read_all(log_path);

  // A bad file through `datadog-tracerouted reload`'s event: refused, logged, the old policy kept.
  write_policy(R"({"global": {"probes_per_second": 900}, "roles": {"user": {"max_ttl": "many"}}})");
  request_reload(options.pipe_name);
  EXPECT_TRUE(eventually([&] {
    return read_all(log_path).find("policy reload failed, keeping the previous policy") != std::string::npos;
  })) << read_all(log_path);
  EXPECT_NE(read_all(log_path).find("roles.user.max_ttl"), std::string::npos) << "the key is named";
  EXPECT_EQ(daemon_probes_per_second(name), 700);

  // And a good one through the same event again.
  write_policy(R"({"audit_log": "", "global": {"probes_per_second": 800}})");
  request_reload(options.pipe_name);
  EXPECT_TRUE(eventually([&] { return daemon_probes_per_second(name) == 800; })) << read_all(log_path);
}

}  // namespace
}  // namespace ddtr::winservice
