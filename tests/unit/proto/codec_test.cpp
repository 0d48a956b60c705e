// The wire codec both programs use: every request option and every result field
// survives a trip through a Cap'n Proto message, including null runs/rtts.
#include <gtest/gtest.h>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "proto/codec.hpp"

namespace ddtr::proto {
namespace {

TEST(Codec, RequestRoundTripsEveryField) {
  TraceParams p;
  p.hostname = "[2001:db8::1]:443";
  p.port = 443;
  p.protocol = "tcp";
  p.min_ttl = 2;
  p.max_ttl = 17;
  p.delay_ms = 7;
  p.timeout_ms = 1234;
  p.tcp_method = "prefer_sack";
  p.want_v6 = true;
  p.tcp_syn_paris_traceroute_mode = true;
  p.reverse_dns = true;
  p.collect_source_public_ip = true;
  p.traceroute_queries = 9;
  p.e2e_queries = 0;
  p.use_windows_driver = true;
  p.skip_private_hops = true;
  capnp::MallocMessageBuilder message;
  write_request(p, message.initRoot<wire::TraceRequest>());
  auto words = capnp::messageToFlatArray(message);
  capnp::FlatArrayMessageReader reader(words);
  EXPECT_EQ(read_request(reader.getRoot<wire::TraceRequest>()), p);
}

TEST(Codec, RequestDefaultsAreTheGoDefaults) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<wire::TraceRequest>();
  root.setHostname("203.0.113.5");
  TraceParams expected;
  expected.hostname = "203.0.113.5";
  EXPECT_EQ(read_request(root.asReader()), expected);
}

// Regression (fuzz_request): strings were written through c_str() and cut at
// their first NUL, so what the daemon read was not what the peer sent.
TEST(Codec, StringsWithEmbeddedNulRoundTrip) {
  using namespace std::string_literals;
  TraceParams p;
  p.hostname = "allowed.example\0.other"s;
  p.protocol = "udp\0"s;
  p.tcp_method = "\0syn"s;
  capnp::MallocMessageBuilder message;
  write_request(p, message.initRoot<wire::TraceRequest>());
  auto words = capnp::messageToFlatArray(message);
  capnp::FlatArrayMessageReader reader(words);
  auto back = read_request(reader.getRoot<wire::TraceRequest>());
  EXPECT_EQ(back.hostname.size(), 22u);
  EXPECT_EQ(back, p);
}

Results sample() {
  Results r;
  r.test_run_id = "q1VbT0Jm9kS3yXcA2fZ8Lw";
  r.protocol = "icmp";
  r.source_public_ip = "198.51.100.77";
  r.destination_hostname = "example.test";
  r.destination_port = 33434;
  ddtr::Run run;
  run.run_id = "Zk3m1rQ0TXWa8b4cNn2E_g";
  run.source = {"192.0.2.5", 41234, {}};
  run.destination = {"203.0.113.5", 0, {"dst.example."}};
  run.hops.push_back(Hop{1, "192.0.2.6", 0.412, true, {"r1.example.", "alias.example."}, false});
  run.hops.push_back(Hop{2, "", 0, false, {}, false});
  run.hops.push_back(Hop{3, "203.0.113.5", 1.5, true, {}, true});
  r.runs = std::vector<ddtr::Run>{run};
  r.hop_count = {3, 3, 3};
  r.e2e_probe.rtts = std::vector<double>{1.5, 0, 2.25};
  r.e2e_probe.packets_sent = 3;
  r.e2e_probe.packets_received = 2;
  r.e2e_probe.packet_loss_percentage = 1.0f / 3.0f;
  r.e2e_probe.jitter = 0.75;
  r.e2e_probe.rtt = {1.875, 1.5, 2.25};
  return r;
}

Results round_trip(const Results& r) {
  capnp::MallocMessageBuilder message;
  write_results(r, message.initRoot<wire::Results>());
  auto words = capnp::messageToFlatArray(message);
  capnp::FlatArrayMessageReader reader(words);
  return read_results(reader.getRoot<wire::Results>());
}

TEST(Codec, ResultsRoundTrip) {
  auto r = sample();
  EXPECT_EQ(round_trip(r), r);
}

TEST(Codec, ResultStringsWithEmbeddedNulRoundTrip) {
  using namespace std::string_literals;
  auto r = sample();
  r.destination_hostname = "a\0b"s;
  (*r.runs)[0].hops[0].reverse_dns = {"r1\0.example."s};
  EXPECT_EQ(round_trip(r), r);
}

TEST(Codec, NullRunsAndRttsStayNull) {
  auto r = sample();
  r.runs.reset();
  r.e2e_probe.rtts.reset();
  auto back = round_trip(r);
  EXPECT_FALSE(back.runs.has_value());
  EXPECT_FALSE(back.e2e_probe.rtts.has_value());
  r.runs = std::vector<ddtr::Run>{};
  r.e2e_probe.rtts = std::vector<double>{};
  back = round_trip(r);
  ASSERT_TRUE(back.runs.has_value());
  EXPECT_TRUE(back.runs->empty());
  ASSERT_TRUE(back.e2e_probe.rtts.has_value());
}

TEST(Codec, ErrorCodesMapBothWays) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::DaemonUnavailable); ++i) {
    auto code = static_cast<ErrorCode>(i);
    EXPECT_EQ(from_wire(to_wire(code)), code);
  }
}

}  // namespace
}  // namespace ddtr::proto
