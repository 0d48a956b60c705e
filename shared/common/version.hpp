// The project's version, shown by both programs and exchanged over RPC.
#pragma once

namespace ddtr {
inline constexpr const char* kVersion = "0.1.0";
}
