#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "client/output_plan.hpp"

namespace ddtr::client {
namespace {

bool is_console(HANDLE h) {
  DWORD mode = 0;
  return h != nullptr && h != INVALID_HANDLE_VALUE && ::GetConsoleMode(h, &mode) != 0;
}

// The live table moves the cursor with ANSI sequences; a console takes them
// once asked to (Windows 10 and later). One that refuses is treated as
// TERM=dumb: the table once, at the end, without escapes.
bool enable_escape_sequences(HANDLE h) {
  DWORD mode = 0;
  if (::GetConsoleMode(h, &mode) == 0) return false;
  if ((mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0) return true;
  return ::SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

}  // namespace

TerminalFacts detect_terminal() {
  TerminalFacts facts;
  HANDLE out = ::GetStdHandle(STD_OUTPUT_HANDLE);
  facts.stdout_tty = is_console(out);
  facts.stderr_tty = is_console(::GetStdHandle(STD_ERROR_HANDLE));
  // Windows consoles set no $TERM; an explicit TERM=dumb is still honoured.
  const char* term = std::getenv("TERM");
  facts.dumb = !facts.stdout_tty || !enable_escape_sequences(out) || (term != nullptr && std::strcmp(term, "dumb") == 0);
  const char* no_color = std::getenv("NO_COLOR");
  facts.no_color = no_color != nullptr && *no_color != '\0';
  return facts;
}

TerminalSize stdout_terminal_size() {
  CONSOLE_SCREEN_BUFFER_INFO info{};
  if (::GetConsoleScreenBufferInfo(::GetStdHandle(STD_OUTPUT_HANDLE), &info) == 0) return {};
  return TerminalSize{info.srWindow.Right - info.srWindow.Left + 1, info.srWindow.Bottom - info.srWindow.Top + 1};
}

void use_binary_stdio() {
  ::_setmode(::_fileno(stdout), _O_BINARY);
  ::_setmode(::_fileno(stderr), _O_BINARY);
}

}  // namespace ddtr::client
