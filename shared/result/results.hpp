// The result model: a 1:1 image of the Go tool's JSON document (result/result.go).
// Field order here is the JSON key order. Plain value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ddtr {

struct Hop {
  int ttl = 0;
  std::string ip_address;  // "" when the hop did not answer
  double rtt_ms = 0;       // milliseconds
  bool reachable = false;  // set by normalize(): ip_address non-empty
  std::vector<std::string> reverse_dns;  // omitted from JSON when empty
  // Not serialized (as upstream): whether this reply came from the destination.
  bool is_dest = false;

  bool operator==(const Hop&) const = default;
};

struct RunEndpoint {
  std::string ip_address;
  uint16_t port = 0;
  std::vector<std::string> reverse_dns;  // destination only; omitted when empty

  bool operator==(const RunEndpoint&) const = default;
};

struct Run {
  std::string run_id;
  RunEndpoint source;       // serialized without reverse_dns
  RunEndpoint destination;  // serialized with reverse_dns when non-empty
  std::vector<Hop> hops;

  bool operator==(const Run&) const = default;
};

struct HopCount {
  double avg = 0;
  int min = 0;
  int max = 0;

  bool operator==(const HopCount&) const = default;
};

struct RttStats {
  double avg = 0;
  double min = 0;
  double max = 0;

  bool operator==(const RttStats&) const = default;
};

struct E2eProbe {
  std::optional<std::vector<double>> rtts;  // nullopt -> JSON null
  int packets_sent = 0;
  int packets_received = 0;
  float packet_loss_percentage = 0;  // a fraction 0..1, float32 as upstream
  double jitter = 0;
  RttStats rtt;

  bool operator==(const E2eProbe&) const = default;
};

struct Results {
  std::string test_run_id;
  std::string protocol;
  std::string source_public_ip;  // "source": {"public_ip": ...}
  std::string destination_hostname;
  int destination_port = 0;
  std::optional<std::vector<Run>> runs;  // nullopt -> JSON null
  HopCount hop_count;
  E2eProbe e2e_probe;

  bool operator==(const Results&) const = default;
};

}  // namespace ddtr
