// The ddnpm FILTER_DEFINITION records for every filter type, checked byte by
// byte against the layout documented in ddnpmapi.h (offsets restated below,
// independently of the encoder). Runs on Linux and under wine.
#include <gtest/gtest.h>

#include <cstring>

#include "platform/windows/driver/filter_definition.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::driver {
namespace {

constexpr std::uint64_t kSignature = 0x0000DDFD00000018;

std::uint64_t u64_at(const FilterBytes& b, std::size_t offset) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | b[offset + i];
  return v;
}

// FILTER_ADDRESS at `base`: af u64 @0, v4[4] @8, padding[4] @12, v6[16] @16, mask u64 @32.
struct DecodedAddress {
  std::uint64_t af, mask;
  std::array<std::uint8_t, 4> v4, padding;
  std::array<std::uint8_t, 16> v6;
};
DecodedAddress address_at(const FilterBytes& b, std::size_t base) {
  DecodedAddress a{};
  a.af = u64_at(b, base + 0);
  std::memcpy(a.v4.data(), &b[base + 8], 4);
  std::memcpy(a.padding.data(), &b[base + 12], 4);
  std::memcpy(a.v6.data(), &b[base + 16], 16);
  a.mask = u64_at(b, base + 32);
  return a;
}

// The fields every traceroute filter shares.
void expect_common(const FilterBytes& b) {
  EXPECT_EQ(u64_at(b, 0), kSignature) << "filterVersion @0";
  EXPECT_EQ(u64_at(b, 8), 160u) << "size @8";
  EXPECT_EQ(u64_at(b, 16), 1u) << "filterLayer @16 = FILTER_LAYER_TRANSPORT";
  EXPECT_EQ(u64_at(b, 136), 0u) << "direction @136 = inbound";
  EXPECT_EQ(u64_at(b, 144), 0u) << "interfaceIndex @144";
}

void expect_any_address(const FilterBytes& b, std::size_t base) {
  for (std::size_t i = 0; i < 40; ++i) EXPECT_EQ(b[base + i], 0) << "address byte " << i << " at " << base;
}

Endpoint ep(const char* ip, std::uint16_t port) { return Endpoint{boost::asio::ip::make_address(ip), port}; }

// The records for `spec` as the driver with this signature (version 0x18 by default) reads them.
std::vector<FilterBytes> encoded(const PacketFilterSpec& spec, std::uint64_t signature = kSignature) {
  std::vector<FilterBytes> out;
  for (const auto& f : packet_filters(spec, signature)) out.push_back(encode(f));
  return out;
}

// The TCP filter for 192.0.2.1:0x1234 (the target) -> 192.0.2.2:0xABCD (our side).
PacketFilterSpec tcp_v4() { return {FilterType::Tcp, ep("192.0.2.1", 0x1234), ep("192.0.2.2", 0xABCD)}; }

void put_u64(FilterBytes& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// tcp_v4()'s capture record spelled out in full, little-endian, as the driver
// reads it: the fields both layouts share (0x18 adds `discard` @152).
FilterBytes tcp_v4_record(std::uint64_t signature, std::size_t size) {
  FilterBytes expected(size, 0);
  put_u64(expected, 0, signature);
  put_u64(expected, 8, size);
  put_u64(expected, 16, 1);
  put_u64(expected, 24, 2);
  put_u64(expected, 32, 2);
  expected[40] = 192, expected[41] = 0, expected[42] = 2, expected[43] = 2;
  put_u64(expected, 64, 0xFFFFFFFF);
  put_u64(expected, 72, 2);
  expected[80] = 192, expected[81] = 0, expected[82] = 2, expected[83] = 1;
  put_u64(expected, 104, 0xFFFFFFFF);
  put_u64(expected, 112, 0xABCD);
  put_u64(expected, 120, 0x1234);
  put_u64(expected, 128, 6);
  return expected;
}

void expect_icmp_pair(const std::vector<FilterBytes>& filters) {
  ASSERT_GE(filters.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const auto& b = filters[i];
    expect_common(b);
    EXPECT_EQ(u64_at(b, 24), i == 0 ? 2u : 23u) << "af @24";
    expect_any_address(b, 32);
    expect_any_address(b, 72);
    EXPECT_EQ(u64_at(b, 112), 0u);
    EXPECT_EQ(u64_at(b, 120), 0u);
    EXPECT_EQ(u64_at(b, 128), i == 0 ? 1u : 58u) << "protocol @128";
    EXPECT_EQ(u64_at(b, 152), 0u) << "discard @152";
  }
}

TEST(WindowsFilterDefinition, LayoutConstants) {
  EXPECT_EQ(driver_signature(kDefaultDriverVersion), kSignature);
  EXPECT_EQ(driver_signature(0x16), 0x0000DDFD00000016u);
  EXPECT_EQ(kSetDataFilterIoctl, 0x12200Cu);
  EXPECT_EQ(kFilterDefinitionSize, 160u);
  EXPECT_EQ(kFilterDefinitionSizeV16, 0x98u);
  EXPECT_EQ(kPacketHeaderSize, 72u);
}

TEST(WindowsFilterDefinition, IcmpIsTheIcmpPairOnly) {
  auto filters = encoded({FilterType::Icmp, {}, {}});
  ASSERT_EQ(filters.size(), 2u);
  expect_icmp_pair(filters);
}

TEST(WindowsFilterDefinition, UdpReusesTheIcmpPair) {
  auto filters = encoded({FilterType::Udp, ep("192.0.2.7", 33434), ep("198.51.100.2", 40000)});
  ASSERT_EQ(filters.size(), 2u);
  expect_icmp_pair(filters);
}

TEST(WindowsFilterDefinition, TcpV4CaptureAndDiscardOnTheFourTuple) {
  // src = the target (remote), dst = our side (local), as upstream.
  auto filters = encoded({FilterType::Tcp, ep("192.0.2.7", 443), ep("198.51.100.2", 40001)});
  ASSERT_EQ(filters.size(), 4u);
  expect_icmp_pair(filters);
  for (int i = 2; i < 4; ++i) {
    const auto& b = filters[i];
    expect_common(b);
    EXPECT_EQ(u64_at(b, 24), 2u);
    auto local = address_at(b, 32);
    EXPECT_EQ(local.af, 2u);
    EXPECT_EQ(local.v4, (std::array<std::uint8_t, 4>{198, 51, 100, 2}));
    EXPECT_EQ(local.padding, (std::array<std::uint8_t, 4>{}));
    EXPECT_EQ(local.v6, (std::array<std::uint8_t, 16>{}));
    EXPECT_EQ(local.mask, 0xFFFFFFFFu) << "all-ones, as upstream (not a bit count)";
    auto remote = address_at(b, 72);
    EXPECT_EQ(remote.af, 2u);
    EXPECT_EQ(remote.v4, (std::array<std::uint8_t, 4>{192, 0, 2, 7}));
    EXPECT_EQ(remote.mask, 0xFFFFFFFFu);
    EXPECT_EQ(u64_at(b, 112), 40001u) << "localPort @112, host order";
    EXPECT_EQ(u64_at(b, 120), 443u) << "remotePort @120";
    EXPECT_EQ(u64_at(b, 128), 6u);
    EXPECT_EQ(u64_at(b, 152), i == 2 ? 0u : 1u) << "capture, then the same filter discarding";
  }
}

TEST(WindowsFilterDefinition, TcpV6) {
  auto filters = encoded({FilterType::Tcp, ep("2001:db8::7", 80), ep("2001:db8::2", 40002)});
  ASSERT_EQ(filters.size(), 4u);
  const auto& b = filters[2];
  EXPECT_EQ(u64_at(b, 24), 23u);
  auto local = address_at(b, 32);
  EXPECT_EQ(local.af, 23u);
  EXPECT_EQ(local.v4, (std::array<std::uint8_t, 4>{}));
  EXPECT_EQ(local.v6, boost::asio::ip::make_address_v6("2001:db8::2").to_bytes());
  EXPECT_EQ(local.mask, 0xFFFFFFFFFFFFFFFFu);
  EXPECT_EQ(address_at(b, 72).v6, boost::asio::ip::make_address_v6("2001:db8::7").to_bytes());
  EXPECT_EQ(u64_at(b, 112), 40002u);
  EXPECT_EQ(u64_at(b, 120), 80u);
  EXPECT_EQ(u64_at(filters[3], 152), 1u);
}

TEST(WindowsFilterDefinition, SynAckMatchesTheRemoteOnly) {
  auto filters = encoded({FilterType::SynAck, ep("192.0.2.7", 443), std::nullopt});
  ASSERT_EQ(filters.size(), 4u);
  expect_icmp_pair(filters);
  for (int i = 2; i < 4; ++i) {
    const auto& b = filters[i];
    expect_common(b);
    EXPECT_EQ(u64_at(b, 24), 2u) << "family of the target";
    expect_any_address(b, 32);
    EXPECT_EQ(address_at(b, 72).v4, (std::array<std::uint8_t, 4>{192, 0, 2, 7}));
    EXPECT_EQ(u64_at(b, 112), 0u);
    EXPECT_EQ(u64_at(b, 120), 443u);
    EXPECT_EQ(u64_at(b, 128), 6u);
    EXPECT_EQ(u64_at(b, 152), i == 2 ? 0u : 1u);
  }
  // An IPv6 target takes its family.
  EXPECT_EQ(u64_at(encoded({FilterType::SynAck, ep("2001:db8::7", 443), {}})[2], 24), 23u);
}

TEST(WindowsFilterDefinition, NoneCapturesAndDiscardsEverythingInbound) {
  auto filters = encoded({FilterType::None, {}, {}});
  ASSERT_EQ(filters.size(), 6u);
  expect_icmp_pair(filters);
  const std::uint64_t af[] = {2, 2, 23, 23};
  const std::uint64_t discard[] = {0, 1, 0, 1};
  for (int i = 0; i < 4; ++i) {
    const auto& b = filters[2 + i];
    expect_common(b);
    EXPECT_EQ(u64_at(b, 24), af[i]);
    expect_any_address(b, 32);
    expect_any_address(b, 72);
    EXPECT_EQ(u64_at(b, 128), 0u) << "any protocol";
    EXPECT_EQ(u64_at(b, 152), discard[i]);
  }
}

TEST(WindowsFilterDefinition, WholeRecordBytesForTcpV4) {
  // One record spelled out in full, little-endian, as the driver reads it.
  auto b = encoded(tcp_v4())[3];
  auto expected = tcp_v4_record(kSignature, 0xA0);
  put_u64(expected, 152, 1);  // the discarding twin
  EXPECT_EQ(b, expected);
}

// --- driver version 0x16: 152-byte records, no `discard`, no discard filters ---

constexpr std::uint64_t kSignatureV16 = 0x0000DDFD00000016;

std::vector<FilterBytes> encoded_v16(const PacketFilterSpec& spec) { return encoded(spec, kSignatureV16); }

TEST(WindowsDriverVersion, KnowsTheTwoLayouts) {
  auto v18 = driver_layout(0x18);
  EXPECT_EQ(v18.filter_size, 160u);
  EXPECT_TRUE(v18.has_discard);
  auto v16 = driver_layout(0x16);
  EXPECT_EQ(v16.filter_size, 152u);
  EXPECT_FALSE(v16.has_discard);
}

TEST(WindowsDriverVersion, RefusesAnUnknownVersionByName) {
  for (std::uint64_t version : {0x0ull, 0x15ull, 0x17ull, 0x19ull, 0x100000018ull}) {
    try {
      (void)driver_layout(version);
      FAIL() << "version " << version << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidRequest);
      EXPECT_NE(std::string(e.what()).find("unsupported ddnpm driver version 0x"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("0x16"), std::string::npos) << "names what it knows: " << e.what();
    }
  }
  EXPECT_THROW((void)packet_filters({FilterType::Icmp, {}, {}}, driver_signature(0x17)), Error);
}

TEST(WindowsFilterDefinitionV16, IcmpPairIs152BytesWithSize0x98) {
  auto filters = encoded_v16({FilterType::Icmp, {}, {}});
  ASSERT_EQ(filters.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(filters[i].size(), 152u);
    EXPECT_EQ(u64_at(filters[i], 0), kSignatureV16);
    EXPECT_EQ(u64_at(filters[i], 8), 0x98u) << "size @8";
    EXPECT_EQ(u64_at(filters[i], 24), i == 0 ? 2u : 23u);
    EXPECT_EQ(u64_at(filters[i], 128), i == 0 ? 1u : 58u);
    EXPECT_EQ(u64_at(filters[i], 144), 0u) << "interfaceIndex @144, the last field";
  }
}

TEST(WindowsFilterDefinitionV16, TcpAndSynAckInstallTheCaptureFilterOnly) {
  auto tcp = encoded_v16({FilterType::Tcp, ep("192.0.2.7", 443), ep("198.51.100.2", 40001)});
  ASSERT_EQ(tcp.size(), 3u) << "ICMPv4, ICMPv6, TCP capture: no discard twin";
  EXPECT_EQ(u64_at(tcp[2], 128), 6u);
  EXPECT_EQ(u64_at(tcp[2], 112), 40001u);
  EXPECT_EQ(u64_at(tcp[2], 120), 443u);
  auto synack = encoded_v16({FilterType::SynAck, ep("192.0.2.7", 443), std::nullopt});
  ASSERT_EQ(synack.size(), 3u);
  EXPECT_EQ(address_at(synack[2], 72).v4, (std::array<std::uint8_t, 4>{192, 0, 2, 7}));
  auto none = encoded_v16({FilterType::None, {}, {}});
  ASSERT_EQ(none.size(), 4u) << "the ICMP pair, then one capture filter per family";
  EXPECT_EQ(u64_at(none[2], 24), 2u);
  EXPECT_EQ(u64_at(none[3], 24), 23u);
  for (const auto& b : none) EXPECT_EQ(b.size(), 152u);
}

TEST(WindowsFilterDefinitionV16, WholeRecordBytesForTcpV4) {
  auto b = encoded_v16(tcp_v4())[2];
  EXPECT_EQ(b, tcp_v4_record(kSignatureV16, 0x98));  // no discard @152: the record ends at 152
}

TEST(WindowsFilterDefinitionV16, EncodeRefusesADiscardOrAnUnknownSize) {
  FilterDefinition f;
  f.size = kFilterDefinitionSizeV16;
  f.discard = 1;
  EXPECT_THROW((void)encode(f), Error);
  f.discard = 0;
  f.size = 144;
  EXPECT_THROW((void)encode(f), Error);
}

TEST(WindowsFilterDefinition, InvalidTypeIsWrappedAsUpstream) {
  PacketFilterSpec spec{static_cast<FilterType>(9), {}, {}};
  try {
    (void)packet_filters(spec, kSignature);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "failed to get windows filter: invalid filter type: 9");
  }
}

}  // namespace
}  // namespace ddtr::platform::windows::driver
