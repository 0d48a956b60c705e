#include "daemon/rpc/connection_refusal.hpp"

#include <capnp/message.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize-async.h>

namespace ddtr::rpcserver {
namespace {

// Reads and drops until the client closes its end.
kj::Promise<void> drain(kj::AsyncIoStream& stream, kj::ArrayPtr<kj::byte> buffer) {
  return stream.tryRead(buffer.begin(), 1, buffer.size()).then([&stream, buffer](std::size_t n) -> kj::Promise<void> {
    if (n == 0) return kj::READY_NOW;
    return drain(stream, buffer);
  });
}

}  // namespace

std::string wire_reason(const Error& error) {
  return std::string(error_code_name(error.code())) + ": " + error.what();
}

kj::Exception refusal_exception(const Error& error) {
  return kj::Exception(kj::Exception::Type::OVERLOADED, __FILE__, __LINE__, kj::heapString(wire_reason(error)));
}

kj::Promise<void> refuse_connection(kj::Own<kj::AsyncIoStream> stream, const Error& refusal, kj::Timer& timer,
                                    kj::Duration linger_for, kj::Promise<void> cut_short) {
  auto message = kj::heap<capnp::MallocMessageBuilder>(128);
  auto abort = message->initRoot<capnp::rpc::Message>().initAbort();
  abort.setType(capnp::rpc::Exception::Type::OVERLOADED);
  std::string reason = wire_reason(refusal);
  abort.setReason(capnp::Text::Reader(reason.data(), reason.size()));
  auto written = capnp::writeMessage(*stream, *message).attach(kj::mv(message));
  auto& io = *stream;
  return written
      .then([&io, &timer, linger_for, cut_short = kj::mv(cut_short)]() mutable -> kj::Promise<void> {
        io.shutdownWrite();
        auto buffer = kj::heapArray<kj::byte>(4096);
        auto view = buffer.asPtr();
        return drain(io, view)
            .attach(kj::mv(buffer))
            .exclusiveJoin(timer.afterDelay(linger_for))
            .exclusiveJoin(kj::mv(cut_short));
      })
      .catch_([](kj::Exception&&) {})  // the client went first: nothing left to do
      .attach(kj::mv(stream));
}

}  // namespace ddtr::rpcserver
