// The audit line records what was done beside what was asked, a clipped
// target's length, and the one line that stands for suppressed refusals.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon/policy/audit_log.hpp"
#include "daemon/policy/policy_config.hpp"

namespace ddtr::policy {
namespace {

AuditRecord allowed_udp() {
  AuditRecord r;
  r.time = std::chrono::system_clock::time_point(std::chrono::seconds(1'764'573'000));
  r.who.uid = 65534;
  r.who.user_name = "nobody";
  r.role = "user";
  r.params.hostname = "203.0.113.5:33500";
  r.verdict = "allowed";
  r.outcome = "ok";
  EffectiveTrace e;
  e.destination = Endpoint{boost::asio::ip::make_address("203.0.113.5"), 33500};
  e.probed = true;
  e.min_ttl = 1;
  e.max_ttl = 8;
  e.timeout_ms = 3000;
  e.traceroute_queries = 2;
  e.e2e_queries = 0;
  e.protocol = "udp";
  e.tcp_method = "syn";
  e.source_ports = {40001, 40002};
  r.effective = e;
  return r;
}

TEST(AuditEffective, BesideTheRequestAsAsked) {
  std::string line = audit_line(allowed_udp());
  EXPECT_NE(line.find(R"("effective":{"address":"203.0.113.5","probed":true,"protocol":"udp","port":33500,)"
                      R"("tcp_method":null,"min_ttl":1,"max_ttl":8,"timeout_ms":3000,"traceroute_queries":2,)"
                      R"("e2e_queries":0,"source_ports":[40001,40002]},"verdict":"allowed")"),
            std::string::npos)
      << line;
  auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["options"]["port"], 33434);  // as asked
  EXPECT_FALSE(json.contains("target_bytes"));
}

TEST(AuditEffective, IcmpHasNoPortAndTcpItsMethod) {
  AuditRecord r = allowed_udp();
  r.effective->protocol = "icmp";
  EXPECT_TRUE(nlohmann::json::parse(audit_line(r))["effective"]["port"].is_null());
  r.effective->protocol = "tcp";
  EXPECT_EQ(nlohmann::json::parse(audit_line(r))["effective"]["tcp_method"], "syn");
}

TEST(AuditEffective, NullBeforeResolutionAndTheLengthOfAClippedTarget) {
  AuditRecord r = allowed_udp();
  r.effective.reset();
  r.target_bytes = 31457280;
  auto json = nlohmann::json::parse(audit_line(r));
  EXPECT_TRUE(json["effective"].is_null());
  EXPECT_EQ(json["target_bytes"], 31457280);
}

TEST(AuditEffective, SummaryOfSuppressedRefusals) {
  RefusalBudget::Summary summary;
  summary.name = "uid=65534 (nobody)";
  summary.suppressed = 19995;
  summary.codes = {{ErrorCode::PolicyDenied, 19990}, {ErrorCode::QuotaExceeded, 5}};
  summary.interval = std::chrono::seconds(61);
  EXPECT_EQ(audit_line(summary, std::chrono::system_clock::time_point(std::chrono::seconds(1'764'573'000))),
            R"x({"time":"2025-12-01T07:10:00.000000Z","event":"refusals_suppressed","caller":"uid=65534 (nobody)",)x"
            R"x("verdict":"refused","suppressed":19995,"codes":{"POLICY_DENIED":19990,"QUOTA_EXCEEDED":5},"interval_s":61})x");
}

TEST(RefusalConfig, KeysDefaultsAndBounds) {
  PolicyConfig defaults = parse_policy_config("{}");
  EXPECT_EQ(defaults.refusal_burst, 20);
  EXPECT_EQ(defaults.refusals_per_minute, 10);
  PolicyConfig set = parse_policy_config(R"({"global": {"refusal_burst": 0, "refusals_per_minute": 0.5}})");
  EXPECT_EQ(set.refusal_burst, 0);
  EXPECT_EQ(set.refusals_per_minute, 0.5);
  try {
    parse_policy_config(R"({"global": {"refusal_burst": -1}})");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "config: global.refusal_burst: must be 0..1000000, not -1");
  }
  PolicyConfig packaged =
      load_policy_config(std::string(DDTR_TEST_DATA_DIR) + "/../../../packaging/daemon.json", false);
  EXPECT_EQ(packaged.refusal_burst, defaults.refusal_burst);
  EXPECT_EQ(packaged.refusals_per_minute, defaults.refusals_per_minute);
}

}  // namespace
}  // namespace ddtr::policy
