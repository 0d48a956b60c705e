// Single keys typed at the terminal, as events of the KJ loop, for the watch
// screen (q, p, r, n). While it lives, a terminal on stdin is in
// non-canonical mode without echo (Ctrl-C still raises SIGINT); the
// destructor puts the terminal back as it was. POSIX only so far
// (posix/key_input.cpp); on Windows no key arrives and Ctrl-C ends the watch.
#pragma once

#include <kj/async-io.h>

namespace ddtr::client {

class KeyInput {
 public:
  explicit KeyInput(kj::AsyncIoContext& io);
  ~KeyInput();
  KeyInput(const KeyInput&) = delete;
  KeyInput& operator=(const KeyInput&) = delete;

  // Whether stdin is a terminal that keys can come from.
  bool active() const;
  // The next key; never resolves when inactive or after end of input.
  kj::Promise<char> next();

  struct State;  // per OS

 private:
  kj::Own<State> state_;
};

}  // namespace ddtr::client
