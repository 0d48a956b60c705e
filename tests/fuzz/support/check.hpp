// How a fuzz target states an invariant: a broken one prints what and where,
// then aborts, so libFuzzer saves the input as a crash. (assert() would vanish
// in the RelWithDebInfo fuzz build, which defines NDEBUG.)
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <span>

#define FUZZ_CHECK(condition) \
  ((condition) ? static_cast<void>(0) : ::ddtr::fuzz::check_failed(#condition, __FILE__, __LINE__))

namespace ddtr::fuzz {

[[noreturn]] inline void check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", what, file, line);
  std::abort();
}

// Whether `view` lies inside `whole`: parsers hand out views of the bytes they
// were given, never of anything else. std::less gives a total order on pointers.
inline bool within(std::span<const std::uint8_t> view, std::span<const std::uint8_t> whole) {
  if (view.empty()) return true;
  std::less<const std::uint8_t*> before;
  return !before(view.data(), whole.data()) && !before(whole.data() + whole.size(), view.data() + view.size());
}

}  // namespace ddtr::fuzz
