// One traceroute run: probes for TTL min..max sent SendDelay apart, replies fed
// to the probe strategy, first answer per TTL kept (a destination answer
// replaces an earlier router answer). Unlike upstream, the run ends as soon as
// the answer is complete: the destination answered and every lower TTL either
// answered or timed out (each probe has its own timeout from its send time).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "daemon/engine/probe_channel.hpp"
#include "shared/common/error.hpp"

namespace ddtr::engine {

struct RunConfig {
  int min_ttl = 1;
  int max_ttl = 30;
  std::chrono::milliseconds send_delay{50};
  std::chrono::milliseconds timeout{3000};  // per probe, from its send
};

struct RunHop {
  int ttl = 0;
  std::optional<IpAddress> ip;  // nullopt: no answer
  double rtt_ms = 0;
  bool is_dest = false;
};

// Hops for TTL min.. up to the lowest destination answer (all TTLs when the
// destination never answered), as upstream's ToHops.
using RunOutcome = std::vector<RunHop>;
using RunResult = std::variant<RunOutcome, Error>;

class ParallelRun : public std::enable_shared_from_this<ParallelRun> {
 public:
  using HopCallback = std::function<void(const RunHop&)>;
  using DoneCallback = std::function<void(RunResult)>;

  ParallelRun(boost::asio::io_context& io, std::shared_ptr<ProbeChannel> channel, RunConfig config,
              HopCallback on_hop, DoneCallback on_done);

  void start();
  // Ends the run now; the done callback gets a TIMEOUT "context canceled" error.
  void cancel();

 private:
  struct Slot {
    std::optional<platform::WireTime> sent_at;
    std::optional<probes::ProbeResponse> response;
    double rtt_ms = 0;
    bool timed_out = false;
    bool resolved() const { return response.has_value() || timed_out; }
  };

  void start_probing();
  void send_next();
  void on_response(const probes::ProbeResponse& response, platform::WireTime received_at);
  void arm_deadline_timer();
  void expire_probes();
  void check_complete();
  void finish(std::optional<Error> error);
  Slot& slot(int ttl) { return slots_[static_cast<std::size_t>(ttl - config_.min_ttl)]; }

  boost::asio::io_context& io_;
  std::shared_ptr<ProbeChannel> channel_;
  RunConfig config_;
  HopCallback on_hop_;
  DoneCallback on_done_;

  boost::asio::steady_timer send_timer_;
  boost::asio::steady_timer deadline_timer_;
  std::vector<Slot> slots_;
  // Probes waiting for an answer, in send order; their deadlines are therefore
  // in order too, so expiry is O(1) per probe.
  std::deque<std::pair<int, std::chrono::steady_clock::time_point>> pending_;
  int next_ttl_;
  std::optional<int> dest_ttl_;
  bool finished_ = false;
};

}  // namespace ddtr::engine
