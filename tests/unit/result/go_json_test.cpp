// Go's encoding/json, byte for byte: the golden document from the reference
// schema, float formatting and string escaping.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "shared/common/error.hpp"
#include "shared/result/go_json.hpp"
#include "shared/result/normalize.hpp"

namespace ddtr {
namespace {

// The reference's hand-composed example (tcp, 2 runs, 4 e2e probes, one lost),
// built from raw measurements and run through normalize() like the daemon does.
Results example() {
  Results r;
  r.protocol = "tcp";
  r.source_public_ip = "198.51.100.77";
  r.destination_hostname = "example.net";
  r.destination_port = 443;
  std::vector<std::string> www = {"www.example.net."};
  ddtr::Run a;
  a.source = {"10.0.0.5", 41234, {}};
  a.destination = {"203.0.113.10", 443, www};
  a.hops = {Hop{1, "10.0.0.1", 0.412, false, {}, false}, Hop{2, "198.51.100.1", 5.25, false, {"ae1.core.example."}, false},
            Hop{3, "203.0.113.10", 12.345678, false, www, true}};
  ddtr::Run b;
  b.source = {"10.0.0.5", 52011, {}};
  b.destination = {"203.0.113.10", 443, www};
  b.hops = {Hop{1, "10.0.0.1", 0.398, false, {}, false}, Hop{2, "", 0, false, {}, false},
            Hop{3, "203.0.113.10", 12.9, false, www, true}};
  r.runs = std::vector<ddtr::Run>{a, b};
  r.e2e_probe.rtts = std::vector<double>{12.5, 0, 13.5, 12.75};
  RunIdGenerator ids;
  normalize(r, ids);
  r.test_run_id = "q1VbT0Jm9kS3yXcA2fZ8Lw";  // the reference's fixed ids
  (*r.runs)[0].run_id = "Zk3m1rQ0TXWa8b4cNn2E_g";
  (*r.runs)[1].run_id = "w-7hJ2pLxU6o0sdRkz1y9A";
  return r;
}

std::string golden() {
  std::ifstream in(std::string(DDTR_TEST_DATA_DIR) + "/golden_example.json");
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();  // the CLI adds it, to_go_json does not
  return text;
}

TEST(GoJson, GoldenDocumentByteForByte) {
  std::string ours = to_go_json(example(), 2);
  EXPECT_EQ(ours, golden());
}

TEST(GoJson, CompactFormIsTheSameDocument) {
  auto r = example();
  std::string compact = to_go_json(r, 0);
  EXPECT_EQ(compact.find('\n'), std::string::npos);
  EXPECT_EQ(compact.find(": "), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(compact), nlohmann::json::parse(golden()));
}

TEST(GoJson, NullRunsAndRtts) {
  Results r;
  r.protocol = "icmp";
  auto doc = nlohmann::json::parse(to_go_json(r, 2));
  EXPECT_TRUE(doc["traceroute"]["runs"].is_null());
  EXPECT_TRUE(doc["e2e_probe"]["rtts"].is_null());
  r.runs = std::vector<ddtr::Run>{};
  r.e2e_probe.rtts = std::vector<double>{};
  std::string text = to_go_json(r, 2);
  EXPECT_NE(text.find("\"runs\": []"), std::string::npos);
  EXPECT_NE(text.find("\"rtts\": []"), std::string::npos);
}

TEST(GoFloat, Float64LikeGo) {
  EXPECT_EQ(go_format_float64(0), "0");
  EXPECT_EQ(go_format_float64(3), "3");
  EXPECT_EQ(go_format_float64(-2), "-2");
  EXPECT_EQ(go_format_float64(0.412), "0.412");
  EXPECT_EQ(go_format_float64(12.345678), "12.345678");
  EXPECT_EQ(go_format_float64(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(go_format_float64(12.916666666666666), "12.916666666666666");
  EXPECT_EQ(go_format_float64(1e-6), "0.000001");
  EXPECT_EQ(go_format_float64(1e-7), "1e-7");
  EXPECT_EQ(go_format_float64(1.5e-10), "1.5e-10");
  EXPECT_EQ(go_format_float64(-1e-7), "-1e-7");
  EXPECT_EQ(go_format_float64(1e20), "100000000000000000000");
  EXPECT_EQ(go_format_float64(1e21), "1e+21");
  EXPECT_EQ(go_format_float64(123456789e20), "1.23456789e+28");
  EXPECT_THROW(go_format_float64(std::nan("")), Error);
}

TEST(GoFloat, Float32UsesFloat32Digits) {
  EXPECT_EQ(go_format_float32(0.2f), "0.2");
  EXPECT_EQ(go_format_float32(0.25f), "0.25");
  EXPECT_EQ(go_format_float32(1.0f), "1");
  EXPECT_EQ(go_format_float32(1.0f / 3.0f), "0.33333334");
  EXPECT_EQ(go_format_float32(0.0f), "0");
}

TEST(GoQuote, EscapesLikeEncodingJson) {
  EXPECT_EQ(go_quote("plain"), "\"plain\"");
  EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(go_quote("\n\r\t"), "\"\\n\\r\\t\"");
  EXPECT_EQ(go_quote(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(go_quote("<a&b>"), "\"\\u003ca\\u0026b\\u003e\"");
  EXPECT_EQ(go_quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(go_quote("\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\"");
  EXPECT_EQ(go_quote("bad\xff"), "\"bad\\ufffd\"");
  EXPECT_EQ(go_quote("\xc3"), "\"\\ufffd\"");          // truncated sequence
  EXPECT_EQ(go_quote("\xc0\xaf"), "\"\\ufffd\\ufffd\"");  // overlong encoding: each byte replaced
  EXPECT_EQ(go_quote(std::string("\0", 1)), "\"\\u0000\"");
}

}  // namespace
}  // namespace ddtr
