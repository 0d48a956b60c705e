#!/usr/bin/env bash
# Faults on the namespace network, one daemon (root) and clients as `nobody`:
# a link down and up mid-trace, a router that starts answering from another
# address, duplicated and late replies, forged replies that belong to no probe,
# reordered replies, 20 % loss, the daemon killed while clients wait (and
# restarted), a full disk under the audit log. After each: the trace is still
# true (every answered hop is the right router, lost hops are shown as lost,
# nothing is duplicated or attributed to the wrong probe) and the daemon is
# alive.
#   fault_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh
checker=$here/../testutils/check_trace.py
faults=$here/../testutils/reply_faults.py

require_root_and_netns

prefix="fa$(( $$ % 10000 ))"
make_work fault
helper_pids=()

cleanup() {
  local p
  for p in "${helper_pids[@]}"; do kill "$p" 2>/dev/null; done
  kill_daemon  # it holds the audit log open on the tmpfs
  mountpoint -q "$work/auditfs" && umount "$work/auditfs"
  clean_up_suite
}
trap cleanup EXIT

mkdir -m 0755 "$work/auditfs"
touch "$work/daemon.log"
# The audit log lives on a 64 KiB tmpfs of its own, so the test can fill it (part g).
mount -t tmpfs -o size=64k,mode=0755 ddtr-fault-audit "$work/auditfs"
write_open_policy "$work/auditfs/audit.log"

start_daemon() {  # start_daemon [FLAGS...]: returns once this daemon says it listens (a killed one leaves its socket file behind)
  local before
  before=$(log_count 'datadog-tracerouted .* listening on ')
  # --user root: uid 0 with CAP_NET_RAW alone whether or not the package's user exists here
  ip netns exec "${prefix}c" "$work/datadog-tracerouted" --foreground --user root --socket "$socket" --log-level debug \
    --config "$work/daemon.json" "$@" >>"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 100); do
    (( $(log_count 'datadog-tracerouted .* listening on ') > before )) && [[ -S $socket ]] && return 0
    sleep 0.1
  done
  return 1
}
alive() { kill -0 "$daemon_pid" 2>/dev/null; }
restart_daemon() {  # restart_daemon [FLAGS...]: a clean stop, then start_daemon FLAGS
  kill -TERM "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null
  rm -f "$socket"
  start_daemon "$@"
}

trace() {  # trace NAME ARGS...: $work/NAME.{json,err,rc}; a client that hangs 60 s is killed (rc 124)
  local name=$1; shift
  timeout -s KILL 60 ip netns exec "${prefix}c" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    --inh-caps=-all --bounding-set=-all --no-new-privs \
    "$work/datadog-traceroute" --socket "$socket" "$@" >"$work/$name.json" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
}

judge() {  # judge NAME CHECKER-ARGS...
  local name=$1; shift
  local out rc
  out=$(python3 "$checker" "$work/$name.json" --label "$name" "$@" 2>&1); rc=$?
  passed=$(( passed + $(grep -c '^ok - ' <<<"$out" || true) ))
  failed=$(( failed + $(grep -c '^not ok - ' <<<"$out" || true) ))
  if (( rc != 0 )); then
    grep '^not ok - ' <<<"$out"
    grep -q '^not ok - ' <<<"$out" || failed=$(( failed + 1 ))
    echo "--- $name stdout"; cat "$work/$name.json"; echo "--- $name stderr"; cat "$work/$name.err"
  else
    echo "ok - $name: judged by check_trace.py ($(grep -c '^ok - ' <<<"$out") checks)"
  fi
}

traced_ok() {  # traced_ok NAME CHECKER-ARGS...: exit 0, then judged
  local name=$1; shift
  check "$name: exits 0" test "$(cat "$work/$name.rc")" = 0
  judge "$name" "$@"
}

log_count() { grep -c -- "$1" "$work/daemon.log" || true; }
mac() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }

routers=3
"$topology" up "$prefix" --routers $routers
hops=$("$topology" hops "$prefix" --routers $routers | tr '\n' ' ')
read -r hop1 hop2 hop3 dest <<<"$hops"
check "daemon starts" start_daemon
fast=(--proto icmp -q 2 -Q 2 --timeout 1000 -m 8 203.0.113.5)
trace warmup "${fast[@]}"
traced_ok warmup --hops "$hops" --runs 2 --e2e 2

# --- (a) link 2 (router 1 - router 2) down, then up again, during a trace --------------------------------
# Router 2's end goes down: router 1 still forwards into the dead link, so every
# probe past hop 1 (and router 2's and 3's answers) is lost without an ICMP error.
# The trace's e2e probes are paced 1 s apart (min(1 s, max_ttl x timeout / count)):
# sent at 0, 1, 2 and 3 s, so the outage from 0.4 s to 1.6 s takes the second one.
# The trace must show what was lost as lost, and every answered hop right.
restore_link2() {
  ip netns exec "${prefix}r2" ip link set "${prefix}l2b" up
  # Taking a link down drops its routes (and may drop neighbour entries): put them back.
  ip netns exec "${prefix}r2" ip route replace 192.0.2.4/30 via 192.0.2.9
  ip netns exec "${prefix}r2" ip neigh replace 192.0.2.9 lladdr "$(mac "${prefix}r1" "${prefix}l2a")" \
    dev "${prefix}l2b" nud permanent
  ip netns exec "${prefix}r1" ip neigh replace 192.0.2.10 lladdr "$(mac "${prefix}r2" "${prefix}l2b")" \
    dev "${prefix}l2a" nud permanent
  ip netns exec "${prefix}r1" ip route replace default via 192.0.2.10
  # And IPv6 (the reordering of part e traces it): the address goes with the link.
  ip netns exec "${prefix}r2" ip -6 addr replace 2001:db8:1:2::2/64 dev "${prefix}l2b" nodad
  ip netns exec "${prefix}r2" ip -6 route replace 2001:db8:1:1::/64 via 2001:db8:1:2::1
  ip netns exec "${prefix}r2" ip -6 neigh replace 2001:db8:1:2::1 lladdr "$(mac "${prefix}r1" "${prefix}l2a")" \
    dev "${prefix}l2b" nud permanent
  ip netns exec "${prefix}r1" ip -6 neigh replace 2001:db8:1:2::2 lladdr "$(mac "${prefix}r2" "${prefix}l2b")" \
    dev "${prefix}l2a" nud permanent
  ip netns exec "${prefix}r1" ip -6 route replace default via 2001:db8:1:2::2
}
requests_before=$(log_count 'trace request: ')
trace linkdown --proto icmp -q 2 -Q 4 --timeout 1000 -m 8 203.0.113.5 &
tracer=$!
for _ in $(seq 100); do (( $(log_count 'trace request: ') > requests_before )) && break; sleep 0.05; done
sleep 0.4
ip netns exec "${prefix}r2" ip link set "${prefix}l2b" down
sleep 1.2
restore_link2
wait "$tracer"
traced_ok linkdown --hops "$hops" --runs 2 --e2e 4 --lossy
check "link down: the e2e probe sent during the outage is lost, the others answered (rtts 0 exactly for the lost)" \
  python3 -c '
import json, sys
e2e = json.load(open(sys.argv[1]))["e2e_probe"]
print("# link down: e2e", e2e["packets_received"], "of", e2e["packets_sent"], "received, rtts", e2e["rtts"])
rtts = e2e["rtts"]
sys.exit(0 if len(rtts) == 4 and 1 <= e2e["packets_received"] <= 3
         and sum(1 for r in rtts if r == 0) == 4 - e2e["packets_received"] else 1)' "$work/linkdown.json"
trace linkback "${fast[@]}"
traced_ok linkback --hops "$hops" --runs 2 --e2e 2
hops6=$("$topology" hops6 "$prefix" --routers $routers | tr '\n' ' ')
trace linkback6 --proto icmp -q 2 -Q 2 --timeout 1000 -m 8 2001:db8:ffff::5
traced_ok linkback6 --hops "$hops6" --runs 2 --e2e 2 --source 2001:db8:1:1::1
check "link down/up: daemon alive" alive

# --- (b) router 2 starts answering from another address between two traces -----------------------------
# Its time-exceeded messages leave with source 198.51.100.77 (a stateless nft rewrite).
ip netns exec "${prefix}r2" nft -f - <<'NFT'
table ip readdress {
  chain output {
    type filter hook output priority 0; policy accept;
    icmp type time-exceeded ip saddr set 198.51.100.77
  }
}
NFT
trace readdressed "${fast[@]}"
traced_ok readdressed --hops "$hop1 198.51.100.77 $hop3 $dest" --runs 2 --e2e 2
check "readdressed: the old address $hop2 is nowhere in the trace" bash -c "! grep -q '\"$hop2\"' '$work/readdressed.json'"
ip netns exec "${prefix}r2" nft delete table ip readdress
trace readdressed_back "${fast[@]}"
traced_ok readdressed_back --hops "$hops" --runs 2 --e2e 2
check "readdressed back: 198.51.100.77 is nowhere in the trace" bash -c "! grep -q 198.51.100.77 '$work/readdressed_back.json'"

# --- (c) every reply duplicated at once and again 30 ms later -------------------------------------------
ip netns exec "${prefix}r1" /usr/bin/python3 "$faults" dup "${prefix}l1b" "$work/dup.count" &
helper_pids+=($!)
for _ in $(seq 50); do [[ -s $work/dup.count ]] && break; sleep 0.1; done
sleep 0.3
trace dup "${fast[@]}"
traced_ok dup --hops "$hops" --runs 2 --e2e 2
trace dup_udp --proto udp -q 2 -Q 2 --timeout 1000 -m 8 203.0.113.5
traced_ok dup_udp --hops "$hops" --runs 2 --e2e 2 --protocol udp --run-port 33434
trace dup_tcp --proto tcp -p 443 -q 2 -Q 2 --timeout 1000 -m 8 203.0.113.5
traced_ok dup_tcp --hops "$hops" --runs 2 --e2e 2 --protocol tcp --port 443 --run-port 443
kill "${helper_pids[-1]}"; wait "${helper_pids[-1]}" 2>/dev/null
dups=$(cat "$work/dup.count" 2>/dev/null || echo 0)
echo "# duplicator: $dups replies sent twice more"
check "duplicator: every reply was duplicated (3 traces x (2 runs x 4 hops + 2 e2e) = 30 at least: $dups)" test "$dups" -ge 30
check "duplicates: daemon alive" alive

# --- (d) a flood of forged replies during traces ---------------------------------------------------------
ip netns exec "${prefix}r1" /usr/bin/python3 "$faults" forge "${prefix}l1b" 192.0.2.5 "$work/forge.count" &
helper_pids+=($!)
for _ in $(seq 50); do [[ -s $work/forge.count ]] && break; sleep 0.1; done
sleep 0.3
tracers=()
for n in 1 2 3; do
  trace "forged$n" "${fast[@]}" & tracers+=($!)
done
trace forged_tcp --proto tcp -p 443 -q 2 -Q 2 --timeout 1000 -m 8 203.0.113.5 & tracers+=($!)
trace forged_udp --proto udp -q 2 -Q 2 --timeout 1000 -m 8 203.0.113.5 & tracers+=($!)
wait "${tracers[@]}"
sleep 0.2
kill "${helper_pids[-1]}"; wait "${helper_pids[-1]}" 2>/dev/null
forged=$(cat "$work/forge.count" 2>/dev/null || echo 0)
echo "# forger: $forged forged packets sent"
check "forger: a flood was sent ($forged packets)" test "$forged" -ge 500
for n in 1 2 3; do traced_ok "forged$n" --hops "$hops" --runs 2 --e2e 2; done
traced_ok forged_tcp --hops "$hops" --runs 2 --e2e 2 --protocol tcp --port 443 --run-port 443
traced_ok forged_udp --hops "$hops" --runs 2 --e2e 2 --protocol udp --run-port 33434
check "forged: 198.51.100.99 (the forger's source) is in no trace" \
  bash -c "! grep -q 198.51.100.99 '$work'/forged*.json"
check "forged: daemon alive" alive

# --- (e) reordered replies: the farther routers' answers overtake the nearer ones' ----------------------
# Router 1 drops router 2's and 3's answers it would forward from link 2 to the
# client, and a tap on link 2 sends them on itself: router 2's 600 ms late,
# router 3's 300 ms late. The destination's go through at once, by the kernel
# (the tap's copy comes after and is ignored as a duplicate): a user-space
# helper starved of CPU must not delay them. A run's probes leave together (the window),
# so its replies arrive destination first, then router 3, then router 2, and seven
# concurrent traces (ICMP, UDP, TCP; IPv4 and IPv6) interleave theirs. Every hop must still be
# its own router, and its rtt must carry its own injected delay. The delays are
# far beyond any adaptive window (10 x the destination's ~1 ms, floor 500 ms)
# on purpose: this part runs with the adaptive wait off (upstream's full
# timeout); part (e2) below shows the window itself.
check "reordered: daemon restarted with --no-adaptive-wait" restart_daemon --no-adaptive-wait
reorder_delay2=600 reorder_delay3=300
read -r hop2_6 hop3_6 <<<"$(cut -d' ' -f2,3 <<<"$hops6")"
ip netns exec "${prefix}r1" nft -f - <<NFT
table inet reorder {
  chain forward {
    type filter hook forward priority 0; policy accept;
    iifname "${prefix}l2a" ip daddr 192.0.2.5 ip saddr { $hop2, $hop3 } drop
    iifname "${prefix}l2a" ip6 daddr 2001:db8:1:1::1 ip6 saddr { $hop2_6, $hop3_6 } drop
  }
}
NFT
ip netns exec "${prefix}r1" /usr/bin/python3 "$faults" delay "${prefix}l2a" 192.0.2.5,2001:db8:1:1::1 \
  "$work/reorder.count" "$hop2=$reorder_delay2" "$hop3=$reorder_delay3" \
  "$hop2_6=$reorder_delay2" "$hop3_6=$reorder_delay3" &
helper_pids+=($!)
for _ in $(seq 50); do [[ -s $work/reorder.count ]] && break; sleep 0.1; done
slow=(-q 2 -Q 2 --timeout 2000 -m 8 203.0.113.5)
tracers=()
for n in 1 2 3; do trace "reorder$n" --proto icmp "${slow[@]}" & tracers+=($!); done
trace reorder_udp --proto udp "${slow[@]}" & tracers+=($!)
trace reorder_tcp --proto tcp -p 443 "${slow[@]}" & tracers+=($!)
slow6=(-q 2 -Q 2 --timeout 2000 -m 8 2001:db8:ffff::5)
trace reorder_icmp6 --proto icmp "${slow6[@]}" & tracers+=($!)
trace reorder_udp6 --proto udp "${slow6[@]}" & tracers+=($!)
wait "${tracers[@]}"
kill "${helper_pids[-1]}"; wait "${helper_pids[-1]}" 2>/dev/null
ip netns exec "${prefix}r1" nft delete table inet reorder
read -r reordered passed_on <<<"$(cat "$work/reorder.count" 2>/dev/null || echo 0 0)"
echo "# reorderer: $reordered replies delayed, $passed_on passed on at once"
# 7 traces x 2 runs x (router 2 + router 3) = 28 delayed at least
check "reorderer: replies were delayed ($reordered) and others passed on ($passed_on)" \
  test "$reordered" -ge 28 -a "$passed_on" -ge 28
for n in 1 2 3; do traced_ok "reorder$n" --hops "$hops" --runs 2 --e2e 2; done
traced_ok reorder_udp --hops "$hops" --runs 2 --e2e 2 --protocol udp --run-port 33434
traced_ok reorder_tcp --hops "$hops" --runs 2 --e2e 2 --protocol tcp --port 443 --run-port 443
traced_ok reorder_icmp6 --hops "$hops6" --runs 2 --e2e 2 --source 2001:db8:1:1::1
traced_ok reorder_udp6 --hops "$hops6" --runs 2 --e2e 2 --source 2001:db8:1:1::1 --protocol udp --run-port 33434
# Each rtt is measured from its own probe's send: router 2's at least its 600 ms
# (10 % slack for the tap's clock), router 3's at least
# 300 ms and below router 2's, router 1's and the destination's below 300 ms,
# as they were not delayed. The margins are the injected delays, not speed.
rtt_checks=$(python3 - "$work" "$reorder_delay2" "$reorder_delay3" <<'PY'
import json, sys
work, d2, d3 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
for name in ["reorder1", "reorder2", "reorder3", "reorder_udp", "reorder_tcp", "reorder_icmp6", "reorder_udp6"]:
    doc = json.load(open(f"{work}/{name}.json"))
    for n, run in enumerate(doc["traceroute"]["runs"], 1):
        rtt = {h["ttl"]: h["rtt"] for h in run["hops"]}
        ok = (len(rtt) == 4 and rtt[2] >= 0.9 * d2 and 0.9 * d3 <= rtt[3] < rtt[2]
              and 0 < rtt[1] < 0.9 * d3 and 0 < rtt[4] < 0.9 * d3)
        print(("ok" if ok else "not ok") + f" - {name} run {n}: rtts carry the injected delays: " +
              " ".join(f"ttl {t} {v:.3f} ms" for t, v in sorted(rtt.items())))
PY
)
echo "$rtt_checks"
passed=$(( passed + $(grep -c '^ok - ' <<<"$rtt_checks" || true) ))
failed=$(( failed + $(grep -c '^not ok - ' <<<"$rtt_checks" || true) ))
check "reordered: fourteen runs' rtts judged" test "$(grep -c ' - reorder' <<<"$rtt_checks")" = 14
check "reordered: daemon alive" alive

# --- (e2) the adaptive wait: a late hop inside its window kept, one beyond it lost -----------------------
# The daemon at its defaults again. Router 2 answers 50 ms late (inside its
# window: max(10 x the destination's ~1 ms RTT, the 500 ms floor), with room for
# the tap's own latency on a busy machine), router 3 1500 ms late (beyond it, but
# inside the 2.5 s --timeout: upstream would keep it). The destination's
# answers pass at once, as in (e).
check "adaptive: daemon restarted at its defaults" restart_daemon
late_in=50 late_out=1500
ip netns exec "${prefix}r1" nft -f - <<NFT
table inet reorder {
  chain forward {
    type filter hook forward priority 0; policy accept;
    iifname "${prefix}l2a" ip daddr 192.0.2.5 ip saddr { $hop2, $hop3 } drop
  }
}
NFT
ip netns exec "${prefix}r1" /usr/bin/python3 "$faults" delay "${prefix}l2a" 192.0.2.5 \
  "$work/adaptive.count" "$hop2=$late_in" "$hop3=$late_out" &
helper_pids+=($!)
for _ in $(seq 50); do [[ -s $work/adaptive.count ]] && break; sleep 0.1; done
tracers=()
trace adaptive_icmp --proto icmp -q 2 -Q 0 --timeout 2500 -m 8 203.0.113.5 & tracers+=($!)
trace adaptive_udp --proto udp -q 2 -Q 0 --timeout 2500 -m 8 203.0.113.5 & tracers+=($!)
wait "${tracers[@]}"
kill "${helper_pids[-1]}"; wait "${helper_pids[-1]}" 2>/dev/null
ip netns exec "${prefix}r1" nft delete table inet reorder
for name in adaptive_icmp adaptive_udp; do
  check "$name: exits 0" test "$(cat "$work/$name.rc")" = 0
  adaptive_checks=$(python3 - "$work/$name.json" "$name" "$hop1" "$hop2" "$dest" "$late_in" <<'PY'
import json, sys
path, name, hop1, hop2, dest, late_in = sys.argv[1:7]
doc = json.load(open(path))
for n, run in enumerate(doc["traceroute"]["runs"], 1):
    h = {x["ttl"]: x for x in run["hops"]}
    ok = (sorted(h) == [1, 2, 3, 4] and h[1]["ip_address"] == hop1
          and h[2]["ip_address"] == hop2 and h[2]["rtt"] >= 0.9 * float(late_in)
          and h[3]["ip_address"] == "" and h[3]["rtt"] == 0
          and h[4]["ip_address"] == dest and h[4]["reachable"])
    print(("ok" if ok else "not ok") + f" - {name} run {n}: router 2 (late, inside its window) kept, router 3 "
          "(beyond it) lost: " + " ".join(f"ttl {t} {x['ip_address'] or '*'} {x['rtt']:.1f} ms" for t, x in sorted(h.items())))
PY
)
  echo "$adaptive_checks"
  passed=$(( passed + $(grep -c '^ok - ' <<<"$adaptive_checks" || true) ))
  failed=$(( failed + $(grep -c '^not ok - ' <<<"$adaptive_checks" || true) ))
  check "$name: two runs judged" test "$(grep -c ' - adaptive' <<<"$adaptive_checks")" = 2
done
check "adaptive: daemon alive" alive

# --- (h) 20 % loss: router 2 drops a fifth of what it forwards, during concurrent traces ---------------
# Lost probes and lost answers past router 2 must show as lost hops (no address,
# rtt 0), every answered hop must be its router, the destination only last.
ip netns exec "${prefix}r2" nft -f - <<'NFT'
table inet lossy {
  chain forward {
    type filter hook forward priority 0; policy accept;
    numgen random mod 100 < 20 drop
  }
}
NFT
tracers=()
for n in 1 2 3 4; do trace "loss$n" --proto icmp -q 3 -Q 4 --timeout 500 -m 8 203.0.113.5 & tracers+=($!); done
trace loss_udp --proto udp -q 3 -Q 4 --timeout 500 -m 8 203.0.113.5 & tracers+=($!)
trace loss_tcp --proto tcp -p 443 -q 3 -Q 4 --timeout 500 -m 8 203.0.113.5 & tracers+=($!)
wait "${tracers[@]}"
ip netns exec "${prefix}r2" nft delete table inet lossy
for n in 1 2 3 4; do traced_ok "loss$n" --hops "$hops" --runs 3 --e2e 4 --lossy --lossy-from 3; done
traced_ok loss_udp --hops "$hops" --runs 3 --e2e 4 --lossy --lossy-from 3 --protocol udp --run-port 33434
traced_ok loss_tcp --hops "$hops" --runs 3 --e2e 4 --lossy --lossy-from 3 --protocol tcp --port 443 --run-port 443
lost=$(cat "$work"/loss*.json | grep -c '"ip_address": ""' || true)
echo "# 20 % loss: $lost hops shown as lost over 6 traces x 3 runs"
check "20 % loss: some hops were lost ($lost), so the loss really happened" test "$lost" -ge 1
check "20 % loss: daemon alive" alive

# Idle after faults (a)-(h): no run holds a probe identity any more (a run may
# let go of them on the engine thread a moment after its client has the result:
# asked again for up to 5 s, a liveness bound).
idle_ids='daemon probe identities: 0 ICMP echo ids leased, 0 ports reserved, 0 reply routes'
for _ in $(seq 50); do
  as_nobody "$work/datadog-traceroute" doctor --socket "$socket" >"$work/doctor_idle.out" 2>&1
  grep -q "$idle_ids" "$work/doctor_idle.out" && break
  sleep 0.1
done
grep -m1 'probe identities' "$work/doctor_idle.out" | sed 's/^/# /'
check "after the faults: doctor shows no echo id, port or reply route held" grep -q "$idle_ids" "$work/doctor_idle.out"

# --- (f) the daemon killed while clients wait, then restarted ----------------------------------------------
# Slow traces (the filtered target: every run waits out its 3 s timeout).
waiters=(1 2 3) tracers=()
for n in "${waiters[@]}"; do
  ( trace "waiter$n" --proto icmp -q 3 -Q 0 --timeout 3000 -m 6 203.0.113.66; date +%s%N >"$work/waiter$n.end" ) &
  tracers+=($!)
done
for _ in $(seq 100); do (( $(log_count 'target="203.0.113.66"') >= 3 )) && break; sleep 0.1; done
check "three clients are waiting on the daemon" test "$(log_count 'target="203.0.113.66"')" -ge 3
killed_at=$(date +%s%N)
kill -KILL "$daemon_pid"; wait "$daemon_pid" 2>/dev/null; daemon_pid=""
wait "${tracers[@]}"
for n in "${waiters[@]}"; do
  ms=$(( ($(cat "$work/waiter$n.end") - killed_at) / 1000000 ))
  echo "# waiter $n: exited $(cat "$work/waiter$n.rc") ${ms} ms after the daemon was killed"
  check "waiter $n: exits 1" test "$(cat "$work/waiter$n.rc")" = 1
  check "waiter $n: says (code DAEMON_UNAVAILABLE)" grep -q '(code DAEMON_UNAVAILABLE)' "$work/waiter$n.err"
  # A liveness bound, not a speed assertion: the trace itself would take 9 s.
  check "waiter $n: did not hang (exited within 10 s of the kill)" test "$ms" -lt 10000
  grep -q '(code DAEMON_UNAVAILABLE)' "$work/waiter$n.err" || cat "$work/waiter$n.err"
done
trace nodaemon "${fast[@]}"
check "with no daemon: exits 1 with (code DAEMON_UNAVAILABLE)" \
  bash -c "test \"\$(cat '$work/nodaemon.rc')\" = 1 && grep -q '(code DAEMON_UNAVAILABLE)' '$work/nodaemon.err'"
check "the killed daemon left its socket file behind" test -S "$socket"
check "the daemon restarts over its stale socket" start_daemon
trace restarted "${fast[@]}"
traced_ok restarted --hops "$hops" --runs 2 --e2e 2

# --- (g) a full disk under the audit log --------------------------------------------------------------------
dd if=/dev/zero of="$work/auditfs/fill" bs=4k 2>/dev/null
# The log's last page may still have room: fill that too (blank lines).
for _ in $(seq 64); do printf '%0511d\n' 0 >>"$work/auditfs/audit.log" 2>/dev/null || break; done
check "the audit tmpfs is full" test "$(df --output=avail "$work/auditfs" | tail -1 | tr -d ' ')" = 0
for n in 1 2 3; do
  trace "full$n" "${fast[@]}"
  traced_ok "full$n" --hops "$hops" --runs 2 --e2e 2
done
check "full disk: the write failure is logged exactly once" test "$(log_count 'audit log .*: write failed')" = 1
grep -m1 'audit log .*: write failed' "$work/daemon.log" | sed 's/^/# /'
as_nobody "$work/datadog-traceroute" doctor --socket "$socket" >"$work/doctor_full.out" 2>&1
check "full disk: doctor exits 1" test $? = 1
check "full disk: doctor names the audit log" grep -q "cannot write its audit log $work/auditfs/audit.log" "$work/doctor_full.out"
rm -f "$work/auditfs/fill"
for n in 1 2; do
  trace "freed$n" "${fast[@]}"
  traced_ok "freed$n" --hops "$hops" --runs 2 --e2e 2
done
check "space freed: 'writing works again' logged exactly once" test "$(log_count 'audit log .*: writing works again')" = 1
check "space freed: the failure is still logged only once" test "$(log_count 'audit log .*: write failed')" = 1
as_nobody "$work/datadog-traceroute" doctor --socket "$socket" >"$work/doctor_freed.out" 2>&1
check "space freed: doctor no longer reports the audit log" bash -c "! grep -q 'cannot write its audit log' '$work/doctor_freed.out'"
check "space freed: doctor reports the audit log ok" grep -q "audit log $work/auditfs/audit.log" "$work/doctor_freed.out"
check "full disk: daemon alive" alive

finish_checks
