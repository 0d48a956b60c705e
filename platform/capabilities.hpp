// Whether this process holds the capabilities the daemon needs.
#pragma once

namespace ddtr::platform {

// CAP_NET_RAW in the effective set: raw and packet sockets need it.
bool has_cap_net_raw();

}  // namespace ddtr::platform
