// The audit log's file is opened safely: no symbolic or hard link, no device
// or FIFO, nothing others may write or another user owns; a reopen onto such a
// path leaves the log unhealthy and saying why, writing to the file it had.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "daemon/policy/audit_log.hpp"

namespace ddtr::policy {
namespace {

namespace fs = std::filesystem;

AuditRecord record() {
  AuditRecord r;
  r.time = std::chrono::system_clock::now();
  r.who.uid = 65534;
  r.who.user_name = "nobody";
  r.params.hostname = "192.0.2.1";
  r.verdict = "allowed";
  r.outcome = "ok";
  return r;
}

class AuditFile : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("audit-file-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string refusal_of(const std::string& path) {
    try {
      AuditLog log(path);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  static std::size_t lines(const std::string& path) {
    std::ifstream in(path);
    return static_cast<std::size_t>(std::count(std::istreambuf_iterator<char>(in), {}, '\n'));
  }
  fs::path dir_;
};

TEST_F(AuditFile, PlainFileIsCreatedPrivateAndWritten) {
  AuditLog log(path("audit.log"));
  log.write(record());
  EXPECT_TRUE(log.healthy());
  EXPECT_EQ(log.problem(), "");
  struct stat st {};
  ASSERT_EQ(::stat(path("audit.log").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0022, 0u);
  EXPECT_EQ(lines(path("audit.log")), 1u);
}

TEST_F(AuditFile, SymbolicLinkIsRefusedNotFollowed) {
  std::ofstream(path("target")) << "";
  ::chmod(path("target").c_str(), 0600);
  fs::create_symlink(path("target"), path("audit.log"));
  EXPECT_NE(refusal_of(path("audit.log")).find("is a symbolic link (refused)"), std::string::npos);
  EXPECT_EQ(fs::file_size(path("target")), 0u);
  // A dangling link would otherwise create its target.
  fs::create_symlink(path("nowhere"), path("dangling.log"));
  EXPECT_NE(refusal_of(path("dangling.log")).find("symbolic link"), std::string::npos);
  EXPECT_FALSE(fs::exists(path("nowhere")));
}

TEST_F(AuditFile, HardLinkIsRefused) {
  std::ofstream(path("other")) << "";
  ::chmod(path("other").c_str(), 0600);
  fs::create_hard_link(path("other"), path("audit.log"));
  EXPECT_NE(refusal_of(path("audit.log")).find("has 2 hard links (refused)"), std::string::npos);
}

TEST_F(AuditFile, GroupOrWorldWritableIsRefused) {
  std::ofstream(path("audit.log")) << "";
  ::chmod(path("audit.log").c_str(), 0662);
  EXPECT_NE(refusal_of(path("audit.log")).find("writable by its group or others (mode 0662)"), std::string::npos);
}

TEST_F(AuditFile, FifoIsRefusedWithoutHanging) {
  ASSERT_EQ(::mkfifo(path("audit.log").c_str(), 0600), 0);
  // Opened for writing with no reader, a FIFO would block (or fail ENXIO with O_NONBLOCK).
  EXPECT_NE(refusal_of(path("audit.log")), "");
}

TEST_F(AuditFile, DirectoryIsRefused) {
  fs::create_directories(path("audit.log"));
  EXPECT_NE(refusal_of(path("audit.log")), "");
}

TEST_F(AuditFile, AnotherUsersFileIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the file away";
  std::ofstream(path("audit.log")) << "";
  ::chmod(path("audit.log").c_str(), 0600);
  ASSERT_EQ(::chown(path("audit.log").c_str(), 40123, 40123), 0);
  EXPECT_NE(refusal_of(path("audit.log")).find("is owned by uid 40123"), std::string::npos);
}

TEST_F(AuditFile, ReopenOntoASymlinkLeavesItUnhealthyAndSaysWhy) {
  AuditLog log(path("audit.log"));
  log.write(record());
  fs::rename(path("audit.log"), path("audit.log.1"));  // rotation, then a planted link
  std::ofstream(path("victim")) << "";
  ::chmod(path("victim").c_str(), 0600);
  fs::create_symlink(path("victim"), path("audit.log"));
  EXPECT_THROW(log.reopen(path("audit.log")), Error);
  EXPECT_FALSE(log.healthy());
  EXPECT_NE(log.problem().find("symbolic link"), std::string::npos);
  log.write(record());  // still to the file it had
  EXPECT_FALSE(log.healthy());
  EXPECT_EQ(lines(path("audit.log.1")), 2u);
  EXPECT_EQ(fs::file_size(path("victim")), 0u);
  fs::remove(path("audit.log"));
  log.reopen(path("audit.log"));
  EXPECT_TRUE(log.healthy());
  EXPECT_EQ(log.problem(), "");
}

}  // namespace
}  // namespace ddtr::policy
