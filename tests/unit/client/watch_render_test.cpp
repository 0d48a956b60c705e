// The watch table, frame, report and JSON document, and the rate-limit hint.
#include <gtest/gtest.h>

#include "client/watch_loop.hpp"
#include "client/watch_report.hpp"
#include "client/watch_screen.hpp"
#include "client/watch_table.hpp"

namespace ddtr::client {
namespace {

Hop hop(int ttl, std::string address, double rtt = 1.0, bool dest = false) {
  Hop h;
  h.ttl = ttl;
  h.ip_address = std::move(address);
  h.rtt_ms = rtt;
  h.is_dest = dest;
  return h;
}

Results round_of(std::vector<Hop> hops) {
  Results r;
  r.runs.emplace();
  Run run;
  run.destination.ip_address = "203.0.113.5";
  run.hops = std::move(hops);
  r.runs->push_back(std::move(run));
  return r;
}

WatchStats ecmp_stats() {
  WatchStats stats;
  Results a = round_of({hop(1, "192.0.2.6", 0.5), hop(2, "", 0), hop(3, "192.0.2.14", 1.0),
                        hop(4, "203.0.113.5", 2.0, true)});
  (*a.runs)[0].hops[0].reverse_dns = {"r1.example."};
  stats.add_round(a);
  stats.add_round(round_of({hop(1, "192.0.2.6", 1.5), hop(2, "", 0), hop(3, "198.51.100.14", 3.0),
                            hop(4, "203.0.113.5", 4.0, true)}));
  return stats;
}

std::vector<std::string> plain(const std::vector<StyledLine>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(to_text(l, false, 0));
  return out;
}

TEST(WatchTable, MtrColumnsOneRowPerAddress) {
  auto lines = plain(render_watch_table(ecmp_stats(), WatchTableOptions{}));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "TTL  Address          rDNS         Loss%  Snt  Rcv   Last    Avg   Best   Wrst  StDev");
  EXPECT_EQ(lines[1], "  1  192.0.2.6        r1.example    0.0%    2    2  1.500  1.000  0.500  1.500  0.500");
  EXPECT_EQ(lines[2], "  2  *                            100.0%    2    0");
  EXPECT_EQ(lines[3], "  3  192.0.2.14                     0.0%    2    1  1.000  1.000  1.000  1.000  0.000");
  EXPECT_EQ(lines[4], "     198.51.100.14                               1  3.000  3.000  3.000  3.000  0.000");
  EXPECT_EQ(lines[5], "  4  203.0.113.5                    0.0%    2    2  4.000  3.000  2.000  4.000  1.000");
}

TEST(WatchTable, NamesToggleAndGiveWayOnANarrowTerminal) {
  auto without = plain(render_watch_table(ecmp_stats(), WatchTableOptions{0, 0, false}));
  EXPECT_EQ(without[0].find("rDNS"), std::string::npos);
  auto narrow = render_watch_table(ecmp_stats(), WatchTableOptions{80, 0, true});
  for (const auto& line : narrow) EXPECT_LE(to_text(line, false, 80).size(), 79u);
}

TEST(WatchTable, ATallTableIsCutToTheScreen) {
  WatchStats stats;
  std::vector<Hop> hops;
  for (int ttl = 1; ttl <= 30; ++ttl) hops.push_back(hop(ttl, "192.0.2." + std::to_string(ttl)));
  stats.add_round(round_of(hops));
  auto lines = plain(render_watch_table(stats, WatchTableOptions{120, 10, true}));
  ASSERT_EQ(lines.size(), 11u);  // header, 9 rows, the note
  EXPECT_NE(lines.back().find("21 more rows"), std::string::npos);
}

TEST(WatchTable, NetworkTextCannotEscape) {
  WatchStats stats;
  Results r = round_of({hop(1, "192.0.2.6")});
  (*r.runs)[0].hops[0].reverse_dns = {"evil\x1b[2J.example."};
  stats.add_round(r);
  for (const auto& line : plain(render_watch_table(stats, WatchTableOptions{}))) {
    EXPECT_EQ(line.find('\x1b'), std::string::npos);
  }
}

TEST(WatchReport, TitleAndTable) {
  TraceParams params;
  params.hostname = "203.0.113.5";
  params.protocol = "icmp";
  params.traceroute_queries = 1;
  WatchStats stats = ecmp_stats();
  stats.note_throttled();
  auto lines = report_lines(params, stats, true);
  EXPECT_EQ(lines[0], "datadog-traceroute to 203.0.113.5: icmp, 2 rounds of 1 run, 1 throttled, RTT in ms");
  EXPECT_EQ(lines.size(), 7u);
}

TEST(WatchReport, JsonDocument) {
  TraceParams params;
  params.hostname = "dst.example";
  params.protocol = "udp";
  params.port = 33434;
  params.traceroute_queries = 1;
  WatchStats stats;
  Results a = round_of({hop(1, "192.0.2.6", 0.5), hop(2, "", 0)});
  (*a.runs)[0].hops[0].reverse_dns = {"r1.example."};
  stats.add_round(a);
  EXPECT_EQ(report_json(params, stats), R"({
  "protocol": "udp",
  "destination": {
    "hostname": "dst.example",
    "ip_address": "203.0.113.5",
    "port": 33434
  },
  "traceroute_queries": 1,
  "rounds": 1,
  "rounds_refused": 0,
  "rounds_throttled": 0,
  "hops": [
    {
      "ttl": 1,
      "sent": 1,
      "received": 1,
      "loss_percent": 0,
      "addresses": [
        {
          "ip_address": "192.0.2.6",
          "reverse_dns": [
            "r1.example."
          ],
          "is_destination": false,
          "received": 1,
          "rtt": {
            "last": 0.5,
            "avg": 0.5,
            "min": 0.5,
            "max": 0.5,
            "stddev": 0
          }
        }
      ]
    },
    {
      "ttl": 2,
      "sent": 1,
      "received": 0,
      "loss_percent": 100,
      "addresses": []
    }
  ]
})");
}

TEST(WatchScreen, FrameHasStatusAndKeys) {
  TraceParams params;
  params.hostname = "203.0.113.5";
  params.protocol = "icmp";
  WatchStatus status;
  status.round = 7;
  status.phase = WatchStatus::Phase::Throttled;
  status.throttled_wait_s = 2.35;
  status.last_refusal = "QUOTA_EXCEEDED: rate limit";
  auto lines = plain(watch_frame(params, std::chrono::milliseconds(1000), ecmp_stats(), status, WatchView{}, {120, 40}));
  EXPECT_NE(lines[lines.size() - 3].find("round 7: throttled by the daemon's rate limit, waiting 2.4 s"), std::string::npos)
      << lines[lines.size() - 3];
  EXPECT_EQ(lines[lines.size() - 2], "last refusal: QUOTA_EXCEEDED: rate limit");
  EXPECT_EQ(lines.back(), "Keys: q quit  p pause/resume  r reset  n names on/off");
  status.phase = WatchStatus::Phase::Paused;
  status.last_refusal.clear();
  lines = plain(watch_frame(params, std::chrono::milliseconds(500), ecmp_stats(), status, WatchView{true, false}, {120, 40}));
  EXPECT_EQ(lines.back(), "paused (p resumes)");
}

TEST(RateLimitWait, ReadsTheDaemonsHint) {
  EXPECT_EQ(rate_limit_wait("rate limit: role \"user\" may start 6 traces per minute in bursts of 2 (roles.user."
                            "rate_per_minute, roles.user.burst); the next may start in 9.5 s"),
            9.5);
  EXPECT_EQ(rate_limit_wait("the next may start in never"), std::nullopt);
  EXPECT_EQ(rate_limit_wait("user nobody already has 4 traces running"), std::nullopt);
  EXPECT_EQ(rate_limit_wait("the next may start in 3"), std::nullopt);
}

}  // namespace
}  // namespace ddtr::client
