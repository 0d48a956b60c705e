#include "daemon/metrics/metrics_page.hpp"

#include <prometheus/gauge.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <limits>
#include <vector>

#include "shared/common/version.hpp"

namespace ddtr::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily family(std::string name, std::string help, MetricType type) {
  return MetricFamily{std::move(name), std::move(help), type, {}};
}

ClientMetric labelled(std::vector<ClientMetric::Label> labels) {
  ClientMetric m;
  m.label = std::move(labels);
  return m;
}

void add_counter(MetricFamily& f, std::vector<ClientMetric::Label> labels, double value) {
  auto m = labelled(std::move(labels));
  m.counter.value = value;
  f.metric.push_back(std::move(m));
}

void add_gauge(MetricFamily& f, std::vector<ClientMetric::Label> labels, double value) {
  auto m = labelled(std::move(labels));
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

MetricFamily histogram(std::string name, std::string help, const Histogram::Snapshot& s) {
  auto f = family(std::move(name), std::move(help), MetricType::Histogram);
  ClientMetric m;
  m.histogram.sample_count = s.count;
  m.histogram.sample_sum = s.sum_seconds;
  for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i) {
    m.histogram.bucket.push_back({s.cumulative[i], Histogram::kBounds[i]});
  }
  m.histogram.bucket.push_back({s.count, std::numeric_limits<double>::infinity()});
  f.metric.push_back(std::move(m));
  return f;
}

constexpr Protocol kAllProtocols[] = {Protocol::Icmp, Protocol::Udp, Protocol::Tcp, Protocol::Other};
constexpr Outcome kAllOutcomes[] = {Outcome::Ok, Outcome::Error, Outcome::Cancelled};
constexpr Source kAllSources[] = {Source::Rpc, Source::Http};

std::string str(std::string_view v) { return std::string(v); }

}  // namespace

struct MetricsPage::Constant {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
};

MetricsPage::MetricsPage() : constant_(std::make_unique<Constant>()) {
  prometheus::BuildGauge()
      .Name("ddtr_build_info")
      .Help("The daemon's version; always 1")
      .Register(*constant_->registry)
      .Add({{"version", kVersion}})
      .Set(1);
}

MetricsPage::~MetricsPage() = default;

std::string MetricsPage::render(const DaemonMetrics& counts, const Readings& engine) const {
  std::vector<MetricFamily> families = constant_->registry->Collect();

  auto started = family("ddtr_traces_started_total", "Trace requests the policy allowed (run at once or queued)",
                        MetricType::Counter);
  auto finished = family("ddtr_traces_finished_total", "Allowed trace requests that ended, by outcome",
                         MetricType::Counter);
  auto sent = family("ddtr_probes_sent_total", "Probes sent by finished traces (traceroute hops and e2e probes)",
                     MetricType::Counter);
  auto replies = family("ddtr_probe_replies_total", "Replies to the probes of finished traces", MetricType::Counter);
  for (Protocol p : kAllProtocols) {
    ClientMetric::Label proto{"protocol", str(protocol_name(p))};
    add_counter(started, {proto}, static_cast<double>(counts.started(p)));
    for (Outcome o : kAllOutcomes) {
      add_counter(finished, {proto, {"outcome", str(outcome_name(o))}}, static_cast<double>(counts.finished(p, o)));
    }
    add_counter(sent, {proto}, static_cast<double>(counts.probes_sent(p)));
    add_counter(replies, {proto}, static_cast<double>(counts.replies(p)));
  }

  auto refusals = family("ddtr_refusals_total", "Trace requests refused before running, by error code and transport",
                         MetricType::Counter);
  auto connections = family("ddtr_connections", "Open client connections, by transport", MetricType::Gauge);
  for (Source s : kAllSources) {
    ClientMetric::Label source{"source", str(source_name(s))};
    for (std::size_t c = 0; c < kErrorCodes; ++c) {
      auto code = static_cast<ErrorCode>(c);
      add_counter(refusals, {{"code", str(error_code_name(code))}, source}, static_cast<double>(counts.refusals(code, s)));
    }
    add_gauge(connections, {source}, static_cast<double>(counts.connections(s)));
  }

  auto running = family("ddtr_traces_running", "Traces running in the engine now", MetricType::Gauge);
  add_gauge(running, {}, static_cast<double>(counts.running()));
  auto queued = family("ddtr_traces_queued", "Allowed traces waiting for a slot now", MetricType::Gauge);
  add_gauge(queued, {}, static_cast<double>(counts.queued()));

  auto identities = family("ddtr_probe_identities", "Probe identities held by running traces, by kind",
                           MetricType::Gauge);
  add_gauge(identities, {{"kind", "echo_id"}}, static_cast<double>(engine.echo_ids));
  add_gauge(identities, {{"kind", "port"}}, static_cast<double>(engine.ports));
  add_gauge(identities, {{"kind", "route"}}, static_cast<double>(engine.demux_routes));
  auto unrouted = family("ddtr_unrouted_replies_total",
                         "Packets the shared capture took in that no running probe owned (dropped)",
                         MetricType::Counter);
  add_counter(unrouted, {}, static_cast<double>(engine.unrouted_replies));

  auto audit = family("ddtr_audit_write_failures_total", "Audit lines that could not be written",
                      MetricType::Counter);
  add_counter(audit, {}, static_cast<double>(engine.audit_write_failures));
  auto reloads = family("ddtr_policy_reloads_total", "Policy reloads (SIGHUP), by result", MetricType::Counter);
  add_counter(reloads, {{"result", "ok"}}, static_cast<double>(counts.policy_reloads_ok()));
  add_counter(reloads, {{"result", "failed"}}, static_cast<double>(counts.policy_reloads_failed()));
  auto loaded = family("ddtr_policy_loaded_timestamp_seconds", "When the policy in force was loaded (Unix time)",
                       MetricType::Gauge);
  add_gauge(loaded, {}, counts.policy_loaded_at());

  for (auto* f : {&started, &finished, &refusals, &running, &queued, &connections, &sent, &replies, &identities,
                  &unrouted, &audit, &reloads, &loaded}) {
    families.push_back(std::move(*f));
  }
  families.push_back(histogram("ddtr_trace_duration_seconds",
                               "Time from an allowed request's arrival to its end (queue wait included)",
                               counts.durations()));
  families.push_back(histogram("ddtr_trace_queue_wait_seconds", "Time an allowed request waited for a slot",
                               counts.queue_waits()));
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace ddtr::metrics
