// OSes without Linux capabilities (macOS: raw sockets need root; Windows: the
// service's token decides): nothing to drop. The daemon logs that it keeps the
// privileges it was started with.
#include <filesystem>

#include "platform/privilege.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {

std::optional<Account> find_account(const std::string& /*name*/) { return std::nullopt; }

ProcessPrivilege current_privilege() { return {}; }

bool privilege_drop_supported() { return false; }

ProcessPrivilege drop_privileges(const Account& /*account*/) { return current_privilege(); }

void create_directory_for(const std::string& dir, unsigned /*mode*/, const Account& /*owner*/) {
  std::error_code ec;
  if (dir.empty() || std::filesystem::exists(dir, ec)) return;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(ErrorCode::Unknown, "cannot create " + dir + ": " + ec.message());
}

}  // namespace ddtr::platform
