#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "client/output_plan.hpp"

namespace ddtr::client {

TerminalFacts detect_terminal() {
  TerminalFacts facts;
  facts.stdout_tty = ::isatty(STDOUT_FILENO) == 1;
  facts.stderr_tty = ::isatty(STDERR_FILENO) == 1;
  const char* term = std::getenv("TERM");
  facts.dumb = term == nullptr || *term == '\0' || std::strcmp(term, "dumb") == 0;
  const char* no_color = std::getenv("NO_COLOR");
  facts.no_color = no_color != nullptr && *no_color != '\0';
  return facts;
}

TerminalSize stdout_terminal_size() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) return {};
  return TerminalSize{size.ws_col, size.ws_row};
}

void use_binary_stdio() {}

}  // namespace ddtr::client
