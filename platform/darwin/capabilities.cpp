// macOS only. There are no capabilities: raw sockets (SOCK_RAW) need root,
// and /dev/bpf* are root:wheel 0600 unless a helper (Wireshark's ChmodBPF)
// widened them. So the question "may this process open raw and packet
// sockets" is "is it root".
#include "platform/capabilities.hpp"

#include <unistd.h>

namespace ddtr::platform {

bool has_cap_net_raw() { return ::geteuid() == 0; }

}  // namespace ddtr::platform
