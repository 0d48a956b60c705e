#include "daemon/metrics/metrics_page.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

namespace ddtr::metrics {
namespace {

bool has_line(const std::string& page, const std::string& line) {
  std::istringstream in(page);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

std::set<std::string> families(const std::string& page) {
  std::set<std::string> out;
  std::istringstream in(page);
  for (std::string l; std::getline(in, l);) {
    if (l.rfind("# TYPE ", 0) == 0) out.insert(l.substr(7));
  }
  return out;
}

TEST(MetricsPage, EveryFamilyWithItsType) {
  DaemonMetrics counts;
  MetricsPage page;
  auto text = page.render(counts, {});
  std::set<std::string> expected = {
      "ddtr_build_info gauge",
      "ddtr_traces_started_total counter",
      "ddtr_traces_finished_total counter",
      "ddtr_refusals_total counter",
      "ddtr_traces_running gauge",
      "ddtr_traces_queued gauge",
      "ddtr_connections gauge",
      "ddtr_probes_sent_total counter",
      "ddtr_probe_replies_total counter",
      "ddtr_probe_identities gauge",
      "ddtr_unrouted_replies_total counter",
      "ddtr_audit_write_failures_total counter",
      "ddtr_policy_reloads_total counter",
      "ddtr_policy_loaded_timestamp_seconds gauge",
      "ddtr_trace_duration_seconds histogram",
      "ddtr_trace_queue_wait_seconds histogram",
  };
  EXPECT_EQ(families(text), expected);
}

TEST(MetricsPage, ShowsTheCountsAndReadings) {
  DaemonMetrics counts;
  counts.trace_started(Protocol::Udp);
  counts.trace_finished(Protocol::Udp, Outcome::Ok, 0.3);
  counts.trace_queue_wait(0.002);
  counts.refused(ErrorCode::QuotaExceeded, Source::Rpc);
  counts.probes(Protocol::Udp, 9, 4);
  counts.admission(1, 0);
  counts.connection_opened(Source::Rpc);
  counts.policy_loaded(1700000000);
  Readings readings{2, 3, 4, 17, 5};
  auto text = MetricsPage().render(counts, readings);
  EXPECT_TRUE(has_line(text, R"(ddtr_traces_started_total{protocol="udp"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_traces_finished_total{protocol="udp",outcome="ok"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_traces_finished_total{protocol="icmp",outcome="ok"} 0)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_refusals_total{code="QUOTA_EXCEEDED",source="rpc"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_refusals_total{code="QUOTA_EXCEEDED",source="http"} 0)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_probes_sent_total{protocol="udp"} 9)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_probe_replies_total{protocol="udp"} 4)"));
  EXPECT_TRUE(has_line(text, "ddtr_traces_running 1"));
  EXPECT_TRUE(has_line(text, R"(ddtr_connections{source="rpc"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_probe_identities{kind="echo_id"} 2)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_probe_identities{kind="port"} 3)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_probe_identities{kind="route"} 4)"));
  EXPECT_TRUE(has_line(text, "ddtr_unrouted_replies_total 17"));
  EXPECT_TRUE(has_line(text, "ddtr_audit_write_failures_total 5"));
  EXPECT_TRUE(has_line(text, "ddtr_policy_loaded_timestamp_seconds 1700000000"));
  EXPECT_TRUE(has_line(text, "ddtr_trace_duration_seconds_count 1"));
  EXPECT_TRUE(has_line(text, R"(ddtr_trace_duration_seconds_bucket{le="0.25"} 0)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_trace_duration_seconds_bucket{le="0.5"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_trace_duration_seconds_bucket{le="+Inf"} 1)"));
  EXPECT_TRUE(has_line(text, R"(ddtr_trace_queue_wait_seconds_bucket{le="0.005"} 1)"));
}

TEST(MetricsPage, LabelSetsAreClosed) {
  // Whatever callers ask, the page has the same series: 4 protocols x 3
  // outcomes, 13 codes x 2 sources; nothing grows with users or targets.
  DaemonMetrics counts;
  for (auto word : {"icmp", "weird", "other-thing", "UDP"}) counts.trace_started(protocol_of(word));
  auto text = MetricsPage().render(counts, {});
  EXPECT_TRUE(has_line(text, R"(ddtr_traces_started_total{protocol="other"} 2)"));
  std::istringstream in(text);
  int finished = 0, refusals = 0;
  for (std::string l; std::getline(in, l);) {
    finished += l.rfind("ddtr_traces_finished_total{", 0) == 0;
    refusals += l.rfind("ddtr_refusals_total{", 0) == 0;
  }
  EXPECT_EQ(finished, 12);
  EXPECT_EQ(refusals, 26);
}

}  // namespace
}  // namespace ddtr::metrics
