#include "platform/append_file.hpp"

#include <windows.h>
#include <sddl.h>

#include <filesystem>
#include <utility>

#include "platform/windows/common/utf16.hpp"
#include "platform/windows/common/win_error.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

// SYSTEM and Administrators only, no inherited entries (ProgramData lets
// every user read and create): what 0750/0640 say on Unix.
constexpr const wchar_t* kDirectorySddl = L"D:P(A;OICI;GA;;;SY)(A;OICI;GA;;;BA)";
constexpr const wchar_t* kFileSddl = L"D:P(A;;GA;;;SY)(A;;GA;;;BA)";

struct Descriptor {
  PSECURITY_DESCRIPTOR sd = nullptr;
  explicit Descriptor(const wchar_t* sddl) {
    ::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, nullptr);
  }
  ~Descriptor() {
    if (sd != nullptr) ::LocalFree(sd);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  SECURITY_ATTRIBUTES attributes() { return {sizeof(SECURITY_ATTRIBUTES), sd, FALSE}; }
};

std::string reason(DWORD error) { return windows::system_message(error); }

}  // namespace

AppendFile AppendFile::open(const std::string& path) {
  std::filesystem::path file(windows::utf16(path));  // policy files are UTF-8, Windows paths UTF-16
  std::filesystem::path parent = file.parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    // The directories above the last are ordinary ones; the last is private.
    if (parent.has_parent_path()) std::filesystem::create_directories(parent.parent_path(), ec);
    Descriptor sd(kDirectorySddl);
    auto attributes = sd.attributes();
    if (!::CreateDirectoryW(parent.c_str(), &attributes) && ::GetLastError() != ERROR_ALREADY_EXISTS) {
      throw Error(ErrorCode::Unknown, "cannot create the audit log directory " + path.substr(0, path.find_last_of("\\/")) + ": " + reason(::GetLastError()));
    }
  }
  Descriptor sd(kFileSddl);
  auto attributes = sd.attributes();
  // FILE_APPEND_DATA without FILE_WRITE_DATA: every write lands at the end,
  // whole, whoever else appends.
  HANDLE h = ::CreateFileW(file.c_str(), FILE_APPEND_DATA | SYNCHRONIZE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           &attributes, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    throw Error(ErrorCode::Unknown, "cannot open the audit log " + path + ": " + reason(::GetLastError()));
  }
  AppendFile out;
  out.handle_ = reinterpret_cast<std::intptr_t>(h);
  return out;
}

AppendFile::AppendFile(AppendFile&& other) noexcept : handle_(std::exchange(other.handle_, -1)) {}

AppendFile& AppendFile::operator=(AppendFile&& other) noexcept {
  if (this != &other) {
    close();
    handle_ = std::exchange(other.handle_, -1);
  }
  return *this;
}

AppendFile::~AppendFile() { close(); }

void AppendFile::close() noexcept {
  if (handle_ != -1) ::CloseHandle(reinterpret_cast<HANDLE>(handle_));
  handle_ = -1;
}

bool AppendFile::valid() const noexcept { return handle_ != -1; }

bool AppendFile::append(std::string_view data, std::string& error) {
  DWORD written = 0;
  if (!::WriteFile(reinterpret_cast<HANDLE>(handle_), data.data(), static_cast<DWORD>(data.size()), &written, nullptr)) {
    error = reason(::GetLastError());
    return false;
  }
  if (written != data.size()) {
    error = reason(ERROR_DISK_FULL);
    return false;
  }
  return true;
}

}  // namespace ddtr::platform
