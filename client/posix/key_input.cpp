#include "client/key_input.hpp"

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <deque>

#include <kj/async-unix.h>

namespace ddtr::client {

// stdin stays blocking (O_NONBLOCK would be shared with the shell through the
// terminal's open file description): reads happen only when poll() says a
// byte is there. The observer is edge-triggered, so each wake-up drains.
struct KeyInput::State {
  bool active = false;
  bool ended = false;
  termios saved{};
  kj::Maybe<kj::Own<kj::UnixEventPort::FdObserver>> observer;
  std::deque<char> pending;

  void drain() {
    while (!ended) {
      pollfd p{STDIN_FILENO, POLLIN, 0};
      if (::poll(&p, 1, 0) != 1 || (p.revents & (POLLIN | POLLHUP)) == 0) return;
      char buffer[64];
      ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
      if (n <= 0) {
        ended = true;  // end of input (the terminal went away): no more keys
        return;
      }
      pending.insert(pending.end(), buffer, buffer + n);
    }
  }
};

KeyInput::KeyInput(kj::AsyncIoContext& io) : state_(kj::heap<State>()) {
  if (::isatty(STDIN_FILENO) != 1 || ::tcgetattr(STDIN_FILENO, &state_->saved) != 0) return;
  termios raw = state_->saved;
  raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));  // ISIG stays: Ctrl-C is still SIGINT
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  if (::tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0) return;
  state_->active = true;
  state_->observer = kj::heap<kj::UnixEventPort::FdObserver>(io.unixEventPort, STDIN_FILENO,
                                                              kj::UnixEventPort::FdObserver::OBSERVE_READ);
}

KeyInput::~KeyInput() {
  state_->observer = nullptr;
  if (state_->active) ::tcsetattr(STDIN_FILENO, TCSANOW, &state_->saved);
}

bool KeyInput::active() const { return state_->active; }

kj::Promise<char> KeyInput::next() {
  State& s = *state_;
  if (!s.active) return kj::NEVER_DONE;
  s.drain();
  if (!s.pending.empty()) {
    char key = s.pending.front();
    s.pending.pop_front();
    return key;
  }
  if (s.ended) return kj::NEVER_DONE;
  KJ_IF_MAYBE (observer, s.observer) {
    return (*observer)->whenBecomesReadable().then([this] { return next(); });
  }
  return kj::NEVER_DONE;
}

}  // namespace ddtr::client
