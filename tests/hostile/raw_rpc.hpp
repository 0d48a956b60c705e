// Raw Cap'n Proto RPC for attacks that break the protocol's manners (pipeline
// without reading, never Finish): the messages by hand on a blocking socket.
#pragma once

#include <capnp/message.h>
#include <capnp/rpc.capnp.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ddtr::hostile {

// A connected blocking socket (throws std::runtime_error).
int connect_unix(const std::string& path);
// Writes all of `bytes` (false: the daemon closed).
bool write_all(int fd, const void* bytes, std::size_t size);

void append_message(std::vector<capnp::word>& out, capnp::MessageBuilder& message);
void append_bootstrap(std::vector<capnp::word>& out, std::uint32_t question);
// A call on the bootstrap answer (`bootstrap_question`), no parameters.
void append_call(std::vector<capnp::word>& out, std::uint32_t question, std::uint32_t bootstrap_question,
                 std::uint64_t interface_id, std::uint16_t method);
void append_finish(std::vector<capnp::word>& out, std::uint32_t question);

// The reason of an Abort message in `bytes`, or "".
std::string abort_reason(const std::vector<unsigned char>& bytes);

}  // namespace ddtr::hostile
