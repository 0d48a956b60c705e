// The text of what a call throws, or "(no error)": for tests that pin the
// exact error strings upstream's callers see.
#pragma once

#include <exception>
#include <functional>
#include <string>

namespace ddtr::test_support {

inline std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace ddtr::test_support
