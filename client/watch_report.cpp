#include "client/watch_report.hpp"

#include "client/watch_table.hpp"
#include "shared/result/go_json.hpp"

namespace ddtr::client {

StyledLine watch_title(const TraceParams& params, const WatchStats& stats) {
  std::string text = "datadog-traceroute to " + sanitize(params.hostname);
  if (!stats.destination().empty() && stats.destination() != params.hostname) {
    text += " (" + sanitize(stats.destination()) + ")";
  }
  text += ": " + sanitize(params.protocol);
  if (params.protocol == "tcp") text.append(" ").append(sanitize(params.tcp_method));
  if (params.protocol != "icmp") text += " port " + std::to_string(params.port);
  const auto rounds = stats.rounds();
  text += ", " + std::to_string(rounds) + (rounds == 1 ? " round" : " rounds") + " of " +
          std::to_string(params.traceroute_queries) + (params.traceroute_queries == 1 ? " run" : " runs");
  if (stats.refused() > 0) text += ", " + std::to_string(stats.refused()) + " refused";
  if (stats.throttled() > 0) text += ", " + std::to_string(stats.throttled()) + " throttled";
  text += ", RTT in ms";
  return StyledLine{Span{std::move(text), Style::Title}};
}

std::vector<std::string> report_lines(const TraceParams& params, const WatchStats& stats, bool names) {
  std::vector<std::string> lines{to_text(watch_title(params, stats), false, 0)};
  for (const auto& line : render_watch_table(stats, WatchTableOptions{0, 0, names})) {
    lines.push_back(to_text(line, false, 0));
  }
  return lines;
}

namespace {

// A tiny indenting writer for this one document's shape; values are
// formatted as Go's encoding/json would (go_quote, go_format_float64).
class Doc {
 public:
  void open(const std::string& key, char bracket) { item(key) += bracket, depth_ += 1, first_ = true; }
  void close(char bracket) {
    depth_ -= 1;
    if (!first_) newline();
    out_ += bracket;
    first_ = false;
  }
  void field(const std::string& key, const std::string& raw) { item(key) += raw; }
  std::string take() { return std::move(out_); }

 private:
  std::string& item(const std::string& key) {
    if (depth_ > 0) {
      if (!first_) out_ += ',';
      newline();
    }
    first_ = false;
    if (!key.empty()) out_ += go_quote(key) + ": ";
    return out_;
  }
  void newline() { out_ += '\n' + std::string(2 * static_cast<std::size_t>(depth_), ' '); }

  std::string out_;
  int depth_ = 0;
  bool first_ = true;
};

std::string number(double v) { return go_format_float64(v); }
std::string integer(std::uint64_t v) { return std::to_string(v); }

}  // namespace

std::string report_json(const TraceParams& params, const WatchStats& stats) {
  Doc d;
  d.open("", '{');
  d.field("protocol", go_quote(params.protocol));
  d.open("destination", '{');
  d.field("hostname", go_quote(params.hostname));
  d.field("ip_address", go_quote(stats.destination()));
  d.field("port", params.protocol == "icmp" ? "0" : std::to_string(params.port));
  d.close('}');
  d.field("traceroute_queries", std::to_string(params.traceroute_queries));
  d.field("rounds", integer(stats.rounds()));
  d.field("rounds_refused", integer(stats.refused()));
  d.field("rounds_throttled", integer(stats.throttled()));
  d.open("hops", '[');
  for (const TtlStats& t : stats.ttls()) {
    d.open("", '{');
    d.field("ttl", std::to_string(t.ttl));
    d.field("sent", integer(t.sent));
    d.field("received", integer(t.received));
    d.field("loss_percent", number(t.loss_percent()));
    d.open("addresses", '[');
    for (const AddressStats& a : t.addresses) {
      d.open("", '{');
      d.field("ip_address", go_quote(a.address));
      if (!a.name.empty()) {
        d.open("reverse_dns", '[');
        d.field("", go_quote(a.name));
        d.close(']');
      }
      d.field("is_destination", a.is_destination ? "true" : "false");
      d.field("received", integer(a.rtt.count()));
      d.open("rtt", '{');
      d.field("last", number(a.rtt.last()));
      d.field("avg", number(a.rtt.mean()));
      d.field("min", number(a.rtt.best()));
      d.field("max", number(a.rtt.worst()));
      d.field("stddev", number(a.rtt.stddev()));
      d.close('}');
      d.close('}');
    }
    d.close(']');
    d.close('}');
  }
  d.close(']');
  d.close('}');
  return d.take();
}

}  // namespace ddtr::client
