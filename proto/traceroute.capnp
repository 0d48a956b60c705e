# The client <-> daemon protocol of datadog-traceroute.
#
# The client calls Tracer.trace with every option of the Go CLI and a HopListener;
# the daemon streams each hop to the listener as it is learned and answers with a
# result that maps 1:1 to the Go tool's JSON document, or a typed error.
@0x98770592b15fd0be;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("ddtr::wire");

interface Tracer {
  trace @0 (request :TraceRequest, listener :HopListener) -> (result :TraceResult);
  # Runs one traceroute. Dropping the call (or the connection) cancels it.
  # A call without a listener gets no hop events, only the result (the batch
  # client: each hop event costs the daemon a message and its return).

  info @1 () -> (info :DaemonInfo);
  # What the daemon is and how it sees the caller (for --version and doctor).
}

interface HopListener {
  onHop @0 (event :HopEvent) -> ();
  # Called for every hop as soon as it is learned, in the order learned.
}

struct TraceRequest {
  # Field for field the Go tool's TracerouteParams, with the Go CLI's defaults.
  hostname @0 :Text;
  port @1 :Int32 = 33434;
  protocol @2 :Text = "udp";
  minTtl @3 :Int32 = 1;
  maxTtl @4 :Int32 = 30;
  delayMs @5 :Int32 = 50;
  timeoutMs @6 :Int32 = 3000;
  tcpMethod @7 :Text = "syn";
  wantV6 @8 :Bool;
  tcpSynParisTracerouteMode @9 :Bool;
  reverseDns @10 :Bool;
  collectSourcePublicIp @11 :Bool;
  tracerouteQueries @12 :Int32 = 3;
  e2eQueries @13 :Int32 = 50;
  useWindowsDriver @14 :Bool;
  skipPrivateHops @15 :Bool;
}

struct HopEvent {
  kind @0 :Kind;
  enum Kind {
    tracerouteRun @0;  # a hop of one of the traceroute runs
    e2eProbe @1;       # the answer (or loss) of one end-to-end probe
  }
  index @1 :UInt32;    # which run / which e2e probe, in launch order from 0
  ttl @2 :UInt8;
  ipAddress @3 :Text;  # "" when the probe was not answered
  rttMs @4 :Float64;
  isDestination @5 :Bool;
}

struct TraceResult {
  union {
    results @0 :Results;
    error @1 :TraceError;
  }
}

enum ErrorCode {
  unknown @0;
  dns @1;
  timeout @2;
  connRefused @3;
  hostUnreach @4;
  netUnreach @5;
  denied @6;
  invalidRequest @7;
  failedEncoding @8;
  unauthorized @9;
  quotaExceeded @10;
  policyDenied @11;
  daemonUnavailable @12;
}

struct TraceError {
  code @0 :ErrorCode;
  message @1 :Text;
}

# --- The Go JSON document (result/result.go), in its key order. ---

struct Results {
  testRunId @0 :Text;
  protocol @1 :Text;
  sourcePublicIp @2 :Text;
  destinationHostname @3 :Text;
  destinationPort @4 :Int32;
  hasRuns @5 :Bool;            # false -> "runs": null
  runs @6 :List(Run);
  hopCount @7 :HopCount;
  e2eProbe @8 :E2eProbe;
}

struct Run {
  runId @0 :Text;
  source @1 :Endpoint;
  destination @2 :Endpoint;
  hops @3 :List(Hop);
}

struct Endpoint {
  ipAddress @0 :Text;
  port @1 :UInt16;
  reverseDns @2 :List(Text);
}

struct Hop {
  ttl @0 :Int32;
  ipAddress @1 :Text;
  rttMs @2 :Float64;
  reachable @3 :Bool;
  reverseDns @4 :List(Text);
  isDestination @5 :Bool;
}

struct HopCount {
  avg @0 :Float64;
  min @1 :Int32;
  max @2 :Int32;
}

struct E2eProbe {
  hasRtts @0 :Bool;            # false -> "rtts": null
  rtts @1 :List(Float64);
  packetsSent @2 :Int32;
  packetsReceived @3 :Int32;
  packetLossPercentage @4 :Float32;
  jitter @5 :Float64;
  rtt @6 :RttStats;
}

struct RttStats {
  avg @0 :Float64;
  min @1 :Float64;
  max @2 :Float64;
}

struct DaemonInfo {
  version @0 :Text;
  callerUid @1 :UInt32;
  callerGid @2 :UInt32;
  callerPid @3 :Int32;
  protocols @4 :List(Text);   # the protocols this daemon can trace now
  callerUser @5 :Text;
  callerGroups @6 :List(Text);  # names (or numbers) of the groups the daemon saw
  role @7 :Text;                # "admin", "user" or "denied"
  roleRule @8 :Text;            # which config key gave that role
  limits @9 :RoleLimits;
  usage @10 :Usage;
  capabilities @11 :List(Text); # the daemon's effective capabilities that matter ("CAP_NET_RAW")
  configPath @12 :Text;
  configFileExists @13 :Bool;   # false: built-in defaults
  configLoadedAt @14 :Text;     # RFC 3339, UTC
  auditLogPath @15 :Text;       # "" when disabled
  auditLogHealthy @16 :Bool;
  runningTraces @17 :UInt32;    # daemon-wide
  queuedTraces @18 :UInt32;
  callerAccount @19 :Text;      # Windows: the account ("DOMAIN\user") of the SID in callerUser; "" elsewhere
  # The probe identities held now, daemon-wide (0 from a daemon that does not count them):
  echoIdsLeased @20 :UInt32;    # ICMP echo ids leased to runs
  portsReserved @21 :UInt32;    # UDP/TCP source ports reserved for runs
  demuxRoutes @22 :UInt32;      # runs registered with the shared reply capture
  globalProbesPerSecond @23 :Float64;  # the daemon-wide packet budget (0: none)
  # The daemon's own account (see also `capabilities`, its effective set):
  daemonUid @24 :UInt32 = 0xffffffff;  # 0xffffffff: not told (Windows, or a daemon before these fields)
  daemonUser @25 :Text;                # its name ("" when not told)
  auditLogProblem @26 :Text;           # why auditLogHealthy is false ("" when healthy)
}

struct RoleLimits {
  maxTracerouteQueries @0 :Int32;
  maxE2eQueries @1 :Int32;
  maxTtl @2 :Int32;
  minTimeoutMs @3 :Int32;
  maxTimeoutMs @4 :Int32;
  ports @5 :Text;               # "1-65535" or "53,33434-33534"
  protocols @6 :List(Text);
  concurrentTraces @7 :Int32;
  queuedTraces @8 :Int32;
  maxConnections @9 :Int32;
  ratePerMinute @10 :Float64;
  burst @11 :Int32;
  probesPerSecond @12 :Float64; # the packet budget of this user's traces (0: only the global one)
}

struct Usage {
  running @0 :Int32;
  queued @1 :Int32;
  tokens @2 :Float64;           # traces that may start before the rate limit bites
  connections @3 :Int32;        # this user's open connections, this one included
}
