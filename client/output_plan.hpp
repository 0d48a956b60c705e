// Which output a trace gets: the format (flag, else by whether stdout is a
// terminal), the live view, colour. A pure function of the options and of
// what the terminal detection found, so every combination is unit-tested.
#pragma once

#include "client/flags.hpp"

namespace ddtr::client {

struct TerminalFacts {
  bool stdout_tty = false;
  bool stderr_tty = false;
  bool dumb = false;      // $TERM is "dumb" or unset: no cursor movement
  bool no_color = false;  // $NO_COLOR is set and not empty (no-color.org)
};

enum class LiveView {
  None,      // nothing until the result
  HopLines,  // one plain line per hop on stderr (json/text when stderr is a terminal, and -v)
  Table,     // the table redrawn in place on stdout
};

struct OutputPlan {
  OutputFormat format = OutputFormat::Json;
  LiveView live = LiveView::None;
  bool color = false;  // SGR colours in the table on stdout
};

OutputPlan plan_output(const ClientOptions& options, const TerminalFacts& terminal);

// What the OS says of stdout and stderr (client/{posix,windows}/terminal.cpp):
// on POSIX isatty(1), isatty(2) and $TERM; on Windows whether each is a
// console and whether the console takes escape sequences; $NO_COLOR on both.
TerminalFacts detect_terminal();

// The size of the terminal stdout is, {0, 0} when unknown (not a terminal).
struct TerminalSize {
  int columns = 0;
  int rows = 0;
};
TerminalSize stdout_terminal_size();

// Makes stdout and stderr write bytes as given: Windows' C runtime would turn
// every "\n" of the Go document into "\r\n". Nothing to do on POSIX.
void use_binary_stdio();

}  // namespace ddtr::client
