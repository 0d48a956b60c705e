// datadog-tracerouted's Windows commands, the SCM's control and status rules,
// the service log, and install/uninstall against wine's service manager.
#include <gtest/gtest.h>

#include <fstream>

#include "pipe_pair.hpp"  // <windows.h> before <shellapi.h>
#include "shared/common/error.hpp"
#include "windows-service/caller_identity.hpp"
#include "windows-service/service_command.hpp"
#include "windows-service/service_host.hpp"
#include "windows-service/service_installer.hpp"
#include "windows-service/service_log.hpp"
#include "windows-service/service_status.hpp"
#include "scm_for_tests.hpp"

#include <shellapi.h>

namespace ddtr::winservice {
namespace {

TEST(WindowsServiceCommand, Commands) {
  EXPECT_EQ(parse_service_command({"install"}).action, Action::Install);
  EXPECT_EQ(parse_service_command({"uninstall"}).action, Action::Uninstall);
  EXPECT_EQ(parse_service_command({"run"}).action, Action::Run);
  EXPECT_EQ(parse_service_command({"foreground"}).action, Action::Foreground);
  EXPECT_EQ(parse_service_command({"check-config", "--config", "C:\\d.json"}).action, Action::CheckConfig);
  EXPECT_EQ(parse_service_command({"--check-config"}).action, Action::CheckConfig) << "the Unix daemon's spelling";
  EXPECT_EQ(parse_service_command({"configure"}).action, Action::Configure) << "the MSI's custom action";
  EXPECT_EQ(parse_service_command({"unconfigure"}).action, Action::Unconfigure) << "the MSI's custom action";
  auto help = parse_service_command({"--help"});
  EXPECT_FALSE(help.action);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("install"), std::string::npos);
  EXPECT_EQ(parse_service_command({"--version"}).output, "datadog-tracerouted 0.1.0\n");
}

TEST(WindowsServiceCommand, Options) {
  auto c = parse_service_command({"run", "--pipe", "\\\\.\\pipe\\other", "--windows-driver", "--windows-driver-version",
                                  "0x16", "--log-file", "C:\\logs\\d.log", "--log-level", "debug", "--config",
                                  "C:\\cfg\\daemon.json", "--public-ip-url", "http://127.0.0.1:8/ip", "--public-ip-url",
                                  "https://checker.example/"});
  ASSERT_EQ(c.action, Action::Run) << c.output;
  EXPECT_EQ(c.options.pipe_name, "\\\\.\\pipe\\other");
  EXPECT_TRUE(c.options.windows_driver);
  EXPECT_EQ(c.options.driver_version, 0x16u);
  EXPECT_EQ(c.options.log_file, "C:\\logs\\d.log");
  EXPECT_EQ(c.options.log_level, "debug");
  EXPECT_EQ(c.options.config_path, "C:\\cfg\\daemon.json");
  EXPECT_EQ(c.options.public_ip_urls, (std::vector<std::string>{"http://127.0.0.1:8/ip", "https://checker.example/"}));
  EXPECT_EQ(parse_service_command({"run"}).options, RunOptions{});
  EXPECT_EQ(parse_service_command({"install", "--http-listen", "[::1]:3765"}).options.http_listen, "[::1]:3765");
}

TEST(WindowsServiceCommand, ReloadTakesThePipeOnly) {
  auto plain = parse_service_command({"reload"});
  ASSERT_EQ(plain.action, Action::Reload) << plain.output;
  EXPECT_EQ(plain.options.pipe_name, RunOptions{}.pipe_name) << "the service's pipe by default";
  auto piped = parse_service_command({"reload", "--pipe", "\\\\.\\pipe\\other"});
  ASSERT_EQ(piped.action, Action::Reload) << piped.output;
  EXPECT_EQ(piped.options.pipe_name, "\\\\.\\pipe\\other");
  auto config = parse_service_command({"reload", "--config", "C:\\x.json"});
  EXPECT_FALSE(config.action);
  EXPECT_EQ(config.exit_code, 2);
  EXPECT_NE(config.output.find("reload takes only --pipe"), std::string::npos) << config.output;
  EXPECT_NE(parse_service_command({"--help"}).output.find("paramchange"), std::string::npos);
}

TEST(WindowsServiceCommand, UsageErrorsExitTwoWithAHint) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"start"},
           {"run", "--bogus"},
           {"run", "--pipe"},
           {"run", "--pipe", "\\\\server\\pipe\\x"},
           {"run", "--windows-driver-version", "twelve"},
           {"run", "--windows-driver-version", "0x17"},
           {"run", "--log-level", "loud"},
           {"uninstall", "--windows-driver"},
           {"run", "--public-ip-url", "ftp://x/"},
           {"check-config", "--pipe", "\\\\.\\pipe\\x"},
           {"configure", "--pipe", "\\\\.\\pipe\\x"},
           {"unconfigure", "--config", "C:\\d.json"}}) {
    auto c = parse_service_command(args);
    EXPECT_FALSE(c.action);
    EXPECT_EQ(c.exit_code, 2);
    EXPECT_EQ(c.output.rfind("Error: ", 0), 0u) << c.output;
    EXPECT_NE(c.output.find("Run 'datadog-tracerouted --help' for usage."), std::string::npos);
  }
}

TEST(WindowsServiceCommand, UnknownDriverVersionIsRefusedByName) {
  auto c = parse_service_command({"install", "--windows-driver-version", "0x20"});
  EXPECT_FALSE(c.action);
  EXPECT_NE(c.output.find("unsupported ddnpm driver version 0x20"), std::string::npos) << c.output;
}

std::vector<std::string> split_like_windows(const std::string& line) {
  std::wstring wide(line.begin(), line.end());
  int argc = 0;
  LPWSTR* argv = ::CommandLineToArgvW(wide.c_str(), &argc);
  std::vector<std::string> out;
  for (int i = 0; i < argc; ++i) {
    std::wstring a = argv[i];
    out.emplace_back(a.begin(), a.end());
  }
  ::LocalFree(argv);
  return out;
}

TEST(WindowsServiceCommand, ServiceCommandLineRoundTrips) {
  RunOptions o;
  o.windows_driver = true;
  o.driver_version = 0x16;
  o.log_file = "C:\\Program Files\\Datadog\\log dir\\";  // a space and a trailing backslash
  o.config_path = "C:\\odd \"quoted\" name.json";
  o.public_ip_urls = {"http://127.0.0.1:8/ip"};
  o.http_listen = "127.0.0.1:3765";  // the service keeps its HTTP API's address
  std::string line = service_command_line("C:\\Program Files\\Datadog\\datadog-tracerouted.exe", o);
  auto argv = split_like_windows(line);
  ASSERT_GE(argv.size(), 2u) << line;
  EXPECT_EQ(argv[0], "C:\\Program Files\\Datadog\\datadog-tracerouted.exe");
  std::vector<std::string> rest(argv.begin() + 1, argv.end());
  auto parsed = parse_service_command(rest);
  ASSERT_EQ(parsed.action, Action::Run) << line << " → " << parsed.output;
  EXPECT_EQ(parsed.options, o) << line;
  EXPECT_EQ(service_command_line("C:\\d.exe", RunOptions{}), "C:\\d.exe run") << "defaults are not spelled out";
}

TEST(WindowsServiceStatus, Controls) {
  for (DWORD c : {SERVICE_CONTROL_STOP, SERVICE_CONTROL_SHUTDOWN, SERVICE_CONTROL_PRESHUTDOWN}) {
    auto a = answer_control(c);
    EXPECT_EQ(a.result, static_cast<DWORD>(NO_ERROR));
    EXPECT_TRUE(a.stop);
    EXPECT_TRUE(a.report);
  }
  auto interrogate = answer_control(SERVICE_CONTROL_INTERROGATE);
  EXPECT_EQ(interrogate.result, static_cast<DWORD>(NO_ERROR));
  EXPECT_FALSE(interrogate.stop);
  EXPECT_FALSE(interrogate.reload);
  EXPECT_EQ(answer_control(SERVICE_CONTROL_PAUSE).result, static_cast<DWORD>(ERROR_CALL_NOT_IMPLEMENTED));
  EXPECT_EQ(kAcceptedControls & SERVICE_ACCEPT_PRESHUTDOWN, static_cast<DWORD>(SERVICE_ACCEPT_PRESHUTDOWN));
  // paramchange: the policy reload (SIGHUP on Unix), the daemon keeps running.
  auto paramchange = answer_control(SERVICE_CONTROL_PARAMCHANGE);
  EXPECT_EQ(paramchange.result, static_cast<DWORD>(NO_ERROR));
  EXPECT_TRUE(paramchange.reload);
  EXPECT_FALSE(paramchange.stop);
  EXPECT_FALSE(paramchange.report);
  EXPECT_EQ(kAcceptedControls & SERVICE_ACCEPT_PARAMCHANGE, static_cast<DWORD>(SERVICE_ACCEPT_PARAMCHANGE));
}

TEST(WindowsServiceStatus, Reports) {
  SERVICE_STATUS s{};
  s = next_status(s, SERVICE_START_PENDING, NO_ERROR, 10'000);
  EXPECT_EQ(s.dwCheckPoint, 1u);
  EXPECT_EQ(s.dwControlsAccepted, 0u) << "no control while starting";
  s = next_status(s, SERVICE_START_PENDING, NO_ERROR, 10'000);
  EXPECT_EQ(s.dwCheckPoint, 2u);
  s = next_status(s, SERVICE_RUNNING, NO_ERROR, 0);
  EXPECT_EQ(s.dwCheckPoint, 0u);
  EXPECT_EQ(s.dwWaitHint, 0u);
  EXPECT_EQ(s.dwControlsAccepted, kAcceptedControls);
  s = next_status(s, SERVICE_STOP_PENDING, NO_ERROR, 15'000);
  EXPECT_EQ(s.dwCheckPoint, 1u);
  EXPECT_EQ(s.dwWaitHint, 15'000u);
  s = next_status(s, SERVICE_STOPPED, 1, 0);
  EXPECT_EQ(s.dwWin32ExitCode, static_cast<DWORD>(ERROR_SERVICE_SPECIFIC_ERROR));
  EXPECT_EQ(s.dwServiceSpecificExitCode, 1u);
  EXPECT_EQ(s.dwServiceType, static_cast<DWORD>(SERVICE_WIN32_OWN_PROCESS));
}

TEST(WindowsServiceLog, FileLinesAndLevels) {
  char temp[MAX_PATH];
  ::GetTempPathA(MAX_PATH, temp);
  std::string path = std::string(temp) + "ddtr-log-" + std::to_string(::GetCurrentProcessId()) + "\\sub\\daemon.log";
  {
    ServiceLog log(path, "info", true);
    ASSERT_TRUE(log.has_file()) << path;
    log.debug("not written at info");
    log.info("first line");
    log.error("second line");
  }
  std::ifstream in(path);
  std::string a, b, c;
  std::getline(in, a);
  std::getline(in, b);
  EXPECT_FALSE(std::getline(in, c));
  EXPECT_NE(a.find(" info first line"), std::string::npos) << a;
  EXPECT_EQ(a[4], '-') << "ISO 8601 timestamp first";
  EXPECT_NE(b.find(" error second line"), std::string::npos) << b;
}

TEST(WindowsServiceHost, OutsideTheScmTheDispatcherRefuses) {
  ServiceLog log("", "error", false);
  int code = run_as_service("ddtr-test-not-started-by-scm", [](const StopSignal&, const std::function<void()>&) { return 0; }, log);
  EXPECT_NE(code, 0);
  std::cout << "[ wine     ] StartServiceCtrlDispatcher outside the SCM: " << code << "\n";
}

TEST(WindowsServiceInstaller, InstallAndUninstallWithTheScm) {
  RunOptions o;
  o.windows_driver = true;
  o.log_file = "C:\\ProgramData\\datadog-traceroute\\test.log";
  const std::string exe = "C:\\Program Files\\Datadog\\datadog-tracerouted.exe";
  ScmConnectionHold hold;
  ASSERT_TRUE(hold.ok()) << ::GetLastError();
  std::string name;
  try {
    name = install_for_test(exe, o);
  } catch (const Error& e) {
    GTEST_SKIP() << "this service manager refuses CreateService: " << e.what();
  }
  EXPECT_EQ(installed_command_line(name), service_command_line(exe, o));
  try {
    install_service(name, "C:\\x.exe", o, name + " again");
    ADD_FAILURE() << "installed twice";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is already installed"), std::string::npos) << e.what();
  }
  uninstall_service(name);
  try {
    uninstall_service(name);
    ADD_FAILURE() << "uninstalled twice";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "service " + name + " is not installed");
  }
}

TEST(WindowsCallerIdentity, PolicyIdentityFromThePipe) {
  platform::windows::pipe::PipeClientIdentity client;
  client.pid = 4242;
  client.user_sid = "S-1-5-21-1-2-3-1001";
  client.user_name = "HOST\\alice";
  client.group_sids = {"S-1-5-32-545", "S-1-5-11"};
  auto who = policy_identity(client);
  EXPECT_EQ(who.uid, policy::kNoUid);
  EXPECT_EQ(who.pid, 4242);
  EXPECT_EQ(who.user_name, "S-1-5-21-1-2-3-1001") << "policies name Windows users by SID";
  EXPECT_EQ(who.group_names, client.group_sids);
  EXPECT_TRUE(who.groups.empty());
}

}  // namespace
}  // namespace ddtr::winservice
