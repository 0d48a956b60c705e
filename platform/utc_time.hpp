// A time_t as UTC calendar time: gmtime_r on POSIX, gmtime_s on Windows (the
// thread-safe forms; plain gmtime shares one buffer between threads).
#pragma once

#include <ctime>

namespace ddtr::platform {

inline std::tm utc_tm(std::time_t t) {
  std::tm tm{};
#ifdef _WIN32
  ::gmtime_s(&tm, &t);
#else
  ::gmtime_r(&t, &tm);
#endif
  return tm;
}

}  // namespace ddtr::platform
