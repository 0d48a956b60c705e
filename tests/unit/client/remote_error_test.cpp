#include "client/remote_error.hpp"

#include <capnp/message.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

namespace ddtr::client {
namespace {

TEST(RemoteError, ADaemonRefusalBecomesItsTypedError) {
  auto error = typed_remote_error(
      "remote exception: QUOTA_EXCEEDED: too many connections: user nobody has 8 open, the most role \"user\" "
      "allows (roles.user.max_connections 8)");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::QuotaExceeded);
  EXPECT_STREQ(error->what(),
               "too many connections: user nobody has 8 open, the most role \"user\" allows "
               "(roles.user.max_connections 8)");
}

TEST(RemoteError, ContextLinesAreDropped) {
  auto error = typed_remote_error("remote exception: QUOTA_EXCEEDED: too many info calls\ncontext: x.c++:1: y");
  ASSERT_TRUE(error);
  EXPECT_STREQ(error->what(), "too many info calls");
}

TEST(RemoteError, OtherFailuresAreNotTyped) {
  EXPECT_FALSE(typed_remote_error("Connection reset by peer"));
  EXPECT_FALSE(typed_remote_error("remote exception: something broke: here"));
  EXPECT_FALSE(typed_remote_error("Peer disconnected."));
}

TEST(RemoteError, ALostConnectionIsNotAdviceToStartTheDaemon) {
  Error error = connection_failure("/run/x.sock", "Connection reset by peer");
  EXPECT_EQ(error.code(), ErrorCode::DaemonUnavailable);
  std::string text = error.what();
  EXPECT_NE(text.find("accepted the connection, then it was lost: Connection reset by peer"), std::string::npos);
  EXPECT_EQ(text.find("start it"), std::string::npos);
  EXPECT_EQ(connection_failure("/run/x.sock", "remote exception: QUOTA_EXCEEDED: full").code(),
            ErrorCode::QuotaExceeded);
}

TEST(RemoteError, AnAbortLeftInTheSocketIsReadAsTheRefusal) {
  capnp::MallocMessageBuilder message;
  message.initRoot<capnp::rpc::Message>().initAbort().setReason("QUOTA_EXCEEDED: too many connections: user x");
  auto words = capnp::messageToFlatArray(message);
  auto error = refusal_in(words);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::QuotaExceeded);
  EXPECT_STREQ(error->what(), "too many connections: user x");
  EXPECT_FALSE(refusal_in(words.slice(0, words.size() - 1)));  // cut short
  capnp::MallocMessageBuilder other;
  other.initRoot<capnp::rpc::Message>().initFinish();
  EXPECT_FALSE(refusal_in(capnp::messageToFlatArray(other)));
}

}  // namespace
}  // namespace ddtr::client
