#include "daemon/metrics/daemon_metrics.hpp"

#include <gtest/gtest.h>

namespace ddtr::metrics {
namespace {

TEST(ProtocolOf, KnowsTheThreeAndFoldsTheRestIntoOther) {
  EXPECT_EQ(protocol_of("icmp"), Protocol::Icmp);
  EXPECT_EQ(protocol_of("UDP"), Protocol::Udp);
  EXPECT_EQ(protocol_of("Tcp"), Protocol::Tcp);
  // A caller's word never becomes a label value of its own.
  EXPECT_EQ(protocol_of("sctp"), Protocol::Other);
  EXPECT_EQ(protocol_of(""), Protocol::Other);
  EXPECT_EQ(protocol_of("icmpx"), Protocol::Other);
  EXPECT_EQ(protocol_name(Protocol::Other), "other");
}

TEST(SourceOf, HttpOrRpc) {
  EXPECT_EQ(source_of("http"), Source::Http);
  EXPECT_EQ(source_of("rpc"), Source::Rpc);
  EXPECT_EQ(source_of("anything"), Source::Rpc);
}

TEST(Histogram, CumulativeBucketsCountAndSum) {
  Histogram h;
  h.observe(0.001);   // <= 0.005
  h.observe(0.005);   // on a bound: counted in it (le)
  h.observe(0.3);     // <= 0.5
  h.observe(100);     // +Inf only
  h.observe(-1);      // a clock step: counted as zero
  auto s = h.snapshot();
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.cumulative[0], 3u);  // 0.001, 0.005, and the negative as 0
  EXPECT_EQ(s.cumulative[5], 3u);  // le 0.25
  EXPECT_EQ(s.cumulative[6], 4u);  // le 0.5
  EXPECT_EQ(s.cumulative.back(), 4u);  // le 30: not the 100 s one
  EXPECT_NEAR(s.sum_seconds, 100.306, 1e-6);
}

TEST(DaemonMetrics, CountsByLabel) {
  DaemonMetrics m;
  m.trace_started(Protocol::Icmp);
  m.trace_started(Protocol::Icmp);
  m.trace_started(Protocol::Udp);
  m.trace_finished(Protocol::Icmp, Outcome::Ok, 0.2);
  m.trace_finished(Protocol::Icmp, Outcome::Cancelled, 0.1);
  m.trace_finished(Protocol::Udp, Outcome::Error, 1.5);
  m.refused(ErrorCode::PolicyDenied, Source::Http);
  m.refused(ErrorCode::PolicyDenied, Source::Http);
  m.refused(ErrorCode::InvalidRequest, Source::Rpc);
  m.probes(Protocol::Tcp, 10, 7);
  m.probes(Protocol::Tcp, 5, 5);
  m.admission(3, 2);
  EXPECT_EQ(m.started(Protocol::Icmp), 2u);
  EXPECT_EQ(m.started(Protocol::Udp), 1u);
  EXPECT_EQ(m.started(Protocol::Tcp), 0u);
  EXPECT_EQ(m.finished(Protocol::Icmp, Outcome::Ok), 1u);
  EXPECT_EQ(m.finished(Protocol::Icmp, Outcome::Cancelled), 1u);
  EXPECT_EQ(m.finished(Protocol::Udp, Outcome::Error), 1u);
  EXPECT_EQ(m.durations().count, 3u);
  EXPECT_EQ(m.refusals(ErrorCode::PolicyDenied, Source::Http), 2u);
  EXPECT_EQ(m.refusals(ErrorCode::PolicyDenied, Source::Rpc), 0u);
  EXPECT_EQ(m.refusals(ErrorCode::InvalidRequest, Source::Rpc), 1u);
  EXPECT_EQ(m.probes_sent(Protocol::Tcp), 15u);
  EXPECT_EQ(m.replies(Protocol::Tcp), 12u);
  EXPECT_EQ(m.running(), 3);
  EXPECT_EQ(m.queued(), 2);
}

TEST(DaemonMetrics, TheFirstPolicyLoadIsNotAReload) {
  DaemonMetrics m;
  m.policy_loaded(1000);
  EXPECT_EQ(m.policy_reloads_ok(), 0u);
  EXPECT_DOUBLE_EQ(m.policy_loaded_at(), 1000);
  m.policy_loaded(2000);
  m.policy_reload_failed();
  EXPECT_EQ(m.policy_reloads_ok(), 1u);
  EXPECT_EQ(m.policy_reloads_failed(), 1u);
  EXPECT_DOUBLE_EQ(m.policy_loaded_at(), 2000);
}

TEST(ConnectionCount, OpenWhileItLives) {
  DaemonMetrics m;
  {
    ConnectionCount a(m, Source::Rpc);
    ConnectionCount b(m, Source::Rpc);
    ConnectionCount c(m, Source::Http);
    EXPECT_EQ(m.connections(Source::Rpc), 2);
    EXPECT_EQ(m.connections(Source::Http), 1);
  }
  EXPECT_EQ(m.connections(Source::Rpc), 0);
  EXPECT_EQ(m.connections(Source::Http), 0);
}

}  // namespace
}  // namespace ddtr::metrics
