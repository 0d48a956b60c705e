#include "windows-service/reload_event.hpp"

#include <windows.h>
#include <sddl.h>

#include "platform/windows/common/utf16.hpp"
#include "platform/windows/common/win_error.hpp"
#include "shared/common/error.hpp"

namespace ddtr::winservice {

std::wstring reload_event_name(const std::string& pipe_name) {
  std::string leaf = pipe_name;
  constexpr std::string_view kPrefix = "\\\\.\\pipe\\";
  if (leaf.rfind(kPrefix, 0) == 0) leaf.erase(0, kPrefix.size());
  for (char& ch : leaf) {
    if (ch == '\\') ch = '_';  // the one character a kernel object's name may not hold
  }
  return L"Global\\datadog-tracerouted.reload." + platform::windows::utf16(leaf);
}

platform::windows::UniqueHandle create_reload_event(const std::string& pipe_name, std::string& error) {
  // SYSTEM and Administrators only: a reload rereads a file only they may
  // edit, but nobody else should be able to make the daemon do work.
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;;GA;;;SY)(A;;GA;;;BA)", SDDL_REVISION_1,
                                                              &descriptor, nullptr)) {
    error = "cannot build the reload event's security descriptor: " +
            platform::windows::system_message(::GetLastError());
    return platform::windows::UniqueHandle();
  }
  SECURITY_ATTRIBUTES attributes{sizeof(attributes), descriptor, FALSE};
  const std::wstring name = reload_event_name(pipe_name);
  platform::windows::UniqueHandle event(::CreateEventW(&attributes, FALSE, FALSE, name.c_str()));
  DWORD last = ::GetLastError();
  ::LocalFree(descriptor);
  if (!event.valid()) {
    error = "cannot create the reload event " + platform::windows::utf8(name) + ": " +
            platform::windows::system_message(last);
  } else if (last == ERROR_ALREADY_EXISTS) {
    // Another daemon on the same pipe name holds it; ours would get its reloads.
    error = "the reload event " + platform::windows::utf8(name) + " already exists (another daemon on this pipe?)";
    return platform::windows::UniqueHandle();
  }
  return event;
}

void request_reload(const std::string& pipe_name) {
  const std::wstring name = reload_event_name(pipe_name);
  platform::windows::UniqueHandle event(::OpenEventW(EVENT_MODIFY_STATE, FALSE, name.c_str()));
  if (!event.valid()) {
    DWORD error = ::GetLastError();
    std::string why = error == ERROR_FILE_NOT_FOUND
                          ? "no datadog-tracerouted serves " + pipe_name
                          : "cannot reach the daemon serving " + pipe_name + ": " + platform::windows::system_message(error);
    throw Error(error == ERROR_ACCESS_DENIED ? ErrorCode::Denied : ErrorCode::DaemonUnavailable, why);
  }
  if (!::SetEvent(event.get())) platform::windows::throw_last_error("cannot signal the reload event");
}

}  // namespace ddtr::winservice
