#include "windows-service/machine_setup.hpp"

#include <windows.h>
#include <aclapi.h>
#include <sddl.h>

#include <filesystem>
#include <ostream>
#include <vector>

#include "platform/windows/common/known_folder.hpp"
#include "platform/windows/common/utf16.hpp"
#include "platform/windows/common/win_error.hpp"
#include "shared/common/error.hpp"
#include "windows-service/path_list.hpp"
#include "windows-service/service_installer.hpp"

namespace ddtr::winservice {
namespace {

using platform::windows::utf16;
using platform::windows::utf8;

// As the audit log's own directory (platform/windows/append_file.cpp): SYSTEM
// and Administrators, full control, inherited by every file and folder in it;
// protected, so ProgramData's "Users may read and create" does not flow in.
constexpr const wchar_t* kDataDirectorySddl = L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";
constexpr const wchar_t* kEnvironmentKey = L"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment";

class RegKey {
 public:
  RegKey(HKEY root, const wchar_t* path, REGSAM access) {
    LSTATUS status = ::RegOpenKeyExW(root, path, 0, access, &key_);
    if (status != ERROR_SUCCESS) platform::windows::throw_win32("cannot open the system environment's key", status);
  }
  ~RegKey() { ::RegCloseKey(key_); }
  RegKey(const RegKey&) = delete;
  RegKey& operator=(const RegKey&) = delete;
  HKEY get() const { return key_; }

 private:
  HKEY key_ = nullptr;
};

void secure_data_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(utf16(dir)), ec);
  if (ec) throw Error(ErrorCode::Unknown, "cannot create " + dir + ": " + ec.message());
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(kDataDirectorySddl, SDDL_REVISION_1, &sd, nullptr)) {
    platform::windows::throw_last_error("cannot build the data directory's ACL");
  }
  BOOL present = FALSE, defaulted = FALSE;
  PACL dacl = nullptr;
  ::GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted);
  std::wstring wide = utf16(dir);
  // Propagates to what is already inside (daemon.json, an audit log).
  DWORD status = ::SetNamedSecurityInfoW(wide.data(), SE_FILE_OBJECT,
                                         DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, nullptr,
                                         nullptr, dacl, nullptr);
  ::LocalFree(sd);
  if (status != ERROR_SUCCESS) platform::windows::throw_win32("cannot set the ACL of " + dir, status);
}

// The machine's PATH through `change`, written back with its own type
// (REG_EXPAND_SZ as Windows ships it), and running programs told.
template <typename Change>
void change_system_path(Change change) {
  RegKey key(HKEY_LOCAL_MACHINE, kEnvironmentKey, KEY_QUERY_VALUE | KEY_SET_VALUE);
  DWORD type = REG_EXPAND_SZ, bytes = 0;
  LSTATUS status = ::RegQueryValueExW(key.get(), L"Path", nullptr, &type, nullptr, &bytes);
  std::wstring value;
  if (status == ERROR_SUCCESS && bytes > 0) {
    value.resize(bytes / sizeof(wchar_t) + 1, L'\0');
    DWORD size = static_cast<DWORD>(value.size() * sizeof(wchar_t));
    status = ::RegQueryValueExW(key.get(), L"Path", nullptr, &type, reinterpret_cast<BYTE*>(value.data()), &size);
    if (status != ERROR_SUCCESS) platform::windows::throw_win32("cannot read the system PATH", status);
    value.resize(wcsnlen(value.c_str(), value.size()));
  } else if (status != ERROR_SUCCESS && status != ERROR_FILE_NOT_FOUND) {
    platform::windows::throw_win32("cannot read the system PATH", status);
  }
  if (type != REG_SZ && type != REG_EXPAND_SZ) type = REG_EXPAND_SZ;
  std::string before = utf8(value);
  std::string after = change(before);
  if (after == before) return;
  std::wstring wide = utf16(after);
  status = ::RegSetValueExW(key.get(), L"Path", 0, type, reinterpret_cast<const BYTE*>(wide.c_str()),
                            static_cast<DWORD>((wide.size() + 1) * sizeof(wchar_t)));
  if (status != ERROR_SUCCESS) platform::windows::throw_win32("cannot write the system PATH", status);
  // New consoles (Explorer's children) see the change without a reboot.
  ::SendMessageTimeoutW(HWND_BROADCAST, WM_SETTINGCHANGE, 0, reinterpret_cast<LPARAM>(L"Environment"),
                        SMTO_ABORTIFHUNG, 5'000, nullptr);
}

}  // namespace

std::string data_directory() { return platform::windows::program_data_directory() + "\\Datadog\\traceroute"; }

void configure_machine(const std::string& service_name, const std::string& program_dir, std::ostream& warnings) {
  // The service's recovery is worth a warning, not a failed install: the MSI's
  // own StartServices is what proves the service is there (wine's services.exe
  // can lose a service its creator's connection made, docs/windows.md).
  try {
    configure_service(service_name);
  } catch (const Error& e) {
    warnings << "warning: the service's recovery actions were not set: " << e.what() << "\n";
  }
  secure_data_directory(data_directory());
  change_system_path([&](const std::string& path) { return path_with(path, program_dir); });
}

void unconfigure_machine(const std::string& program_dir) {
  change_system_path([&](const std::string& path) { return path_without(path, program_dir); });
}

}  // namespace ddtr::winservice
