// The local address the kernel would use to reach a target (upstream's
// "UDP dial" trick: connect a UDP socket, read its name; nothing is sent).
#pragma once

#include "shared/common/ip_address.hpp"

namespace ddtr::platform {

// The source address and the ephemeral port the kernel picked. Throws
// ddtr::Error (e.g. NETUNREACH when there is no route).
Endpoint local_endpoint_for(const Endpoint& target);

}  // namespace ddtr::platform
