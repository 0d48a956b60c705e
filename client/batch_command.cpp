#include "client/batch_command.hpp"

#include <kj/async-io.h>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "client/interrupt.hpp"
#include "client/trace_backend.hpp"
#include "client/trace_command.hpp"
#include "shared/result/go_json.hpp"

namespace ddtr::client {
namespace {

// Keeps `parallel` traces in flight, prints each as it ends, and fulfils
// `all_done` when the last one has. KJ thread only.
class Batch {
 public:
  Batch(TraceService& daemon, const ClientOptions& options, std::vector<std::string> targets,
        kj::Own<kj::PromiseFulfiller<void>> all_done)
      : daemon_(daemon), options_(options), pending_(targets.begin(), targets.end()),
        all_done_(kj::mv(all_done)), tasks_(errors_) {}

  void start() { fill(); }
  int failures() const { return failures_; }

 private:
  struct Errors : kj::TaskSet::ErrorHandler {
    void taskFailed(kj::Exception&& e) override {
      std::cerr << "Error: " << e.getDescription().cStr() << "\n";
    }
  };

  void fill() {
    while (in_flight_ < options_.parallel && !pending_.empty()) {
      std::string target = std::move(pending_.front());
      pending_.pop_front();
      TraceParams params = options_.params;
      params.hostname = target;
      ++in_flight_;
      // Batch output is the results only: no listener, so the daemon sends no hops.
      tasks_.add(daemon_.trace(params).then([this, target](TraceOutcome outcome) {
        print(target, outcome);
        --in_flight_;
        fill();
      }));
    }
    if (in_flight_ == 0 && pending_.empty() && all_done_->isWaiting()) all_done_->fulfill();
  }

  void print(const std::string& target, const TraceOutcome& outcome) {
    std::string line;
    if (auto* error = std::get_if<Error>(&outcome)) {
      ++failures_;
      line = batch_error_line(target, *error);
    } else {
      line = to_go_json(std::get<Results>(outcome), 0);
    }
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);  // one whole line per completion, for whoever reads the pipe
  }

  TraceService& daemon_;
  const ClientOptions& options_;
  std::deque<std::string> pending_;
  kj::Own<kj::PromiseFulfiller<void>> all_done_;
  Errors errors_;
  kj::TaskSet tasks_;
  int in_flight_ = 0;
  int failures_ = 0;
};

std::string trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::vector<std::string> read_targets_file(const std::string& path) {
  // The path is UTF-8 (the arguments are, on Windows too): as a char8_t
  // path it opens through the wide API there, unchanged bytes on POSIX.
  std::ifstream in(std::filesystem::path(std::u8string(path.begin(), path.end())));
  if (!in) throw FlagError("cannot read --targets-file " + path);
  std::vector<std::string> targets;
  std::string line;
  while (std::getline(in, line)) {
    std::string target = trim(line);
    if (target.empty() || target.front() == '#') continue;
    targets.push_back(std::move(target));
  }
  return targets;
}

std::string batch_error_line(const std::string& target, const Error& error) {
  return "{\"target\":" + go_quote(target) + ",\"error\":{\"code\":" + go_quote(error_code_name(error.code())) +
         ",\"message\":" + go_quote(error.what()) + "}}";
}

int run_batch(const ClientOptions& options, std::vector<std::string> targets) {
  if (targets.empty()) {
    std::cerr << "Error: no targets to trace\n";
    return 2;
  }
  InterruptWatch ctrl_c;
  auto io = kj::setupAsyncIo();
  try {
    auto tracer = open_trace_service(io, options);
    auto paf = kj::newPromiseAndFulfiller<void>();
    Batch batch(*tracer, options, std::move(targets), kj::mv(paf.fulfiller));
    batch.start();
    bool finished = paf.promise.then([] { return true; })
                        .exclusiveJoin(ctrl_c.next(io).then([] { return false; }))
                        .wait(io.waitScope);
    if (!finished) {
      std::cerr << "interrupted: the traces still running were cancelled\n";
      return kExitInterrupted;
    }
    return batch.failures() == 0 ? 0 : 1;
  } catch (const Error& e) {
    std::cerr << "Error: " << e.what() << " (code " << error_code_name(e.code()) << ")\n";
    return 1;
  }
}

}  // namespace ddtr::client
