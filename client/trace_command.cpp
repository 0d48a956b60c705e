#include "client/trace_command.hpp"

#include <kj/async-io.h>

#include <cstdio>
#include <iostream>
#include <optional>

#include "client/hop_listener.hpp"
#include "client/interrupt.hpp"
#include "client/output_plan.hpp"
#include "client/trace_backend.hpp"
#include "client/trace_progress.hpp"
#include "shared/result/go_json.hpp"

namespace ddtr::client {
namespace {

int print_error(const Error& error) {
  std::cerr << "Error: ";
  if (error.code() != ErrorCode::DaemonUnavailable) std::cerr << "failed to run traceroute: ";
  std::cerr << error.what() << " (code " << error_code_name(error.code()) << ")\n";
  return 1;
}

int print_json(const Results& results) {
  std::string json;
  try {
    json = to_go_json(results, 2);
  } catch (const Error& e) {
    std::cerr << "Error: JSON marshalling failed: " << e.what() << "\n";
    return 1;
  }
  std::cout << json << "\n" << std::flush;
  return std::cout ? 0 : 1;
}

}  // namespace

int run_trace(const ClientOptions& options) {
  const OutputPlan plan = plan_output(options, detect_terminal());
  if (options.verbose) {
    std::cerr << "[INFO] Running traceroute with params: " << describe(options.params) << "\n" << std::flush;
  }
  // Declared before the event loop, so it outlives every KJ object that
  // refers to it (the listener dies with the connection, the loop last).
  TraceProgress progress(plan, options.params, stdout, stderr, [] { return stdout_terminal_size(); });

  InterruptWatch ctrl_c;
  auto io = kj::setupAsyncIo();
  std::optional<TraceOutcome> outcome;
  std::string where;
  try {
    auto tracer = open_trace_service(io, options);
    where = tracer->where();
    progress.start();
    auto listener = kj::heap<HopListener>(progress, io.provider->getTimer());
    auto finished = tracer->trace(options.params, kj::mv(listener)).then([](TraceOutcome o) {
      return std::optional<TraceOutcome>(std::move(o));
    });
    auto interrupted = ctrl_c.next(io).then([] { return std::optional<TraceOutcome>(); });
    // The first to finish wins; the loser is dropped. Dropping the trace call
    // (then the connection, when `tracer` goes out of scope) is what cancels
    // the trace in the daemon (or in this process's engine).
    outcome = finished.exclusiveJoin(kj::mv(interrupted)).wait(io.waitScope);
  } catch (const Error& e) {
    progress.abandon();
    return print_error(e);
  }

  if (!outcome) {
    progress.interrupted(where);
    return kExitInterrupted;
  }
  if (auto* error = std::get_if<Error>(&*outcome)) {
    progress.abandon();
    return print_error(*error);
  }
  const auto& results = std::get<Results>(*outcome);
  progress.finish(results);
  if (plan.format == OutputFormat::Json) return print_json(results);
  return std::ferror(stdout) ? 1 : 0;
}

}  // namespace ddtr::client
