#include "client/output_plan.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace ddtr::client {

OutputPlan plan_output(const ClientOptions& options, const TerminalFacts& terminal) {
  OutputPlan plan;
  plan.format = options.format ? *options.format : terminal.stdout_tty ? OutputFormat::Table : OutputFormat::Json;
  const bool drawable = terminal.stdout_tty && !terminal.dumb;
  if (plan.format == OutputFormat::Table && drawable) {
    plan.live = LiveView::Table;
  } else if (options.verbose) {
    plan.live = LiveView::HopLines;
  } else if (terminal.stderr_tty) {
    // Progress on a terminal's stderr while stdout goes elsewhere; a text
    // listing on that same terminal needs no running commentary above it.
    const bool text_on_terminal = plan.format == OutputFormat::Text && terminal.stdout_tty;
    if (!text_on_terminal) plan.live = LiveView::HopLines;
  }
  plan.color = plan.format == OutputFormat::Table && drawable && !options.no_color && !terminal.no_color;
  return plan;
}

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

TerminalSize terminal_size(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) != 0) return {};
  return TerminalSize{size.ws_col, size.ws_row};
}

}  // namespace ddtr::client
