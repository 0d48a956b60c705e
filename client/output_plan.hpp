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

// Reads isatty(1), isatty(2), $TERM and $NO_COLOR.
TerminalFacts detect_terminal();

// The terminal's size, {0, 0} when unknown (not a terminal).
struct TerminalSize {
  int columns = 0;
  int rows = 0;
};
TerminalSize terminal_size(int fd);

}  // namespace ddtr::client
