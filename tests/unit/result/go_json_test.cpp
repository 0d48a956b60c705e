// The whole document against Go's encoding/json, byte for byte.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "shared/common/error.hpp"
#include "shared/result/go_json.hpp"
#include "tests/unit/result/example_results.hpp"

namespace ddtr {
namespace {

// The golden file holds the document as the CLI prints it, which is
// to_go_json's output plus one newline.
std::string golden() {
  std::ifstream in(std::string(DDTR_TEST_DATA_DIR) + "/golden_example.json", std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing golden_example.json";
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  EXPECT_FALSE(text.empty());
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

TEST(GoJson, GoldenDocumentByteForByte) {
  const std::string ours = to_go_json(test::example_document(), 2);
  EXPECT_EQ(ours, golden());
  EXPECT_NE(ours.back(), '\n');
}

TEST(GoJson, DefaultIndentIsTwo) {
  EXPECT_EQ(to_go_json(test::example_document()), to_go_json(test::example_document(), 2));
}

TEST(GoJson, GoldenParsesWithTheExpectedStructure) {
  const auto doc = nlohmann::json::parse(to_go_json(test::example_document(), 2));
  std::vector<std::string> keys;
  for (const auto& item : doc.items()) keys.push_back(item.key());
  // nlohmann::json sorts keys, so this checks the set; the byte comparison
  // above checks the order.
  EXPECT_EQ(keys.size(), 6u);
  EXPECT_EQ(doc["test_run_id"], test::kExampleTestRunId);
  EXPECT_EQ(doc["protocol"], "tcp");
  EXPECT_EQ(doc["source"]["public_ip"], "198.51.100.77");
  EXPECT_EQ(doc["destination"], (nlohmann::json{{"hostname", "example.net"}, {"port", 443}}));
  const auto& runs = doc["traceroute"]["runs"];
  ASSERT_TRUE(runs.is_array());
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1]["run_id"], test::kExampleRunIds[1]);
  EXPECT_FALSE(runs[0]["source"].contains("reverse_dns"));
  EXPECT_EQ(runs[0]["destination"]["reverse_dns"], nlohmann::json::array({"www.example.net."}));
  EXPECT_EQ(runs[1]["hops"][1], (nlohmann::json{{"ttl", 2}, {"ip_address", ""}, {"rtt", 0}, {"reachable", false}}));
  EXPECT_FALSE(runs[0]["hops"][2].contains("is_dest"));
  EXPECT_TRUE(doc["traceroute"]["hop_count"]["min"].is_number_integer());
  EXPECT_EQ(doc["e2e_probe"]["packet_loss_percentage"].get<double>(), 0.25);
  EXPECT_EQ(doc["e2e_probe"]["rtts"].size(), 4u);
}

TEST(GoJson, CompactFormIsTheSameDocument) {
  const std::string compact = to_go_json(test::example_document(), 0);
  EXPECT_EQ(compact.find('\n'), std::string::npos);
  EXPECT_EQ(compact.find(' '), std::string::npos);  // no string in the example holds a space
  EXPECT_EQ(compact.rfind("{\"test_run_id\":\"q1VbT0Jm9kS3yXcA2fZ8Lw\",\"protocol\":\"tcp\",", 0), 0u);
  EXPECT_NE(compact.find("\"hop_count\":{\"avg\":3,\"min\":3,\"max\":3}"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(compact), nlohmann::json::parse(golden()));
}

TEST(GoJson, NilSlicesAreNullEmptySlicesAreEmptyArrays) {
  Results r;
  r.protocol = "icmp";
  EXPECT_EQ(to_go_json(r, 0),
            R"({"test_run_id":"","protocol":"icmp","source":{"public_ip":""},"destination":{"hostname":"","port":0},)"
            R"("traceroute":{"runs":null,"hop_count":{"avg":0,"min":0,"max":0}},)"
            R"("e2e_probe":{"rtts":null,"packets_sent":0,"packets_received":0,"packet_loss_percentage":0,"jitter":0,)"
            R"("rtt":{"avg":0,"min":0,"max":0}}})");
  r.runs = std::vector<ddtr::Run>{};
  r.e2e_probe.rtts = std::vector<double>{};
  const std::string text = to_go_json(r, 2);
  EXPECT_NE(text.find("\n    \"runs\": [],\n"), std::string::npos);
  EXPECT_NE(text.find("\n    \"rtts\": [],\n"), std::string::npos);
}

TEST(GoJson, RunWithoutHopsAndEmptyNamesOmitted) {
  Results r;
  ddtr::Run run;
  run.run_id = "id";
  run.source = {"192.0.2.1", 1, {"never.written."}};  // TracerouteSource has no reverse_dns
  run.destination = {"192.0.2.9", 0, {}};
  r.runs = std::vector<ddtr::Run>{run};
  const std::string text = to_go_json(r, 0);
  EXPECT_NE(text.find(R"({"run_id":"id","source":{"ip_address":"192.0.2.1","port":1},)"
                      R"("destination":{"ip_address":"192.0.2.9","port":0},"hops":[]})"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("never.written."), std::string::npos);
}

TEST(GoJson, IndentedHopLayout) {
  Results r;
  ddtr::Run run;
  run.hops = {Hop{7, "192.0.2.7", 1.5, true, {"a.", "b."}, true}};
  r.runs = std::vector<ddtr::Run>{run};
  const std::string text = to_go_json(r, 2);
  EXPECT_NE(text.find("        \"hops\": [\n"
                      "          {\n"
                      "            \"ttl\": 7,\n"
                      "            \"ip_address\": \"192.0.2.7\",\n"
                      "            \"rtt\": 1.5,\n"
                      "            \"reachable\": true,\n"
                      "            \"reverse_dns\": [\n"
                      "              \"a.\",\n"
                      "              \"b.\"\n"
                      "            ]\n"
                      "          }\n"
                      "        ]\n"),
            std::string::npos)
      << text;
}

TEST(GoJson, StringsAreEscapedLikeGo) {
  Results r;
  r.destination_hostname = "<b>&\"x\"";
  EXPECT_NE(to_go_json(r, 0).find(R"("hostname":"\u003cb\u003e\u0026\"x\"")"), std::string::npos);
}

TEST(GoJson, NonFiniteFloatFailsTheWholeDocument) {
  Results r;
  r.e2e_probe.jitter = std::nan("");
  try {
    to_go_json(r, 2);
    FAIL() << "expected an encoding error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::FailedEncoding);
    EXPECT_STREQ(e.what(), "json: unsupported value: NaN");
  }
}

}  // namespace
}  // namespace ddtr
