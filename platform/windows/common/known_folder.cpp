#include "platform/windows/common/known_folder.hpp"

#include <windows.h>
#include <knownfolders.h>
#include <objbase.h>
#include <shlobj.h>

#include "platform/windows/common/utf16.hpp"

namespace ddtr::platform::windows {

std::string program_data_directory() {
  PWSTR path = nullptr;
  HRESULT result = ::SHGetKnownFolderPath(FOLDERID_ProgramData, KF_FLAG_DEFAULT, nullptr, &path);
  std::string out = SUCCEEDED(result) && path != nullptr ? utf8(path) : std::string();
  ::CoTaskMemFree(path);  // owned by the caller even on failure; null is fine
  while (!out.empty() && (out.back() == '\\' || out.back() == '/')) out.pop_back();
  return out.empty() ? std::string("C:\\ProgramData") : out;
}

}  // namespace ddtr::platform::windows
