// The reference's hand-composed example document (upstream-behaviour-frontend.md
// section 4: tcp, -p 443 -q 2 -Q 4, reverse DNS and public IP, one e2e probe
// lost, TTL 2 of the second run unanswered), shared by the result tests.
#pragma once

#include "shared/result/results.hpp"

namespace ddtr::test {

// The fixed ids printed in the example.
inline constexpr const char* kExampleTestRunId = "q1VbT0Jm9kS3yXcA2fZ8Lw";
inline constexpr const char* kExampleRunIds[] = {"Zk3m1rQ0TXWa8b4cNn2E_g", "w-7hJ2pLxU6o0sdRkz1y9A"};

// What the probes and enrichment hand to normalize(): no ids, no reachable
// flags, no statistics.
inline Results example_measurements() {
  const std::vector<std::string> www = {"www.example.net."};
  Results r;
  r.protocol = "tcp";
  r.source_public_ip = "198.51.100.77";
  r.destination_hostname = "example.net";
  r.destination_port = 443;

  Run first;
  first.source = {"10.0.0.5", 41234, {}};
  first.destination = {"203.0.113.10", 443, www};
  first.hops = {
      Hop{1, "10.0.0.1", 0.412, false, {}, false},
      Hop{2, "198.51.100.1", 5.25, false, {"ae1.core.example."}, false},
      Hop{3, "203.0.113.10", 12.345678, false, www, true},
  };
  Run second;
  second.source = {"10.0.0.5", 52011, {}};
  second.destination = {"203.0.113.10", 443, www};
  second.hops = {
      Hop{1, "10.0.0.1", 0.398, false, {}, false},
      Hop{2, "", 0, false, {}, false},
      Hop{3, "203.0.113.10", 12.9, false, www, true},
  };
  r.runs = std::vector<Run>{first, second};
  r.e2e_probe.rtts = std::vector<double>{12.5, 0, 13.5, 12.75};
  return r;
}

// The document exactly as printed in the reference, every field set by hand.
inline Results example_document() {
  Results r = example_measurements();
  r.test_run_id = kExampleTestRunId;
  for (std::size_t i = 0; i < r.runs->size(); ++i) {
    Run& run = (*r.runs)[i];
    run.run_id = kExampleRunIds[i];
    for (Hop& hop : run.hops) hop.reachable = !hop.ip_address.empty();
  }
  r.hop_count = HopCount{3, 3, 3};
  E2eProbe& e2e = r.e2e_probe;
  e2e.packets_sent = 4;
  e2e.packets_received = 3;
  e2e.packet_loss_percentage = 0.25f;
  e2e.jitter = 0.875;
  e2e.rtt = RttStats{12.916666666666666, 12.5, 13.5};
  return r;
}

}  // namespace ddtr::test
