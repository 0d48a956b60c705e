// The daemon's named pipe: its security descriptor read back from the kernel
// object, two clients at once (one of them another process) each known by its
// own process id and token, the first-instance rule, stop().
#include <gtest/gtest.h>

#include <aclapi.h>
#include <sddl.h>

#include <mutex>
#include <thread>

#include "pipe_pair.hpp"
#include "platform/windows/pipe/pipe_server.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::pipe {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct AceView {
  BYTE type;
  ACCESS_MASK mask;
  std::string sid;
};

std::vector<AceView> dacl_entries(HANDLE object, bool* is_protected) {
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  EXPECT_EQ(::GetSecurityInfo(object, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl, nullptr,
                              &sd),
            static_cast<DWORD>(ERROR_SUCCESS));
  std::vector<AceView> out;
  if (sd == nullptr || dacl == nullptr) return out;
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  ::GetSecurityDescriptorControl(sd, &control, &revision);
  *is_protected = (control & SE_DACL_PROTECTED) != 0;
  for (DWORD i = 0; i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    if (!::GetAce(dacl, i, &ace)) continue;
    auto* header = static_cast<ACE_HEADER*>(ace);
    // ACCESS_ALLOWED_ACE and ACCESS_DENIED_ACE share their layout.
    auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
    out.push_back({header->AceType, allowed->Mask, sid_string(&allowed->SidStart)});
  }
  ::LocalFree(sd);
  return out;
}

std::string send_line(PipeStream& stream, const std::string& line) {
  stream.write_all(Bytes(line.begin(), line.end()));
  std::string reply;
  std::uint8_t buffer[256];
  while (reply.find('\n') == std::string::npos) {
    std::size_t n = stream.read_some(buffer);
    if (n == 0) break;
    reply.append(reinterpret_cast<char*>(buffer), n);
  }
  return reply;
}

// Answers each connection's first line with the identity the server read.
void echo_identity(std::unique_ptr<PipeStream> stream) {
  std::uint8_t buffer[256];
  std::string line;
  while (line.find('\n') == std::string::npos) {
    std::size_t n = stream->read_some(buffer);
    if (n == 0) return;
    line.append(reinterpret_cast<char*>(buffer), n);
  }
  const auto& who = *stream->peer();
  std::string reply = "pid=" + std::to_string(who.pid) + " sid=" + who.user_sid + "\n";
  stream->write_all(Bytes(reply.begin(), reply.end()));
}

TEST(WindowsPipeServer, SecurityDescriptorReadBack) {
  PipeServer server({testing_windows::unique_pipe_name(L"sd")});
  std::wcout << L"[ wine     ] pipe DACL: " << dacl_sddl_of(server.listening_instance()) << L"\n";
  bool is_protected = false;
  auto aces = dacl_entries(server.listening_instance(), &is_protected);
  EXPECT_TRUE(is_protected) << "no inherited entries";
  ASSERT_EQ(aces.size(), 4u);
  EXPECT_EQ(aces[0].type, ACCESS_DENIED_ACE_TYPE);
  EXPECT_EQ(aces[0].sid, "S-1-5-2") << "NETWORK logons denied first";
  EXPECT_EQ(aces[1].sid, "S-1-5-18") << "SYSTEM";
  EXPECT_EQ(aces[2].sid, "S-1-5-32-544") << "Administrators";
  for (int i = 1; i <= 2; ++i) {
    EXPECT_EQ(aces[i].type, ACCESS_ALLOWED_ACE_TYPE);
    EXPECT_TRUE(aces[i].mask == GENERIC_ALL || (aces[i].mask & FILE_ALL_ACCESS) == FILE_ALL_ACCESS)
        << std::hex << aces[i].mask;
  }
  EXPECT_EQ(aces[3].type, ACCESS_ALLOWED_ACE_TYPE);
  EXPECT_EQ(aces[3].sid, "S-1-5-11") << "Authenticated Users";
  EXPECT_EQ(aces[3].mask, static_cast<ACCESS_MASK>(FILE_GENERIC_READ | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES));
  EXPECT_EQ(aces[3].mask & FILE_CREATE_PIPE_INSTANCE, 0u) << "users cannot create instances of the daemon's pipe";
}

TEST(WindowsPipeServer, TwoClientsEachWithTheirOwnIdentity) {
  auto name = testing_windows::unique_pipe_name(L"two");
  PipeServer server({name});
  std::mutex mutex;
  std::vector<PipeClientIdentity> seen;
  std::vector<std::thread> connections;
  std::thread acceptor([&] {
    for (int i = 0; i < 2; ++i) {
      auto stream = server.accept();
      if (!stream) return;
      {
        std::lock_guard lock(mutex);
        seen.push_back(*stream->peer());
      }
      connections.emplace_back(echo_identity, std::move(stream));
    }
  });

  // Client 1, this process: connected and kept open while client 2 comes.
  auto first = connect_pipe(name);
  // Client 2, another process.
  wchar_t exe[MAX_PATH];
  ::GetModuleFileNameW(nullptr, exe, MAX_PATH);
  std::wstring child = exe;
  child = child.substr(0, child.find_last_of(L"\\/") + 1) + L"windows_pipe_client.exe";
  std::wstring command = L"\"" + child + L"\" " + name;
  STARTUPINFOW si{};
  si.cb = sizeof si;
  PROCESS_INFORMATION pi{};
  ASSERT_TRUE(::CreateProcessW(child.c_str(), command.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr, &si, &pi))
      << ::GetLastError();
  UniqueHandle process(pi.hProcess), thread(pi.hThread);
  ASSERT_EQ(::WaitForSingleObject(process.get(), 30'000), WAIT_OBJECT_0);
  DWORD child_exit = 99;
  ::GetExitCodeProcess(process.get(), &child_exit);
  EXPECT_EQ(child_exit, 0u) << "the child saw its own pid come back (1: another pid, 2: no connection)";

  std::string reply = send_line(*first, "hello\n");
  EXPECT_EQ(reply.rfind("pid=" + std::to_string(::GetCurrentProcessId()) + " sid=S-1-", 0), 0u) << reply;
  acceptor.join();
  for (auto& t : connections) t.join();

  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].pid, ::GetCurrentProcessId());
  EXPECT_EQ(seen[1].pid, pi.dwProcessId);
  for (const auto& who : seen) {
    EXPECT_EQ(who.user_sid.rfind("S-1-", 0), 0u) << who.user_sid;
    EXPECT_FALSE(who.user_name.empty());
    EXPECT_FALSE(who.group_sids.empty());
  }
  std::cout << "[ wine     ] client identity: pid " << seen[0].pid << ", " << seen[0].user_name << " ("
            << seen[0].user_sid << "), " << seen[0].group_sids.size() << " groups\n";
}

TEST(WindowsPipeServer, FirstInstanceRule) {
  auto name = testing_windows::unique_pipe_name(L"first");
  PipeServer server({name});
  try {
    PipeServer squatter({name});
    if (testing_windows::running_under_wine()) GTEST_SKIP() << "wine ignores FILE_FLAG_FIRST_PIPE_INSTANCE";
    FAIL() << "a second server on the same name must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("already served by another process"), std::string::npos) << e.what();
  }
}

TEST(WindowsPipeServer, StopEndsAccept) {
  PipeServer server({testing_windows::unique_pipe_name(L"stop")});
  std::unique_ptr<PipeStream> got = std::make_unique<PipeStream>(UniqueHandle(), std::nullopt);
  std::thread acceptor([&] { got = server.accept(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.stop();
  acceptor.join();
  EXPECT_EQ(got, nullptr);
}

TEST(WindowsPipeServer, NoDaemonIsDaemonUnavailable) {
  try {
    connect_pipe(testing_windows::unique_pipe_name(L"nobody"), 100);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::DaemonUnavailable);
    EXPECT_EQ(std::string(e.what()).rfind("cannot connect to the daemon's pipe: ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace ddtr::platform::windows::pipe
