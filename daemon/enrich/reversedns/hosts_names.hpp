// Reverse lookups in the hosts file as Go's resolver answers them
// (net/hosts.go lookupStaticAddr): every name of every line whose address is
// the one asked, the canonical name then the aliases, in file order, each made
// absolute (trailing dot), case kept. c-ares gives only the first line's
// names, so the daemon reads the file itself before asking c-ares.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shared/common/ip_address.hpp"

namespace ddtr::enrich {

std::vector<std::string> hosts_names(std::string_view hosts_text, const IpAddress& ip);

// The same over a file; no file (or unreadable) means no names.
std::vector<std::string> hosts_file_names(const std::string& path, const IpAddress& ip);

}  // namespace ddtr::enrich
