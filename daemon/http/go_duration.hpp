// Go's time.Duration.String(), for /health's "uptime": "1h2m3.456789012s",
// "1.5ms", "2µs", "0s".
#pragma once

#include <chrono>
#include <string>

namespace ddtr::http {

std::string go_duration(std::chrono::nanoseconds duration);

}  // namespace ddtr::http
