#include "platform/windows/pipe/pipe_security.hpp"

#include <aclapi.h>
#include <sddl.h>

#include "platform/windows/common/win_error.hpp"

namespace ddtr::platform::windows::pipe {

PipeSecurity::PipeSecurity(const wchar_t* sddl) {
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &descriptor_, nullptr)) {
    throw_last_error("failed to build the pipe's security descriptor");
  }
  attributes_.nLength = sizeof attributes_;
  attributes_.lpSecurityDescriptor = descriptor_;
  attributes_.bInheritHandle = FALSE;
}

PipeSecurity::~PipeSecurity() {
  if (descriptor_ != nullptr) ::LocalFree(descriptor_);
}

std::wstring dacl_sddl_of(HANDLE object) {
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  DWORD rc = ::GetSecurityInfo(object, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, nullptr, nullptr,
                               &descriptor);
  if (rc != ERROR_SUCCESS) throw_win32("GetSecurityInfo failed", rc);
  wchar_t* text = nullptr;
  BOOL ok = ::ConvertSecurityDescriptorToStringSecurityDescriptorW(descriptor, SDDL_REVISION_1,
                                                                   DACL_SECURITY_INFORMATION, &text, nullptr);
  DWORD error = ok ? 0 : ::GetLastError();
  ::LocalFree(descriptor);
  if (!ok) throw_win32("ConvertSecurityDescriptorToStringSecurityDescriptor failed", error);
  std::wstring out(text);
  ::LocalFree(text);
  return out;
}

}  // namespace ddtr::platform::windows::pipe
