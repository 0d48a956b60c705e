// `--format text`: the classic traceroute listing.
#include <gtest/gtest.h>

#include "client/text_render.hpp"

namespace ddtr::client {
namespace {

TEST(RenderText, ClassicListingWithNamesStarsAndEcmp) {
  Results results;
  ddtr::Run a, b;
  a.hops = {Hop{1, "192.0.2.6", 0.0714, true, {"r1.example."}, false}, Hop{2, "192.0.2.10", 0.25, true, {}, false},
            Hop{3, "", 0, false, {}, false}, Hop{4, "203.0.113.5", 1.5, true, {}, true}};
  b.hops = {Hop{1, "192.0.2.6", 0.052, true, {"r1.example."}, false}, Hop{2, "198.51.100.10", 0.3, true, {}, false},
            Hop{3, "", 0, false, {}, false}, Hop{4, "203.0.113.5", 1.25, true, {}, true}};
  results.runs = std::vector<ddtr::Run>{a, b};
  TraceParams params;
  params.hostname = "203.0.113.5";
  params.protocol = "icmp";
  params.traceroute_queries = 2;
  std::vector<std::string> expected = {
      "traceroute to 203.0.113.5 (203.0.113.5), 30 hops max, icmp, 2 runs",
      " 1  r1.example (192.0.2.6)  0.071 ms  0.052 ms",
      " 2  192.0.2.10  0.250 ms 198.51.100.10  0.300 ms",
      " 3  * *",
      " 4  203.0.113.5  1.500 ms  1.250 ms",
  };
  EXPECT_EQ(render_text(TraceTable::from_results(results), params, "203.0.113.5"), expected);
}

TEST(RenderText, PartialListingOfALiveTable) {
  TraceTable table(2);
  table.observe(HopObservation{HopObservation::Kind::Run, 0, 2, "192.0.2.10", 0.5, false});
  TraceParams params;
  params.hostname = "203.0.113.66";
  params.max_ttl = 12;
  std::vector<std::string> expected = {
      "traceroute to 203.0.113.66, 12 hops max, udp port 33434, 2 runs",
      " 1",  // nothing known yet
      " 2  192.0.2.10  0.500 ms",
  };
  EXPECT_EQ(render_text(table, params, ""), expected);
}

TEST(RenderText, NoEscapesEvenFromHostileNames) {
  Results results;
  ddtr::Run a;
  a.hops = {Hop{1, "192.0.2.6", 1, true, {"\x1b[31mred.example."}, false}};
  results.runs = std::vector<ddtr::Run>{a};
  for (const auto& line : render_text(TraceTable::from_results(results), TraceParams{}, "")) {
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace ddtr::client
