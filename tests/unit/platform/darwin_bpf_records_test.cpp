// The /dev/bpf batch walker on batches laid out as XNU writes them, and on
// batches that lie about their lengths.
#include <gtest/gtest.h>

#include <random>

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "platform/darwin/bpf_records.hpp"
#include "tests/testutils/packets.hpp"
#include "tests/unit/platform/darwin_frames.hpp"

namespace ddtr::platform::darwin {
namespace {

using boost::asio::ip::make_address_v4;
using crafted::BatchBuilder;
using crafted::RecordFields;

const auto kLocal = make_address_v4("192.0.2.5");
const auto kTarget = make_address_v4("203.0.113.5");

std::vector<std::uint8_t> echo_v4() { return probes::build_icmp_echo_v4(kLocal, kTarget, 7, 1); }

std::vector<std::uint8_t> arp_frame() { return crafted::ethernet_frame(0x0806, std::vector<std::uint8_t>(28, 1)); }

std::vector<BpfRecord> walk_all(std::span<const std::uint8_t> batch, const char** problem = nullptr) {
  BpfRecordWalker walker(batch);
  std::vector<BpfRecord> out;
  while (auto r = walker.next()) out.push_back(*r);
  if (problem) *problem = walker.problem();
  return out;
}

TEST(DarwinBpfRecords, LayoutConstantsAreTheDarwinOnes) {
  EXPECT_EQ(kBpfAlignment, 4u) << "BPF_ALIGNMENT is sizeof(int32_t) on every Darwin";
  EXPECT_EQ(kBpfHeaderFields, 18u);
  EXPECT_EQ(bpf_wordalign(0), 0u);
  EXPECT_EQ(bpf_wordalign(1), 4u);
  EXPECT_EQ(bpf_wordalign(18), 20u);
  EXPECT_EQ(bpf_wordalign(20), 20u);
  // Where the kernel puts the packet so that the IP header is aligned.
  EXPECT_EQ(crafted::kernel_hdrlen(LinkType::Ethernet), 18);
  EXPECT_EQ(crafted::kernel_hdrlen(LinkType::Family), 20);
  EXPECT_EQ(crafted::kernel_hdrlen(LinkType::Raw), 20);
}

TEST(DarwinBpfRecords, AnEmptyBatchHasNoRecordsAndNoProblem) {
  const char* problem = "unset";
  EXPECT_TRUE(walk_all({}, &problem).empty());
  EXPECT_EQ(problem, nullptr);
  EXPECT_EQ(walk_bpf_batch({}, LinkType::Ethernet).records, 0u);
  EXPECT_FALSE(walk_bpf_batch({}, LinkType::Ethernet).malformed);
}

TEST(DarwinBpfRecords, OneEthernetRecordAsTheKernelWritesIt) {
  auto frame = crafted::ethernet_frame(kEtherTypeIpv4, echo_v4());
  BatchBuilder b;
  b.add(frame, LinkType::Ethernet);
  ASSERT_EQ(b.bytes().size(), 18 + frame.size()) << "hdrlen 18, last record unpadded";
  auto records = walk_all(b.bytes());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].tstamp_sec, 1'700'000'000);
  EXPECT_EQ(records[0].tstamp_usec, 123'456);
  EXPECT_EQ(records[0].datalen, frame.size());
  EXPECT_FALSE(records[0].truncated());
  EXPECT_TRUE(std::equal(records[0].frame.begin(), records[0].frame.end(), frame.begin(), frame.end()));
}

TEST(DarwinBpfRecords, ManyRecordsOfOddLengthsInOneBatch) {
  BatchBuilder b;
  std::vector<std::vector<std::uint8_t>> frames;
  for (std::size_t n = 0; n < 300; ++n) {
    std::vector<std::uint8_t> f(1 + n % 97, static_cast<std::uint8_t>(n));  // 1..97 bytes: every remainder mod 4
    frames.push_back(f);
    b.add(f, n % 2 ? LinkType::Ethernet : LinkType::Family);  // hdrlen 18 and 20 mixed
  }
  auto records = walk_all(b.bytes());
  ASSERT_EQ(records.size(), frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    ASSERT_TRUE(std::equal(records[i].frame.begin(), records[i].frame.end(), frames[i].begin(), frames[i].end()))
        << "record " << i;
    // Every record's header started on a 4-byte boundary of the batch.
    auto header_at = static_cast<std::size_t>(records[i].frame.data() - b.bytes().data()) -
                     (i % 2 ? crafted::kernel_hdrlen(LinkType::Ethernet) : crafted::kernel_hdrlen(LinkType::Family));
    EXPECT_EQ(header_at % 4, 0u) << "record " << i;
  }
}

TEST(DarwinBpfRecords, ALastRecordWithItsPaddingIsFine) {
  BatchBuilder b;
  std::vector<std::uint8_t> odd(61, 0xab);
  b.add(odd, LinkType::Ethernet).add(odd, LinkType::Ethernet).pad_to_alignment();
  auto summary = walk_bpf_batch(b.bytes(), LinkType::Ethernet);
  EXPECT_EQ(summary.records, 2u);
  EXPECT_FALSE(summary.malformed);
}

TEST(DarwinBpfRecords, CaplenShorterThanDatalenIsATruncatedRecordNotAnError) {
  auto frame = crafted::ethernet_frame(kEtherTypeIpv4, echo_v4());
  std::vector<std::uint8_t> cut(frame.begin(), frame.begin() + 30);
  BatchBuilder b;
  b.add(cut, LinkType::Ethernet, static_cast<std::uint32_t>(frame.size())).add(frame, LinkType::Ethernet);
  const char* problem = nullptr;
  auto records = walk_all(b.bytes(), &problem);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(problem, nullptr);
  EXPECT_TRUE(records[0].truncated());
  EXPECT_EQ(records[0].frame.size(), 30u);
  EXPECT_EQ(records[0].datalen, frame.size());
  EXPECT_FALSE(records[1].truncated());
}

TEST(DarwinBpfRecords, AZeroLengthCaptureIsARecordWithNoFrame) {
  BatchBuilder b;
  b.add({}, LinkType::Ethernet, 60).add(arp_frame(), LinkType::Ethernet);
  auto records = walk_all(b.bytes());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].frame.empty());
  EXPECT_FALSE(strip_link_header(records[0].frame, LinkType::Ethernet));
}

TEST(DarwinBpfRecords, ABatchThatEndsInsideAHeaderIsMalformed) {
  std::vector<std::uint8_t> ten(10, 0);
  const char* problem = nullptr;
  EXPECT_TRUE(walk_all(ten, &problem).empty());
  EXPECT_NE(problem, nullptr);
  // A good record, then 17 stray bytes: the record, then the problem.
  BatchBuilder b;
  b.add(echo_v4(), LinkType::Raw).pad_to_alignment();
  auto bytes = b.bytes();
  bytes.resize(bytes.size() + 17, 0);
  auto records = walk_all(bytes, &problem);
  EXPECT_EQ(records.size(), 1u);
  EXPECT_NE(problem, nullptr);
}

TEST(DarwinBpfRecords, AHeaderLengthBelowTheFieldsIsMalformed) {
  BatchBuilder b;
  b.add_raw(RecordFields{0, 0, 4, 4, 4}, std::vector<std::uint8_t>(4, 0x45));
  const char* problem = nullptr;
  EXPECT_TRUE(walk_all(b.bytes(), &problem).empty());
  EXPECT_STREQ(problem, "bh_hdrlen is shorter than a bpf_hdr");
}

TEST(DarwinBpfRecords, AHeaderLengthBeyondTheBatchIsMalformed) {
  BatchBuilder b;
  b.add_raw(RecordFields{0, 0, 0, 0, 60000}, {});
  auto bytes = b.bytes();
  bytes.resize(100);  // the batch holds 100 bytes, the header claims 60000
  const char* problem = nullptr;
  EXPECT_TRUE(walk_all(bytes, &problem).empty());
  EXPECT_STREQ(problem, "bpf record claims more bytes than the buffer holds");
}

TEST(DarwinBpfRecords, ARecordClaimingMoreThanIsLeftEndsTheWalkWithoutReadingPastTheEnd) {
  BatchBuilder b;
  b.add(echo_v4(), LinkType::Raw);
  b.add_raw(RecordFields{0, 0, 1000, 1000, 20}, std::vector<std::uint8_t>(50, 0x45));  // 50 of the 1000 bytes
  b.add(echo_v4(), LinkType::Raw);  // unreachable: nothing after a bad length can be located
  BpfRecordWalker walker(b.bytes());
  ASSERT_TRUE(walker.next());
  EXPECT_FALSE(walker.next());
  EXPECT_STREQ(walker.problem(), "bpf record claims more bytes than the buffer holds");
  EXPECT_FALSE(walker.next()) << "stays finished";
  EXPECT_TRUE(walker.exhausted());
}

TEST(DarwinBpfRecords, HugeLengthsDoNotWrapAround) {
  for (std::uint32_t caplen : {0xffffffffu, 0xfffffff0u, 0x80000000u}) {
    BatchBuilder b;
    b.add_raw(RecordFields{0, 0, caplen, caplen, 0xffff}, std::vector<std::uint8_t>(8, 0));
    EXPECT_TRUE(walk_bpf_batch(b.bytes(), LinkType::Raw).malformed) << caplen;
  }
}

TEST(DarwinBpfRecords, AMisalignedBatchIsReadByteWise) {
  BatchBuilder b;
  b.add(echo_v4(), LinkType::Raw).add(echo_v4(), LinkType::Raw);
  std::vector<std::uint8_t> storage(b.bytes().size() + 1);
  std::copy(b.bytes().begin(), b.bytes().end(), storage.begin() + 1);  // starts at an odd address
  auto summary = walk_bpf_batch(std::span<const std::uint8_t>(storage).subspan(1), LinkType::Raw);
  EXPECT_EQ(summary.records, 2u);
  EXPECT_EQ(summary.ip_packets, 2u);
  EXPECT_FALSE(summary.malformed);
}

TEST(DarwinBpfRecords, NextIpPacketSkipsWhatIsNotIp) {
  auto ip = echo_v4();
  BatchBuilder b;
  b.add(arp_frame(), LinkType::Ethernet)
      .add(crafted::ethernet_frame(0x8100, ip), LinkType::Ethernet)  // VLAN tag: not parsed
      .add(crafted::ethernet_frame(kEtherTypeIpv4, ip), LinkType::Ethernet)
      .add(arp_frame(), LinkType::Ethernet);
  BpfRecordWalker walker(b.bytes());
  auto packet = next_ip_packet(walker, LinkType::Ethernet);
  ASSERT_TRUE(packet);
  EXPECT_FALSE(packet->ip.ipv6);
  EXPECT_TRUE(std::equal(packet->ip.ip.begin(), packet->ip.ip.end(), ip.begin(), ip.end()));
  EXPECT_EQ(packet->record.tstamp_sec, 1'700'000'000);
  EXPECT_FALSE(next_ip_packet(walker, LinkType::Ethernet));
  EXPECT_EQ(walker.problem(), nullptr);
  auto summary = walk_bpf_batch(b.bytes(), LinkType::Ethernet);
  EXPECT_EQ(summary.records, 4u);
  EXPECT_EQ(summary.ip_packets, 1u);
  EXPECT_EQ(summary.ip_bytes, ip.size());
}

TEST(DarwinBpfRecords, RandomBatchesNeverLeadOutsideTheBuffer) {
  std::mt19937 rng(20240610);
  BatchBuilder good;
  for (int i = 0; i < 20; ++i) good.add(crafted::ethernet_frame(kEtherTypeIpv4, echo_v4()), LinkType::Ethernet);
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::uint8_t> batch;
    if (round % 2) {
      batch.resize(rng() % 300);
      for (auto& byte : batch) byte = static_cast<std::uint8_t>(rng());
    } else {  // a real batch with a few bytes flipped and maybe cut short
      batch = good.bytes();
      for (int flips = 0; flips < 3; ++flips) batch[rng() % batch.size()] = static_cast<std::uint8_t>(rng());
      batch.resize(rng() % (batch.size() + 1));
    }
    BpfRecordWalker walker(batch);
    std::size_t records = 0;
    while (auto r = walker.next()) {
      ++records;
      ASSERT_GE(r->frame.data(), batch.data());
      ASSERT_LE(r->frame.data() + r->frame.size(), batch.data() + batch.size());
      ASSERT_LT(records, batch.size()) << "every record consumes at least 18 bytes";
    }
    auto summary = walk_bpf_batch(batch, LinkType::Ethernet);
    ASSERT_EQ(summary.records, records);
    ASSERT_EQ(summary.malformed, walker.problem() != nullptr);
  }
}

TEST(DarwinBpfTimestamp, MicrosecondsOfRealTime) {
  auto now = WireTime(std::chrono::seconds(1'700'000'010));
  auto t = bpf_timestamp(1'700'000'000, 250'000, now);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count(),
            1'700'000'000'250'000LL);
}

TEST(DarwinBpfTimestamp, UnwrapsThe2038Overflow) {
  std::int64_t after_2038 = (std::int64_t{1} << 31) + 100;  // 2038-01-19 plus 100 s
  auto now = WireTime(std::chrono::seconds(after_2038));
  auto stamp = static_cast<std::int32_t>(static_cast<std::uint32_t>(after_2038 - 10));  // negative as an int32
  ASSERT_LT(stamp, 0);
  auto t = bpf_timestamp(stamp, 0, now);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(), after_2038 - 10);
  // A stamp a little ahead of our clock (stepped clock) stays near now too.
  auto ahead = bpf_timestamp(1'700'000'002, 0, WireTime(std::chrono::seconds(1'700'000'000)));
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(ahead.time_since_epoch()).count(), 1'700'000'002);
}

}  // namespace
}  // namespace ddtr::platform::darwin
