// The daemon pipe's explicit security descriptor: SYSTEM and Administrators
// full control, local authenticated users may connect, read and write (but
// not create instances of the pipe: that would let them stand in for the
// daemon), network logons denied. Windows only.
#pragma once

#include <windows.h>

#include <string>

namespace ddtr::platform::windows::pipe {

// Protected DACL (no inherited entries). The deny entry for NETWORK (NU) comes
// first; 0x12018B = FILE_GENERIC_READ | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES,
// which is what a client needs (open, read, write, set the read mode) and
// leaves out FILE_CREATE_PIPE_INSTANCE (= FILE_APPEND_DATA).
inline constexpr const wchar_t* kPipeSddl = L"D:P(D;;GA;;;NU)(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x12018b;;;AU)";

// What a client passes to CreateFile: exactly the rights the DACL grants users.
inline constexpr DWORD kClientAccess = FILE_GENERIC_READ | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES;

class PipeSecurity {
 public:
  // Builds the descriptor from `sddl`; throws ddtr::Error.
  explicit PipeSecurity(const wchar_t* sddl = kPipeSddl);
  PipeSecurity(const PipeSecurity&) = delete;
  PipeSecurity& operator=(const PipeSecurity&) = delete;
  ~PipeSecurity();

  // For CreateNamedPipe; valid while this object lives.
  SECURITY_ATTRIBUTES* attributes() { return &attributes_; }

 private:
  PSECURITY_DESCRIPTOR descriptor_ = nullptr;  // LocalAlloc'd by the SDDL conversion
  SECURITY_ATTRIBUTES attributes_{};
};

// The DACL of an open kernel object (a pipe instance) as SDDL, read back
// from the object itself (GetSecurityInfo). Throws ddtr::Error.
std::wstring dacl_sddl_of(HANDLE object);

}  // namespace ddtr::platform::windows::pipe
