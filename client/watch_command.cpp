#include "client/watch_command.hpp"

#include <kj/async-io.h>

#include <cstdio>
#include <iostream>
#include <optional>

#include "client/batch_command.hpp"
#include "client/interrupt.hpp"
#include "client/key_input.hpp"
#include "client/output_plan.hpp"
#include "client/trace_backend.hpp"
#include "client/trace_command.hpp"
#include "client/watch_loop.hpp"
#include "client/watch_report.hpp"
#include "client/watch_screen.hpp"
#include "shared/result/go_json.hpp"

namespace ddtr::client {
namespace {

enum class Ending { Done, Quit, Interrupted };

void write_line(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);  // one whole line per round, for whoever reads the pipe
}

// The keys, one at a time, until `q`.
kj::Promise<Ending> keys_until_quit(KeyInput& keys, WatchLoop& loop, WatchView& view, std::function<void()> redraw) {
  return keys.next().then([&keys, &loop, &view, redraw](char key) -> kj::Promise<Ending> {
    switch (key) {
      case 'q': case 'Q': return Ending::Quit;
      case 'p': case 'P': case ' ': loop.toggle_pause(); break;
      case 'r': case 'R': loop.reset(); break;
      case 'n': case 'N': view.names = !view.names; redraw(); break;
      default: break;
    }
    return keys_until_quit(keys, loop, view, redraw);
  });
}

}  // namespace

int run_watch(const ClientOptions& options) {
  const TerminalFacts terminal = detect_terminal();
  const OutputFormat format = options.format.value_or(OutputFormat::Table);
  const bool screen_on = options.watch && format == OutputFormat::Table && terminal.stdout_tty && !terminal.dumb;
  const bool color = screen_on && !options.no_color && !terminal.no_color;
  const TraceParams& params = options.params;

  WatchStats stats;
  WatchView view;
  std::optional<WatchScreen> screen;
  if (screen_on) screen.emplace(params, options.interval, color, stdout, [] { return stdout_terminal_size(); });

  InterruptWatch ctrl_c;
  auto io = kj::setupAsyncIo();
  Ending ending = Ending::Done;
  std::optional<Error> fatal;
  std::string last_refusal;
  try {
    auto tracer = open_trace_service(io, options);
    std::optional<KeyInput> keys;
    if (screen_on) keys.emplace(io);
    view.keys = keys && keys->active();
    WatchLoop* loop_ref = nullptr;
    auto redraw = [&] {
      if (screen && loop_ref != nullptr) screen->draw(stats, loop_ref->status(), view);
    };
    WatchLoop::Hooks hooks;
    hooks.changed = redraw;
    hooks.round = [&](const TraceOutcome& outcome) {
      if (const auto* error = std::get_if<Error>(&outcome)) {
        last_refusal = std::string(error->what()) + " (code " + std::string(error_code_name(error->code())) + ")";
      }
      if (format != OutputFormat::Jsonl) return;
      if (const auto* results = std::get_if<Results>(&outcome)) {
        write_line(to_go_json(*results, 0));
      } else {
        write_line(batch_error_line(params.hostname, std::get<Error>(outcome)));
      }
    };
    WatchLoop loop(*tracer, io.provider->getTimer(), params, options.interval,
                   static_cast<std::uint64_t>(options.report_cycles), stats, std::move(hooks));
    loop_ref = &loop;

    auto rounds = loop.run().then([] { return Ending::Done; });
    auto interrupted = ctrl_c.next(io).then([] { return Ending::Interrupted; });
    kj::Promise<Ending> quit = kj::NEVER_DONE;
    if (keys && keys->active()) quit = keys_until_quit(*keys, loop, view, redraw);
    // Whichever ends first; dropping the others drops a round in flight, which
    // cancels it in the daemon.
    ending = rounds.exclusiveJoin(kj::mv(interrupted)).exclusiveJoin(kj::mv(quit)).wait(io.waitScope);
    fatal = loop.fatal();
  } catch (const Error& e) {
    std::cerr << "Error: " << e.what() << " (code " << error_code_name(e.code()) << ")\n";
    return 1;
  }

  if (screen) {
    screen->finish(stats, view);
  } else if (format == OutputFormat::Json) {
    write_line(report_json(params, stats));
  } else if (format != OutputFormat::Jsonl) {
    for (const auto& line : report_lines(params, stats, view.names)) std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
  }
  if (fatal) {
    std::cerr << "Error: " << fatal->what() << " (code " << error_code_name(fatal->code()) << ")\n";
    return 1;
  }
  if (ending == Ending::Interrupted) return kExitInterrupted;
  if (ending == Ending::Done && stats.rounds() == 0) {
    std::cerr << "Error: failed to run traceroute: no round was traced";
    if (!last_refusal.empty()) std::cerr << "; the last refusal: " << last_refusal;
    std::cerr << "\n";
    return 1;
  }
  return std::ferror(stdout) ? 1 : 0;
}

}  // namespace ddtr::client
