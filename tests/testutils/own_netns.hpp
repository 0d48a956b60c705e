// Runs a test body inside a network namespace of its own (Linux, root only):
// unshare(CLONE_NEWNET) moves the calling thread only, so the body runs on a
// thread of its own, after `setup` (a shell command, `ip` and the like) has
// built the namespace's links and routes there.
#pragma once

#ifdef __linux__
#include <sched.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <thread>

namespace ddtr::testutils {

// False, with nothing run, when this is not possible here (not root, no
// namespaces, `setup` failed): the caller skips.
inline bool run_in_own_netns(const char* setup, const std::function<void()>& body) {
  if (::geteuid() != 0) return false;
  bool ok = true;
  std::thread inside([&] {
    if (::unshare(CLONE_NEWNET) != 0 || std::system(setup) != 0) {
      ok = false;
      return;
    }
    body();
  });
  inside.join();
  return ok;
}

}  // namespace ddtr::testutils
#endif
