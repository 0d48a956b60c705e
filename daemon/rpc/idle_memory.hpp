// Giving freed memory back to the OS once the daemon is idle.
#pragma once

namespace ddtr::rpcserver {

// glibc keeps what a burst of traces freed in its per-thread arenas (a 1000-trace
// run leaves an idle daemon at ~25 MiB instead of ~11 MiB); malloc_trim hands it
// back. A no-op where the C library has no such call.
void release_free_memory();

}  // namespace ddtr::rpcserver
