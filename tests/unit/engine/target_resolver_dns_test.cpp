// The resolver against a real DNS server on 127.0.0.1 (loopback_dns_server.hpp):
// answers, NXDOMAIN, a server that drops queries, cancellation, the bounds.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <optional>

#include "daemon/engine/target_resolver.hpp"
#include "loopback_dns_server.hpp"

namespace ddtr::engine {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct LoopbackDns : ::testing::Test {
  boost::asio::io_context io;
  testing::LoopbackDnsServer server{io};

  ResolverOptions options(std::chrono::milliseconds deadline = 5000ms) {
    ResolverOptions o;
    o.deadline = deadline;
    o.servers = server.address();
    return o;
  }
  // Runs the loop until `done` holds (the server never stops on its own).
  template <typename Predicate>
  void run_until(Predicate done, std::chrono::seconds bound = 20s) {
    auto give_up = Clock::now() + bound;
    while (!done() && Clock::now() < give_up) io.run_for(20ms);
  }
  ResolveResult resolve(TargetResolver& resolver, const std::string& raw, bool want_v6, std::uint64_t principal = 1) {
    std::optional<ResolveResult> out;
    auto pending = resolver.resolve(principal, raw, 33434, want_v6, [&](ResolveResult r) { out = std::move(r); });
    run_until([&] { return out.has_value(); });
    if (!out) throw std::runtime_error("no answer from the resolver");
    return std::move(*out);
  }
};

std::size_t open_fds() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
  return count;
}

TEST_F(LoopbackDns, AnswerPicksIpv4) {
  TargetResolver resolver(io, options());
  auto r = resolve(resolver, "host.answer.test:8080", false);
  ASSERT_TRUE(std::holds_alternative<Endpoint>(r)) << std::get<Error>(r).what();
  EXPECT_EQ(std::get<Endpoint>(r).address.to_string(), "192.0.2.1");
  EXPECT_EQ(std::get<Endpoint>(r).port, 8080);
}

TEST_F(LoopbackDns, WantV6TakesAnyFamilyElseIpv4Required) {
  TargetResolver resolver(io, options());
  auto r = resolve(resolver, "v6only.answer.test", true);
  ASSERT_TRUE(std::holds_alternative<Endpoint>(r)) << std::get<Error>(r).what();
  EXPECT_EQ(std::get<Endpoint>(r).address.to_string(), "2001:db8::1");
  r = resolve(resolver, "v6only.answer.test", false);
  ASSERT_TRUE(std::holds_alternative<Error>(r));
  EXPECT_EQ(std::get<Error>(r).code(), ErrorCode::Dns);
  EXPECT_STREQ(std::get<Error>(r).what(), "failed to resolve host \"v6only.answer.test\": no IPv4 address found");
}

TEST_F(LoopbackDns, BadPortIsCheckedAfterTheLookup) {
  TargetResolver resolver(io, options());
  auto r = resolve(resolver, "host.answer.test:99999", false);
  ASSERT_TRUE(std::holds_alternative<Error>(r));
  EXPECT_EQ(std::get<Error>(r).code(), ErrorCode::InvalidRequest);
  EXPECT_EQ(server.answered(), 2);  // A and AAAA were asked first
}

TEST_F(LoopbackDns, NxdomainIsNoSuchHost) {
  TargetResolver resolver(io, options());
  auto r = resolve(resolver, "gone.nx.test", false);
  ASSERT_TRUE(std::holds_alternative<Error>(r));
  EXPECT_EQ(std::get<Error>(r).code(), ErrorCode::Dns);
  // Go's net.DNSError shape, naming the server asked (issue 19 item 1).
  EXPECT_EQ(std::string(std::get<Error>(r).what()),
            "failed to resolve host \"gone.nx.test\": lookup gone.nx.test on " + server.address() + ": no such host");
}

TEST_F(LoopbackDns, SilentServerEndsAtTheDeadline) {
  TargetResolver resolver(io, options(900ms));
  auto fds = open_fds();
  auto started = Clock::now();
  auto r = resolve(resolver, "www.silent.test", false);
  auto took = Clock::now() - started;
  ASSERT_TRUE(std::holds_alternative<Error>(r));
  EXPECT_EQ(std::get<Error>(r).code(), ErrorCode::Dns);
  EXPECT_NE(std::string(std::get<Error>(r).what()).find("failed to resolve host \"www.silent.test\": i/o timeout"),
            std::string::npos)
      << std::get<Error>(r).what();
  EXPECT_GE(server.dropped(), 2);  // c-ares did try (A and AAAA)
  // Generous: the deadline plus scheduling slack, far below c-ares's defaults.
  EXPECT_GE(took, 800ms);
  EXPECT_LT(took, 900ms + 3s);
  EXPECT_EQ(resolver.slots().in_flight(), 0u);
  EXPECT_EQ(open_fds(), fds);  // the lookup's sockets are closed
}

TEST_F(LoopbackDns, CancelWhilePendingNeverCallsBack) {
  TargetResolver resolver(io, options(30s));
  auto fds = open_fds();
  bool called = false;
  {
    auto pending = resolver.resolve(1, "www.silent.test", 80, false, [&](ResolveResult) { called = true; });
    run_until([&] { return server.dropped() >= 2; });
    ASSERT_GE(server.dropped(), 2);
    EXPECT_EQ(resolver.slots().in_flight(), 1u);
  }  // abandoned here
  EXPECT_EQ(resolver.slots().in_flight(), 0u);
  EXPECT_EQ(open_fds(), fds);
  io.run_for(300ms);
  EXPECT_FALSE(called);
  // The channel, its timer and its deadline are gone: only the server's
  // receive keeps the loop busy.
  server.close();
  io.restart();
  auto started = Clock::now();
  io.run();
  EXPECT_LT(Clock::now() - started, 5s);
}

TEST_F(LoopbackDns, PerPrincipalBoundMakesTheRestWaitNotOthers) {
  auto o = options(2s);
  o.per_principal = 2;
  o.global = 3;
  TargetResolver resolver(io, o);
  int silent_done = 0;
  std::vector<TargetResolver::Pending> flood;
  for (int i = 0; i < 5; ++i) {
    flood.push_back(resolver.resolve(7, "n" + std::to_string(i) + ".silent.test", 80, false, [&](ResolveResult r) {
      EXPECT_EQ(std::get<Error>(r).code(), ErrorCode::Dns);
      ++silent_done;
    }));
  }
  EXPECT_EQ(resolver.slots().in_flight(7), 2u);
  EXPECT_EQ(resolver.slots().waiting(), 3u);
  // Another user is not held up by the flood: the last global slot is free.
  auto r = resolve(resolver, "host.answer.test", false, 8);
  ASSERT_TRUE(std::holds_alternative<Endpoint>(r));
  EXPECT_EQ(silent_done, 0);
  EXPECT_LE(resolver.slots().in_flight(7), 2u);
  // A waiting lookup abandoned leaves the line; the rest run two at a time.
  flood[4].cancel();
  EXPECT_EQ(resolver.slots().waiting(), 2u);
  run_until([&] { return silent_done == 4; }, 30s);
  EXPECT_EQ(silent_done, 4);
  EXPECT_EQ(resolver.slots().in_flight(), 0u);
  EXPECT_EQ(server.dropped(), 4 * 2 * 2);  // four lookups, A and AAAA, two tries each
}

TEST_F(LoopbackDns, GlobalBoundQueuesAcrossPrincipals) {
  auto o = options(1s);
  o.per_principal = 4;
  o.global = 2;
  TargetResolver resolver(io, o);
  std::vector<TargetResolver::Pending> pending;
  int done = 0;
  for (std::uint64_t principal : {1, 2, 3}) {
    pending.push_back(resolver.resolve(principal, "x.silent.test", 80, false, [&](ResolveResult) { ++done; }));
  }
  EXPECT_EQ(resolver.slots().in_flight(), 2u);
  EXPECT_EQ(resolver.slots().waiting(), 1u);
  run_until([&] { return done == 3; });
  EXPECT_EQ(done, 3);
}

}  // namespace
}  // namespace ddtr::engine
