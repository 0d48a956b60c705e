// Conformance with upstream's packet tests, the wire side (issue 19 item 11):
// its parser vectors (ICMP errors, IPv4 headers, TCP segments, checksums) read
// by our parsers, and its builder vectors' asserted bytes against ours. Every
// field Go asserts is compared; none of these may differ.
#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "daemon/probes/tcp/tcp_packet_build.hpp"
#include "daemon/probes/udp/udp_packet_build.hpp"
#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/checksum.hpp"
#include "daemon/probes/wire/icmp_message.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/reply_route.hpp"
#include "daemon/probes/wire/tcp_segment.hpp"
#include "tests/testutils/upstream_vectors.hpp"

namespace ddtr::probes {
namespace {

using Fields = std::map<std::string, std::string>;
using testutils::UpstreamVector;

std::string hex(std::span<const std::uint8_t> bytes) {
  std::string out;
  char two[3];
  for (auto b : bytes) {
    std::snprintf(two, sizeof two, "%02x", b);
    out += two;
  }
  return out;
}

const char* kind_name(IcmpKind kind) {
  switch (kind) {
    case IcmpKind::EchoRequest: return "EchoRequest";
    case IcmpKind::EchoReply: return "EchoReply";
    case IcmpKind::TimeExceeded: return "TimeExceeded";
    case IcmpKind::DestUnreachable: return "DestUnreachable";
    case IcmpKind::Other: return "Other";
  }
  return "?";
}

// nullopt: our parser refuses the packet (Go's "nullopt"/"none").
std::optional<Fields> icmp_fields(std::span<const std::uint8_t> packet) {
  auto m = parse_icmp_message(packet);
  if (!m) return std::nullopt;
  Fields f{{"osrc", m->outer_src.to_string()}, {"odst", m->outer_dst.to_string()},
           {"type", std::to_string(m->type)},  {"code", std::to_string(m->code)},
           {"kind", kind_name(m->kind)},       {"quoted", m->quoted ? "1" : "0"}};
  if (m->quoted) {
    const auto& q = *m->quoted;
    f["qsrc"] = q.src.to_string();
    f["qdst"] = q.dst.to_string();
    f["qproto"] = std::to_string(q.protocol);
    f["qid"] = std::to_string(q.ipv4_id);
    if (q.transport.size() >= 4) {
      f["qsport"] = std::to_string(load_be16(q.transport, 0));
      f["qdport"] = std::to_string(load_be16(q.transport, 2));
    }
    if (q.transport.size() >= 8) {
      f["qw4"] = std::to_string(load_be32(q.transport, 4));
      f["qh6"] = std::to_string(load_be16(q.transport, 6));
    }
  }
  return f;
}

std::optional<Fields> ipv4_fields(std::span<const std::uint8_t> packet) {
  auto v = parse_ipv4(packet);
  if (!v) return std::nullopt;
  const auto& h = v->header;
  return Fields{{"hl", std::to_string(h.header_length)},
                {"tl", std::to_string(h.total_length)},
                {"id", std::to_string(h.id)},
                {"ff", std::to_string(h.flags_fragment)},
                {"ttl", std::to_string(h.ttl)},
                {"proto", std::to_string(h.protocol)},
                {"src", h.src.to_string()},
                {"dst", h.dst.to_string()},
                {"hdrcsum_ok", internet_checksum(packet.first(h.header_length)) == 0 ? "1" : "0"}};
}

std::optional<Fields> tcp_fields(std::span<const std::uint8_t> packet) {
  auto s = parse_tcp_segment(packet);
  if (!s) return std::nullopt;
  Fields f{{"src", s->src.to_string()},          {"dst", s->dst.to_string()},
           {"sport", std::to_string(s->src_port)}, {"dport", std::to_string(s->dst_port)},
           {"seq", std::to_string(s->seq)},        {"ack", std::to_string(s->ack)},
           {"flags", std::to_string(s->flags)},    {"optlen", std::to_string(s->options.size())}};
  // What TcpSegment does not carry, read from the raw header it accepted (IPv4 here).
  if (auto ip = parse_ipv4(packet); ip && ip->payload.size() >= 20) {
    auto tcp = ip->payload;
    std::size_t doff = (tcp[12] >> 4) * 4u;
    f["doff"] = std::to_string(doff);
    f["window"] = std::to_string(load_be16(tcp, 14));
    f["urgent"] = std::to_string(load_be16(tcp, 18));
    std::string data = doff <= tcp.size() ? hex(tcp.subspan(doff)) : "";
    f["data"] = data.empty() ? "-" : data;  // the vectors' spelling of "no bytes"
  }
  return f;
}

IpAddress ip(const UpstreamVector& v, const char* key) { return boost::asio::ip::make_address(v.params.at(key)); }
int num(const UpstreamVector& v, const char* key) { return static_cast<int>(std::stoll(v.params.at(key))); }

std::optional<Fields> fields_of(const UpstreamVector& v, std::span<const std::uint8_t> bytes) {
  if (v.kind == "icmp") return icmp_fields(bytes);
  if (v.kind == "ipv4") return ipv4_fields(bytes);
  if (v.kind == "tcpseg") return tcp_fields(bytes);
  if (v.kind == "cksum") return Fields{{"v", std::to_string(internet_checksum(bytes))}};
  if (v.kind == "l4cksum4") {
    // The transport checksum over the IPv4 pseudo-header, as gopacket computes it.
    Checksum c;
    auto src = ip(v, "src").to_v4().to_bytes(), dst = ip(v, "dst").to_v4().to_bytes();
    c.add(src);
    c.add(dst);
    c.add_u16(static_cast<std::uint16_t>(num(v, "proto")));
    c.add_u16(static_cast<std::uint16_t>(bytes.size()));
    c.add(bytes);
    return Fields{{"v", std::to_string(c.finish())}};
  }
  if (v.kind == "route") {
    auto r = reply_route(bytes);
    if (!r) return std::nullopt;
    return Fields{{"id", std::to_string(r->id)}};
  }
  ADD_FAILURE() << "no reader for kind " << v.kind;
  return std::nullopt;
}

std::vector<std::uint8_t> build(const UpstreamVector& v) {
  auto ttl = static_cast<std::uint8_t>(num(v, "ttl"));
  if (v.kind == "build_icmp4") {
    return build_icmp_echo_v4(ip(v, "src").to_v4(), ip(v, "dst").to_v4(), static_cast<std::uint16_t>(num(v, "echo")), ttl);
  }
  if (v.kind == "build_icmp6") {
    return build_icmp_echo_v6(ip(v, "src").to_v6(), ip(v, "dst").to_v6(), static_cast<std::uint16_t>(num(v, "echo")), ttl);
  }
  Endpoint src{ip(v, "src"), static_cast<std::uint16_t>(num(v, "sport"))};
  Endpoint dst{ip(v, "dst"), static_cast<std::uint16_t>(num(v, "dport"))};
  if (v.kind == "build_tcp_syn") {
    return build_tcp_syn(src, dst, static_cast<std::uint32_t>(std::stoul(v.params.at("seq"))),
                         static_cast<std::uint16_t>(num(v, "ipid")), ttl);
  }
  if (v.kind == "build_udp4") return build_udp_probe_v4(src, dst, ttl);
  return build_udp_probe_v6(src, dst, ttl);
}

TEST(UpstreamVectors, WireParsersAndBuildersAgreeWithGo) {
  auto expected = nlohmann::json::parse(std::ifstream(testutils::upstream_vectors_dir() + "expected.json"));
  int checked = 0;
  for (const auto& v : testutils::load_upstream_vectors()) {
    if (!expected.contains(v.id)) continue;  // "X~route": a matcher packet also fed to routing, no Go assertion
    const auto& want = expected[v.id]["expect"];
    SCOPED_TRACE(v.id + " (" + expected[v.id].value("go", "") + ")");
    if (v.kind.rfind("build_", 0) == 0) {
      auto ours = build(v);
      auto go = testutils::bytes_of_hex(want.at("gohex"));
      for (const auto& range : want.at("asserted")) {
        std::size_t from = range[0], to = range[1];
        ASSERT_LE(to, ours.size());
        EXPECT_EQ(hex(std::span(ours).subspan(from, to - from)), hex(std::span(go).subspan(from, to - from)))
            << "bytes [" << from << ", " << to << ")";
      }
      ++checked;
      continue;
    }
    if (v.kind != "icmp" && v.kind != "ipv4" && v.kind != "tcpseg" && v.kind != "cksum" && v.kind != "l4cksum4" &&
        v.kind != "route") {
      continue;  // matchers and cBPF: their own tests
    }
    auto bytes = testutils::bytes_of_hex(v.hex);
    auto got = fields_of(v, bytes);
    const auto& fields = want.at("fields");
    if (fields.is_string()) {  // "nullopt" / "none": the parse must fail
      EXPECT_FALSE(got) << "parsed, Go refuses it";
    } else if (!got) {
      ADD_FAILURE() << "refused, Go parses it";
    } else {
      for (const auto& [key, value] : fields.items()) {
        ASSERT_TRUE(got->count(key)) << "no field " << key;
        EXPECT_EQ(got->at(key), value.get<std::string>()) << "field " << key;
      }
    }
    ++checked;
  }
  // 13 icmp + 4 ipv4 + 7 tcpseg + 2 cksum + 3 l4cksum4 + 1 route + 14 builders.
  EXPECT_EQ(checked, 44);
}

}  // namespace
}  // namespace ddtr::probes
