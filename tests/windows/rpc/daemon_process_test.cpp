// The real datadog-tracerouted.exe as its own process under wine (foreground,
// a policy file of the test's), asked over the pipe like datadog-traceroute
// would: requests the policy refuses get the typed error and one audit line
// each, `info` reports the role and limits the policy gives this caller, and a
// TCP syn_socket trace to a listener on 127.0.0.1 runs through the engine.
// ICMP and UDP need the raw-socket path: see WindowsDaemonProcess.RawSocketPath.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <gtest/gtest.h>

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

#include <fstream>
#include <sstream>

#include "../pipe_pair.hpp"
#include "daemon/policy/identity.hpp"
#include "platform/windows/common/unique_handle.hpp"
#include "platform/windows/common/winsock_session.hpp"
#include "platform/windows/pipe/kj_pipe_stream.hpp"
#include "proto/codec.hpp"
#include "proto/traceroute.capnp.h"

namespace ddtr::winservice {
namespace {

std::string json_escaped(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A scratch folder with the policy file; the daemon writes its audit log there.
struct Scratch {
  std::string dir, policy, audit, log;
  Scratch() {
    char temp[MAX_PATH];
    ::GetTempPathA(MAX_PATH, temp);
    dir = std::string(temp) + testing_windows::unique_service_name("daemon");
    ::CreateDirectoryA(dir.c_str(), nullptr);
    policy = dir + "\\daemon.json";
    audit = dir + "\\audit\\audit.log";  // a folder the daemon creates
    log = dir + "\\daemon.log";
    // The same limits for both roles: the test does not know whether wine
    // runs it as an (elevated) administrator.
    std::string limits = R"({"protocols": ["tcp", "icmp"], "max_ttl": 10, "max_connections": 4})";
    std::ofstream(policy) << R"({"audit_log": ")" << json_escaped(audit) << R"(", "roles": {"admin": )" << limits
                          << R"(, "user": )" << limits << "}}";
  }
};

// datadog-tracerouted.exe foreground, killed at the end of the test.
class DaemonProcess {
 public:
  DaemonProcess(const std::wstring& pipe, const Scratch& scratch) {
    wchar_t exe[MAX_PATH];
    ::GetModuleFileNameW(nullptr, exe, MAX_PATH);
    std::wstring path = exe;
    path = path.substr(0, path.find_last_of(L"\\/") + 1) + L"datadog-tracerouted.exe";
    std::wstring line = L"\"" + path + L"\" foreground --pipe " + pipe + L" --config \"" +
                        std::wstring(scratch.policy.begin(), scratch.policy.end()) + L"\" --log-file \"" +
                        std::wstring(scratch.log.begin(), scratch.log.end()) + L"\"";
    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    PROCESS_INFORMATION info{};
    if (::CreateProcessW(path.c_str(), line.data(), nullptr, nullptr, FALSE, CREATE_NO_WINDOW, nullptr, nullptr,
                         &startup, &info)) {
      process_.reset(info.hProcess);
      ::CloseHandle(info.hThread);
    }
  }
  ~DaemonProcess() {
    if (process_.valid()) {
      ::TerminateProcess(process_.get(), 0);
      ::WaitForSingleObject(process_.get(), 10'000);
    }
  }
  bool started() const { return process_.valid(); }
  bool running() const { return process_.valid() && ::WaitForSingleObject(process_.get(), 0) == WAIT_TIMEOUT; }

 private:
  platform::windows::UniqueHandle process_;
};

class CountingListener final : public wire::HopListener::Server {
 public:
  explicit CountingListener(int& hops) : hops_(hops) {}
  kj::Promise<void> onHop(OnHopContext) override {
    ++hops_;
    return kj::READY_NOW;
  }

 private:
  int& hops_;
};

struct TraceSeen {
  bool ok = false;
  ErrorCode code = ErrorCode::Unknown;
  std::string message;
  Results results;
  int hops_streamed = 0;
};

struct InfoSeen {
  std::string role, rule, user, account, config_path, audit_path;
  std::uint32_t max_ttl = 0;
  std::vector<std::string> protocols, allowed;
  std::uint32_t connections = 0;
};

// The daemon process creates its pipe a moment after it starts: try for 30 s.
std::unique_ptr<platform::windows::pipe::PipeStream> connect_when_up(const std::wstring& pipe) {
  for (int i = 0;; ++i) {
    try {
      return platform::windows::pipe::connect_pipe(pipe, 10'000);
    } catch (const std::exception&) {
      if (i >= 300) throw;
      ::Sleep(100);
    }
  }
}

// One client connection to the daemon; connections of one test share its
// thread's event loop.
class Client {
 public:
  Client(kj::AsyncIoContext& io, const std::wstring& pipe)
      : io_(io),
        stream_(platform::windows::pipe::kj_pipe_stream(io_.win32EventPort, connect_when_up(pipe))),
        client_(*stream_),
        tracer_(client_.bootstrap().castAs<wire::Tracer>()) {}

  TraceSeen trace(const TraceParams& params) {
    TraceSeen seen;
    auto request = tracer_.traceRequest();
    proto::write_request(params, request.initRequest());
    request.setListener(kj::heap<CountingListener>(seen.hops_streamed));
    auto response = request.send().wait(io_.waitScope);  // kept: the readers point into it
    auto result = response.getResult();
    if (result.isError()) {
      seen.code = proto::from_wire(result.getError().getCode());
      seen.message = result.getError().getMessage();
    } else {
      seen.ok = true;
      seen.results = proto::read_results(result.getResults());
    }
    return seen;
  }

  InfoSeen info() {
    auto response = tracer_.infoRequest().send().wait(io_.waitScope);
    auto info = response.getInfo();
    InfoSeen seen;
    seen.role = info.getRole();
    seen.rule = info.getRoleRule();
    seen.user = info.getCallerUser();
    seen.account = info.getCallerAccount();
    seen.config_path = info.getConfigPath();
    seen.audit_path = info.getAuditLogPath();
    seen.max_ttl = static_cast<std::uint32_t>(info.getLimits().getMaxTtl());
    for (auto p : info.getProtocols()) seen.protocols.emplace_back(p);
    for (auto p : info.getLimits().getProtocols()) seen.allowed.emplace_back(p);
    seen.connections = info.getUsage().getConnections();
    return seen;
  }

 private:
  kj::AsyncIoContext& io_;
  kj::Own<kj::AsyncIoStream> stream_;
  capnp::TwoPartyClient client_;
  wire::Tracer::Client tracer_;
};

TraceParams to_loopback(const std::string& protocol) {
  TraceParams p;
  p.hostname = "127.0.0.1";
  p.protocol = protocol;
  p.max_ttl = 3;
  p.timeout_ms = 500;
  p.traceroute_queries = 1;
  p.e2e_queries = 1;
  return p;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A TCP listener on 127.0.0.1 (the trace's destination).
struct LoopbackListener {
  platform::windows::WinsockSession winsock;
  SOCKET s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  int port = 0;
  LoopbackListener() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(s, 16);
    int len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~LoopbackListener() { ::closesocket(s); }
};

class WindowsDaemonProcess : public ::testing::Test {
 protected:
  Scratch scratch;
  std::wstring pipe = testing_windows::unique_pipe_name(L"daemon");
  DaemonProcess daemon{pipe, scratch};
  // (Owned through a pointer: its destructor may throw, a fixture's may not.)
  std::unique_ptr<kj::AsyncIoContext> io_owner = std::make_unique<kj::AsyncIoContext>(kj::setupAsyncIo());
  kj::AsyncIoContext& io = *io_owner;
  void SetUp() override { ASSERT_TRUE(daemon.started()) << ::GetLastError(); }
  std::string log() const { return read_all(scratch.log); }
};

TEST_F(WindowsDaemonProcess, RefusedRequestsGetTypedErrorsAndAuditLines) {
  Client client(io, pipe);
  auto udp = client.trace(to_loopback("udp"));
  EXPECT_FALSE(udp.ok);
  EXPECT_EQ(udp.code, ErrorCode::PolicyDenied) << udp.message;
  EXPECT_NE(udp.message.find("protocol udp is not allowed"), std::string::npos) << udp.message;

  auto deep = to_loopback("tcp");
  deep.max_ttl = 20;
  auto too_deep = client.trace(deep);
  EXPECT_EQ(too_deep.code, ErrorCode::InvalidRequest) << too_deep.message;
  EXPECT_NE(too_deep.message.find("above the limit of 10"), std::string::npos) << too_deep.message;

  auto lines = lines_of(read_all(scratch.audit));
  ASSERT_EQ(lines.size(), 2u) << read_all(scratch.audit) << "\n" << log();
  EXPECT_NE(lines[0].find(R"("verdict":"refused")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("code":"POLICY_DENIED")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("user":"S-1-)"), std::string::npos) << "the caller's SID" << lines[0];
  EXPECT_NE(lines[0].find(R"("uid":4294967295)"), std::string::npos) << "no uid on Windows" << lines[0];
  EXPECT_NE(lines[1].find(R"("code":"INVALID_REQUEST")"), std::string::npos) << lines[1];
  EXPECT_TRUE(daemon.running()) << log();
}

TEST_F(WindowsDaemonProcess, InfoReportsThePolicysRoleAndLimits) {
  Client client(io, pipe);
  auto info = client.info();
  EXPECT_TRUE(info.role == "admin" || info.role == "user") << info.role;
  EXPECT_TRUE(info.rule == "administrators" || info.rule == "access.default_role") << info.rule;
  EXPECT_EQ(info.max_ttl, 10u);
  EXPECT_EQ(info.allowed, (std::vector<std::string>{"tcp", "icmp"}));
  EXPECT_EQ(info.protocols, (std::vector<std::string>{"icmp", "udp", "tcp"}));
  EXPECT_EQ(info.config_path, scratch.policy);
  EXPECT_EQ(info.audit_path, scratch.audit);
  EXPECT_EQ(info.user.rfind("S-1-", 0), 0u) << "the SID, as policy files name callers: " << info.user;
  EXPECT_FALSE(info.account.empty()) << "and its account beside it";
  EXPECT_EQ(info.connections, 1u);
  Client second(io, pipe);
  EXPECT_EQ(second.info().connections, 2u) << "both connections count under this caller's SID";
}

TEST_F(WindowsDaemonProcess, ConnectionsOverTheRolesLimitAreRefused) {
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(std::make_unique<Client>(io, pipe));
  for (auto& c : clients) c->info();  // every one accepted and served
  Client fifth(io, pipe);
  auto refused = fifth.trace(to_loopback("tcp"));
  EXPECT_EQ(refused.code, ErrorCode::QuotaExceeded) << refused.message;
  EXPECT_NE(refused.message.find("max_connections 4"), std::string::npos) << refused.message;
}

// On Windows the trace reaches the listener at TTL 1. Under wine the engine
// runs and fails at the first send, and the test pins why: wine passes
// setsockopt(TCP_FAIL_CONNECT_ON_ICMP_ERROR) nowhere (WSAENOPROTOOPT), and
// the engine keeps upstream's rule that a syn_socket probe without it is an
// error (README, "Windows").
TEST_F(WindowsDaemonProcess, TcpSynSocketTraceToLoopbackRunsThroughTheEngine) {
  LoopbackListener listener;
  ASSERT_GT(listener.port, 0);
  Client client(io, pipe);
  auto params = to_loopback("tcp");
  params.tcp_method = "syn_socket";
  params.port = listener.port;
  auto seen = client.trace(params);
  auto lines = lines_of(read_all(scratch.audit));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(R"("verdict":"allowed")"), std::string::npos) << lines[0];
  if (testing_windows::running_under_wine()) {
    EXPECT_FALSE(seen.ok);
    EXPECT_EQ(seen.code, ErrorCode::Unknown);
    EXPECT_EQ(seen.message, "SendProbe() failed: failed to set TCP_FAIL_CONNECT_ON_ICMP_ERROR: error 10042") << log();
    EXPECT_NE(lines[0].find(R"("outcome":"error")"), std::string::npos) << lines[0];
    return;
  }
  ASSERT_TRUE(seen.ok) << error_code_name(seen.code) << ": " << seen.message << "\n" << log();
  ASSERT_TRUE(seen.results.runs.has_value());
  ASSERT_EQ(seen.results.runs->size(), 1u);
  const auto& run = (*seen.results.runs)[0];
  ASSERT_FALSE(run.hops.empty());
  EXPECT_EQ(run.hops.back().ip_address, "127.0.0.1");
  EXPECT_EQ(run.destination.ip_address, "127.0.0.1");
  EXPECT_EQ(run.destination.port, listener.port);
  EXPECT_GE(seen.hops_streamed, 1) << "hops stream to the listener before the result";
  EXPECT_NE(lines[0].find(R"("outcome":"ok")"), std::string::npos) << lines[0];
}

// ICMP, UDP and TCP SYN send through the raw socket when the driver is off.
// Under wine, even as root, creating it fails: wine hands socket(AF_INET,
// SOCK_RAW, IPPROTO_IP) to Linux, whose inet_create refuses a raw socket of
// protocol 0 with EPROTONOSUPPORT, and wine answers WSAEPROTONOSUPPORT.
TEST_F(WindowsDaemonProcess, RawSocketPathUnderWineFailsAtTheSocket) {
  if (!testing_windows::running_under_wine()) GTEST_SKIP() << "on Windows the raw path needs an elevated daemon and a route";
  Client client(io, pipe);
  for (const char* protocol : {"icmp", "tcp"}) {
    auto seen = client.trace(to_loopback(protocol));
    EXPECT_FALSE(seen.ok) << protocol;
    EXPECT_EQ(seen.code, ErrorCode::Unknown) << protocol;
    // ICMP carries Go's wrapping (`could not generate icmp traceroute results: icmp traceroute failed: ...`);
    // TCP SYN has none, as upstream.
    const std::string cause = "NewSourceSink failed to init rawConn: failed to create raw socket: error 10043";
    EXPECT_EQ(seen.message, std::string(protocol) == "icmp"
                                ? "could not generate icmp traceroute results: icmp traceroute failed: " + cause
                                : cause)
        << protocol;
  }
  auto lines = lines_of(read_all(scratch.audit));
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) EXPECT_NE(line.find(R"("outcome":"error")"), std::string::npos) << line;
}

}  // namespace
}  // namespace ddtr::winservice
