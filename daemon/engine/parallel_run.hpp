// One traceroute run: probes for TTL min..max, replies fed to the probe
// strategy, first answer per TTL kept (a destination answer replaces an earlier
// router answer). Unlike upstream, the run ends as soon as the answer is
// complete: the destination answered and every lower TTL either answered or
// was given up on.
//
// Pacing: by default a window of `window` probes in flight, the next TTL sent
// as soon as one resolves (answer, timeout or refused send), so a path of up
// to `window` hops costs one round trip and a longer one never floods. With
// `send_delay` set, upstream's fixed pacing instead (one TTL per delay, no
// window). Either way each send first takes its turn from the packet budget's
// gate, if any.
//
// Replies that name no probe (TCP SYN's bare RST: the destination answered,
// but which TTL got there?): the destination is taken to be the lowest TTL
// sent before the reply that no router answered at or above, and it moves up
// when a router answers that TTL later. Before the run ends, that TTL waits
// for its router's answer as a silent TTL would (the adaptive wait).
// Across runs: with an InFlightLimit, each send also needs one of the
// daemon's slots (held until the probe resolves); at the cap the lowest
// waiting TTL of any run goes first, and the window is never more than the
// run's fair share of the cap (see in_flight_limit.hpp).
//
// Waiting: each probe waits at most `timeout` from its send. With the adaptive
// wait on (traceroute's -w MAX,HERE,NEAR), once a higher TTL has answered, a
// lower one still silent waits at most max(near x that reply's RTT, floor).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "daemon/engine/in_flight_limit.hpp"
#include "daemon/engine/probe_budget.hpp"
#include "daemon/engine/probe_channel.hpp"
#include "daemon/engine/rtt_clock.hpp"
#include "shared/common/error.hpp"

namespace ddtr::engine {

struct AdaptiveWait {
  bool enabled = true;
  double near_factor = 10;  // traceroute -w NEAR ("near" is a macro in <windef.h>)
  // Routers answer from a control plane slower than the path that forwards
  // (see docs/deviations.md): a hop may answer well after the destination.
  std::chrono::milliseconds floor{500};
};

inline constexpr int kDefaultWindow = 16;

// How the daemon paces runs (its flags); SACK keeps upstream's fixed 10 ms.
struct RunPacing {
  std::optional<std::chrono::milliseconds> send_delay;  // set: fixed pacing, the window does not apply
  int window = kDefaultWindow;
  AdaptiveWait wait{};
  int max_in_flight = kDefaultMaxInFlight;  // daemon-wide; <= 0: no cap
  std::shared_ptr<InFlightLimit> in_flight;  // the engine's, from max_in_flight
};

struct RunConfig {
  int min_ttl = 1;
  int max_ttl = 30;
  // Set: upstream's fixed pacing (one TTL per delay, no window). Unset: the window.
  std::optional<std::chrono::milliseconds> send_delay;
  std::chrono::milliseconds timeout{3000};  // per probe, from its send
  int window = kDefaultWindow;
  AdaptiveWait wait{};
  std::shared_ptr<ProbeGate> gate;  // the packet budget; null: none
  ClockSource clocks = read_clocks;  // read as each reply is handled (RTTs survive a clock step)
  std::shared_ptr<InFlightLimit> in_flight;  // the daemon-wide cap; null: none
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

// A send the host refused (a local filter, a full queue, no route): the probe
// is lost, the run goes on.
bool is_refused_send(const Error& error);

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
  using Clock = std::chrono::steady_clock;
  struct Slot {
    std::optional<platform::WireTime> sent_at;
    Clock::time_point sent_steady{};
    std::optional<probes::ProbeResponse> response;
    double rtt_ms = 0;
    bool timed_out = false;
    bool refused = false;
    std::optional<InFlightLimit::Lease> lease;  // its daemon-wide slot, until it resolves
    bool sent() const { return sent_at.has_value() || refused; }
    bool resolved() const { return response.has_value() || timed_out; }
  };

  void start_probing();
  // Sends what the pacing allows now, and schedules the rest.
  void pump();
  bool may_send() const;
  // Unresolved probes sent less than the adaptive floor ago.
  int holding(Clock::time_point now) const;
  void send_one();
  // Takes a daemon-wide slot for the next send, or queues for one; false: wait.
  bool take_send_slot();
  void release_send_slot();
  void probe_resolved(Slot& s);
  void on_response(const probes::ProbeResponse& response, platform::WireTime received_at);
  // A destination reply that names no probe (see the header comment).
  struct BareReply {
    platform::WireTime received_at;
    ClockReading handled;
    int latest_ttl;  // no probe sent after it arrived can have caused it
    IpAddress ip;
  };
  std::optional<int> bare_dest_ttl() const;
  std::optional<RunHop> bare_dest_hop() const;
  // dest_ttl_ from the exact answers and the bare replies; streams a bare
  // destination when it moves.
  void update_dest();
  Clock::time_point deadline(int ttl) const;
  void arm_deadline_timer();
  void expire_probes();
  void check_complete();
  void finish(std::optional<Error> error);
  Slot& slot(int ttl) { return slots_[static_cast<std::size_t>(ttl - config_.min_ttl)]; }
  const Slot& slot(int ttl) const { return slots_[static_cast<std::size_t>(ttl - config_.min_ttl)]; }

  boost::asio::io_context& io_;
  std::shared_ptr<ProbeChannel> channel_;
  RunConfig config_;
  HopCallback on_hop_;
  DoneCallback on_done_;

  boost::asio::steady_timer send_timer_;
  boost::asio::steady_timer deadline_timer_;
  std::optional<Clock::time_point> deadline_armed_;
  std::vector<Slot> slots_;
  int next_ttl_;
  int in_flight_ = 0;         // sent, not yet resolved
  bool send_waiting_ = false;  // a send is scheduled (fixed pacing or the budget's turn)
  bool budget_granted_ = false;  // the next send already has its turn
  std::optional<InFlightLimit::Lease> next_lease_;  // the next send's daemon-wide slot
  std::optional<InFlightLimit::Ticket> slot_ticket_;  // queued for a slot
  InFlightLimit::Member share_;  // counted among the runs sharing the cap while probing
  int sent_ok_ = 0;
  std::optional<Error> first_refusal_;
  std::optional<int> dest_ttl_;   // the lower of the two below
  std::optional<int> exact_dest_;  // the lowest TTL a reply that names its probe reached
  std::vector<BareReply> bare_;
  bool dest_is_bare_ = false;      // dest_ttl_ is bare_dest_ttl()
  bool finished_ = false;
};

}  // namespace ddtr::engine
