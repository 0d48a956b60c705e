#include "tests/hostile/raw_rpc.hpp"

#include <capnp/serialize.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ddtr::hostile {

int connect_unix(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) throw std::runtime_error("socket path too long");
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    int err = errno;
    ::close(fd);
    throw std::runtime_error("connect " + path + ": " + std::strerror(err));
  }
  return fd;
}

bool write_all(int fd, const void* bytes, std::size_t size) {
  auto* p = static_cast<const char*>(bytes);
  while (size > 0) {
    ssize_t n = ::send(fd, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

void append_message(std::vector<capnp::word>& out, capnp::MessageBuilder& message) {
  auto flat = capnp::messageToFlatArray(message);
  out.insert(out.end(), flat.begin(), flat.end());
}

void append_bootstrap(std::vector<capnp::word>& out, std::uint32_t question) {
  capnp::MallocMessageBuilder message(32);
  message.initRoot<capnp::rpc::Message>().initBootstrap().setQuestionId(question);
  append_message(out, message);
}

void append_call(std::vector<capnp::word>& out, std::uint32_t question, std::uint32_t bootstrap_question,
                 std::uint64_t interface_id, std::uint16_t method) {
  capnp::MallocMessageBuilder message(64);
  auto call = message.initRoot<capnp::rpc::Message>().initCall();
  call.setQuestionId(question);
  call.initTarget().initPromisedAnswer().setQuestionId(bootstrap_question);
  call.setInterfaceId(interface_id);
  call.setMethodId(method);
  call.initParams().getContent().initAsAnyStruct(0, 0);
  append_message(out, message);
}

void append_finish(std::vector<capnp::word>& out, std::uint32_t question) {
  capnp::MallocMessageBuilder message(32);
  message.initRoot<capnp::rpc::Message>().initFinish().setQuestionId(question);
  append_message(out, message);
}

std::string abort_reason(const std::vector<unsigned char>& bytes) {
  if (bytes.size() < sizeof(capnp::word) || bytes.size() % sizeof(capnp::word) != 0) return "";
  try {
    std::vector<capnp::word> words(bytes.size() / sizeof(capnp::word));
    std::memcpy(words.data(), bytes.data(), bytes.size());
    capnp::FlatArrayMessageReader reader(kj::arrayPtr(words.data(), words.size()));
    auto root = reader.getRoot<capnp::rpc::Message>();
    if (root.which() != capnp::rpc::Message::ABORT) return "";
    return root.getAbort().getReason().cStr();
  } catch (const kj::Exception&) {
    return "";
  }
}

}  // namespace ddtr::hostile
