#include "client/output_plan.hpp"

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

}  // namespace ddtr::client
