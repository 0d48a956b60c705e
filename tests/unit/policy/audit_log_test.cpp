#include "daemon/policy/audit_log.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>

#include <filesystem>
#include <fstream>
#include <tuple>  // std::ignore
#include <nlohmann/json.hpp>

namespace ddtr::policy {
namespace {

AuditRecord sample_record() {
  AuditRecord r;
  r.time = std::chrono::system_clock::time_point(std::chrono::microseconds(1'764'573'000'123'456));
  r.who.uid = 1001;
  r.who.gid = 100;
  r.who.pid = 4242;
  r.who.user_name = "bob";
  r.role = "user";
  r.params.hostname = "203.0.113.5";
  r.params.protocol = "icmp";
  r.verdict = "refused";
  r.error = Error(ErrorCode::QuotaExceeded, "rate limit");
  r.queued_ms = 1.23456;
  r.duration_ms = 2;
  return r;
}

TEST(AuditLog, LineHasTheFieldsInOrder) {
  std::string line = audit_line(sample_record());
  EXPECT_EQ(line.rfind(R"({"time":"2025-12-01T07:10:00.123456Z","source":"rpc","uid":1001,"user":"bob","gid":100,)"
                       R"("pid":4242,"role":"user","target":"203.0.113.5","options":{"protocol":"icmp",)",
                       0),
            0u)
      << line;
  auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["verdict"], "refused");
  EXPECT_EQ(json["error"]["code"], "QUOTA_EXCEEDED");
  EXPECT_EQ(json["error"]["message"], "rate limit");
  EXPECT_EQ(json["queued_ms"], 1.235);
  EXPECT_EQ(json["options"]["traceroute_queries"], 3);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(AuditLog, InvalidUtf8InATargetIsReplacedNotThrown) {
  AuditRecord r = sample_record();
  r.params.hostname = "bad\xff\xfename\n";
  std::string line = audit_line(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NO_THROW(std::ignore = nlohmann::json::parse(line));  // parse warns when its result is unused
}

TEST(AuditLog, AppendsLinesAndCreatesItsDirectory) {
  auto dir = std::filesystem::path(testing::TempDir()) / "audit-test" / "sub";
  std::filesystem::remove_all(dir.parent_path());
  auto path = (dir / "audit.log").string();
  {
    AuditLog log(path);
    log.write(sample_record());
    log.write(sample_record());
    EXPECT_TRUE(log.healthy());
  }
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    EXPECT_NO_THROW(std::ignore = nlohmann::json::parse(line));  // parse warns when its result is unused
    ++lines;
  }
  EXPECT_EQ(lines, 2);
}

TEST(AuditLog, AFailingDiskIsReportedAndTracesGoOn) {
  // A full disk, as the file size limit makes one (the audit file must be a
  // regular file, so /dev/full is refused): write(2) fails with EFBIG.
  auto full = (std::filesystem::path(testing::TempDir()) / "audit-full.log").string();
  std::filesystem::remove(full);
  AuditLog log(full);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit none{0, saved.rlim_max};
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &none), 0);
  log.write(sample_record());  // must not throw
  EXPECT_FALSE(log.healthy());
  EXPECT_NE(log.problem().find("write failed"), std::string::npos);
  log.write(sample_record());
  EXPECT_FALSE(log.healthy());
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, old_handler);
  auto good = (std::filesystem::path(testing::TempDir()) / "audit-reopen.log").string();
  log.reopen(good);
  log.write(sample_record());
  EXPECT_TRUE(log.healthy());
  EXPECT_EQ(log.path(), good);
}

TEST(AuditLog, EmptyPathDisablesIt) {
  AuditLog log("");
  log.write(sample_record());
  EXPECT_TRUE(log.healthy());
}

TEST(AuditLog, UnopenablePathIsAnError) {
  EXPECT_THROW(AuditLog("/proc/definitely/not/here/audit.log"), Error);
}

}  // namespace
}  // namespace ddtr::policy
