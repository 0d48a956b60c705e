// The client's no-daemon mode builds its engine with EngineOptions' defaults
// (daemon/inprocess); the daemon builds its own from its flags' defaults
// (daemon/main.cpp). Both must trace alike: the same pacing, wait and DNS deadline.
#include <gtest/gtest.h>

#include "daemon/daemon_options.hpp"
#include "daemon/engine/engine.hpp"

namespace ddtr::engine {
namespace {

TEST(InProcessDefaults, EngineDefaultsAreTheDaemonsFlagDefaults) {
  const daemon::DaemonOptions flags;
  const EngineOptions engine;
  EXPECT_EQ(engine.pacing.send_delay, flags.send_delay);
  EXPECT_EQ(engine.pacing.window, flags.window);
  EXPECT_EQ(engine.pacing.wait.enabled, flags.adaptive_wait);
  EXPECT_EQ(engine.resolver.deadline, flags.dns_timeout);
  EXPECT_EQ(engine.shared_capture, !flags.per_trace_capture);
  EXPECT_TRUE(flags.public_ip_urls.empty());  // both: upstream's list of checkers
}

}  // namespace
}  // namespace ddtr::engine
