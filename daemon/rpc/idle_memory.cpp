#include "daemon/rpc/idle_memory.hpp"

#include <cstdlib>  // defines __GLIBC__ (through <features.h>) where it applies

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ddtr::rpcserver {

void release_free_memory() {
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
}

}  // namespace ddtr::rpcserver
