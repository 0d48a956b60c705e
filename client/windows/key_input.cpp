#include "client/key_input.hpp"

namespace ddtr::client {

// Not yet on Windows: the console's key events would need a thread of their
// own (KJ 0.9's IOCP port cannot wait on the console handle). The watch
// screen runs without keys there; Ctrl-C ends it with the final report.
struct KeyInput::State {};

KeyInput::KeyInput(kj::AsyncIoContext&) : state_(kj::heap<State>()) {}
KeyInput::~KeyInput() = default;
bool KeyInput::active() const { return false; }
kj::Promise<char> KeyInput::next() { return kj::NEVER_DONE; }

}  // namespace ddtr::client
