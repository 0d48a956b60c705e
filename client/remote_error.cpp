#include "client/remote_error.hpp"

#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>

namespace ddtr::client {

std::optional<Error> typed_remote_error(std::string_view description) {
  constexpr std::string_view kRemote = "remote exception: ";
  auto at = description.find(kRemote);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = description.substr(at + kRemote.size());
  auto colon = rest.find(": ");
  if (colon == std::string_view::npos) return std::nullopt;
  auto code = error_code_from_name(rest.substr(0, colon));
  if (!code) return std::nullopt;
  std::string_view message = rest.substr(colon + 2);
  // Cap'n Proto may append context lines; the first line is the daemon's.
  message = message.substr(0, message.find('\n'));
  return Error(*code, std::string(message));
}

std::optional<Error> refusal_in(kj::ArrayPtr<const capnp::word> words) {
  try {
    capnp::FlatArrayMessageReader reader(words);
    auto message = reader.getRoot<capnp::rpc::Message>();
    if (!message.isAbort()) return std::nullopt;
    return typed_remote_error(std::string("remote exception: ") + message.getAbort().getReason().cStr());
  } catch (const kj::Exception&) {
    return std::nullopt;  // not a whole message
  }
}

Error connection_failure(const std::string& endpoint, std::string_view description) {
  if (auto typed = typed_remote_error(description)) return *typed;
  return Error(ErrorCode::DaemonUnavailable,
               "the traceroute daemon at " + endpoint + " accepted the connection, then it was lost: " +
                   std::string(description.substr(0, description.find('\n'))) +
                   " (the daemon stopped or closed it; 'datadog-traceroute doctor' shows whether it runs and your "
                   "limits)");
}

}  // namespace ddtr::client
