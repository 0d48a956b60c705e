// hostile_client ATTACK ARGS...: misbehaves against the daemon on purpose (see
// attacks.hpp). Add an attack: a file with its function, a row below.
#include <cstdio>
#include <exception>
#include <string_view>

#include "tests/hostile/attacks.hpp"

namespace {

struct Attack {
  std::string_view name;
  std::string_view usage;
  int (*run)(const ddtr::hostile::Args&);
};

constexpr Attack kAttacks[] = {
    {"pipeline-info", "SOCKET N HOLD_SECONDS [--no-finish]", ddtr::hostile::pipeline_info},
    {"hold-connections", "SOCKET N SECONDS", ddtr::hostile::hold_connections},
    {"trace-target", "SOCKET LENGTH", ddtr::hostile::trace_target},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2) {
    for (const auto& attack : kAttacks) {
      if (attack.name != argv[1]) continue;
      try {
        return attack.run(ddtr::hostile::Args(argv + 2, argv + argc));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "hostile_client %s: %s\n", argv[1], e.what());
        return 1;
      }
    }
  }
  std::fprintf(stderr, "usage:\n");
  for (const auto& attack : kAttacks) {
    std::fprintf(stderr, "  hostile_client %.*s %.*s\n", static_cast<int>(attack.name.size()), attack.name.data(),
                 static_cast<int>(attack.usage.size()), attack.usage.data());
  }
  return 2;
}
