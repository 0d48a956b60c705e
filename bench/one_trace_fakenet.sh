#!/usr/bin/env bash
# One trace per protocol (ICMP, UDP, TCP SYN to 443), -q 1, through the daemon
# (client as nobody) at its defaults (a window of 16 probes, the adaptive wait)
# and at --send-delay 50ms (upstream's fixed pacing), beside traceroute, scamper
# and mtr --report, on fakenet's network with DELAY ms per link: 9 hops plain,
# with a silent router and lossy, and a 20-hop path (longer than the window).
# Every output is judged hop by hop (check_hops.py via judge_traces.py); RTTs
# are compared with the configured delay and with the wire (a capture in the
# client namespace, wire_rtt.py), which splits the harness's error from the tool's.
#   bench/one_trace_fakenet.sh [ROUNDS [DELAY_MS]]   (root; defaults 3, 5)
# Prints a markdown table; BENCH_DIR=dir keeps the outputs there (else a temp dir).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
delay=${2:-5}
fakenet=""
for f in "${FAKENET:-}" "$root/../shared/tools/fakenet.sh" "$root/../../shared/tools/fakenet.sh" /work/shared/tools/fakenet.sh; do
  [[ -n $f && -x $f ]] && { fakenet=$f; break; }
done
[[ -n $fakenet ]] || { echo "fakenet.sh not found (set FAKENET=path)" >&2; exit 1; }
for t in traceroute scamper mtr tcpdump; do
  command -v "$t" >/dev/null || { echo "needs $t (apt-get install traceroute scamper mtr-tiny tcpdump)" >&2; exit 1; }
done
dir=${BUILD_DIR:-$("$root/scripts/build" release)}
work=$(mktemp -d /tmp/ddtr-bench1.XXXXXX)
chmod 755 "$work"
export FAKENET_STATE=$work/fakenet
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  "$fakenet" down >/dev/null 2>&1 || true
  if [[ -n ${BENCH_DIR:-} ]]; then mkdir -p "$BENCH_DIR" && cp -r "$work/out" "$work/daemon.log" "$BENCH_DIR/" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
install -m 0755 "$dir/bin/datadog-tracerouted" "$dir/bin/datadog-traceroute" "$work/"
mkdir -m 0777 "$work/out"
cat >"$work/daemon.json" <<JSON
{"roles": {"user": {"rate_per_minute": 1000000, "burst": 1000000}}, "audit_log": "$work/audit.log"}
JSON
ns=trc
py=/usr/bin/python3

start_daemon() {  # start_daemon SOCKET [FLAGS...]
  local sock=$1; shift
  ip netns exec "$ns" "$work/datadog-tracerouted" --foreground --user root --socket "$sock" --config "$work/daemon.json" \
    --log-level warn "$@" 2>>"$work/daemon.log" &
  pids+=($!)
  for _ in $(seq 100); do [[ -S $sock ]] && return; sleep 0.1; done
  echo "daemon did not start" >&2; exit 1
}

# Each run gets its own target (203.0.113.N), so the capture tells its probes apart.
next_target=1
run_tool() {  # run_tool LABEL PROTO KIND OUT COMMAND... ; prints wall microseconds
  local t0 t1
  local stdout=$4
  [[ $3 == scamper ]] && stdout=$4.stdout  # scamper writes its JSON to -o
  t0=$(date +%s%N)
  "${@:5}" >"$stdout" 2>"$4.err" || true
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 ))
}

tool_cmd() {  # tool_cmd TOOL PROTO TARGET OUT -> sets cmd=(...) and kind
  local tool=$1 proto=$2 dst=$3 out=$4
  local asnobody=(ip netns exec "$ns" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)
  local pflags=(--proto "$proto")
  [[ $proto == tcp ]] && pflags+=(-p 443)
  case $tool in
    ours) kind=ours; cmd=("${asnobody[@]}" "$work/datadog-traceroute" --socket "$work/d.sock" "${pflags[@]}" -q 1 -Q 0 "$dst") ;;
    ours50) kind=ours; cmd=("${asnobody[@]}" "$work/datadog-traceroute" --socket "$work/d50.sock" "${pflags[@]}" -q 1 -Q 0 "$dst") ;;
    traceroute)
      kind=traceroute
      case $proto in icmp) f=(-I) ;; udp) f=() ;; tcp) f=(-T -p 443) ;; esac
      cmd=(ip netns exec "$ns" traceroute -n -q 1 "${f[@]}" "$dst") ;;
    scamper)
      kind=scamper
      case $proto in icmp) f="-P icmp-paris" ;; udp) f="-P udp-paris" ;; tcp) f="-P tcp -d 443" ;; esac
      cmd=(ip netns exec "$ns" scamper -O json -o "$out" -c "trace $f -q 1" -i "$dst") ;;
    mtr)
      kind=mtr
      case $proto in icmp) f=() ;; udp) f=(-u) ;; tcp) f=(-T -P 443) ;; esac
      cmd=(ip netns exec "$ns" mtr --report -n -c 1 "${f[@]}" "$dst") ;;
  esac
}

label_of() {
  case $1 in
    ours) echo "ours (daemon defaults: window 16, adaptive wait)" ;;
    ours50) echo "ours (daemon --send-delay 50ms, upstream's pacing)" ;;
    traceroute) case $2 in icmp) echo "traceroute -n -q 1 -I" ;; udp) echo "traceroute -n -q 1" ;; tcp) echo "traceroute -n -q 1 -T -p 443" ;; esac ;;
    scamper) case $2 in icmp) echo "scamper trace -P icmp-paris -q 1" ;; udp) echo "scamper trace -P udp-paris -q 1" ;; tcp) echo "scamper trace -P tcp -d 443 -q 1" ;; esac ;;
    mtr) case $2 in icmp) echo "mtr --report -n -c 1" ;; udp) echo "mtr --report -n -c 1 -u" ;; tcp) echo "mtr --report -n -c 1 -T -P 443" ;; esac ;;
  esac
}

variant() {  # variant SLUG NAME ROUTERS [FAKENET FLAGS...]
  local slug=$1 name=$2 routers=$3; shift 3
  QUIET=1 "$fakenet" up --hops "$routers" --delay-ms "$delay" --quiet "$@" >/dev/null
  start_daemon "$work/d.sock"
  start_daemon "$work/d50.sock" --send-delay 50ms
  local pcap=$work/out/$slug.pcap
  ip netns exec "$ns" tcpdump -i any --immediate-mode -Z root -U -s 160 -w "$pcap" ip 2>/dev/null &
  local tcpdump_pid=$!
  sleep 1
  local proto tool r
  declare -A walls files
  for proto in icmp udp tcp; do
    for (( r = 0; r < rounds; r++ )); do  # interleaved, so every tool sees the same machine load
      for tool in ours ours50 traceroute scamper mtr; do
        local dst="203.0.113.$next_target" out=$work/out/$slug-$proto-$tool-$r.txt
        next_target=$(( next_target % 250 + 1 ))
        tool_cmd "$tool" "$proto" "$dst" "$out"
        walls[$proto,$tool]+="$(run_tool "$tool" "$proto" "$kind" "$out" "${cmd[@]}") "
        files[$proto,$tool]+="$kind:$out:$dst "
      done
    done
  done
  sleep 0.5
  kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  pids=()
  rm -f "$work/d.sock" "$work/d50.sock"
  for proto in icmp udp tcp; do
    local tr_median
    tr_median=$(median ${walls[$proto,traceroute]})
    for tool in ours ours50 traceroute scamper mtr; do
      local med verdict
      med=$(median ${walls[$proto,$tool]})
      verdict=$(judge_all "$pcap" ${files[$proto,$tool]})
      $py - "$name" "$proto" "$(label_of "$tool" "$proto")" "$med" "$tr_median" "${walls[$proto,$tool]}" "$verdict" \
        "$tool" "${BENCH_JSON:-}" <<'PY'
import json, sys
name, proto, label, med, tr, walls, verdict, tool, out = sys.argv[1:]
v = json.loads(verdict)
w = sorted(int(x) for x in walls.split())
ratio = int(med) / int(tr) if int(tr) else 0
if out:
    with open(out, "a") as f:
        f.write(json.dumps(dict(v, bench="one", network=name, proto=proto, tool=tool, label=label,
                                wall_ms=int(med) / 1000, ratio=ratio)) + "\n")
print(f"| {name} | {proto} | {label} | {int(med) / 1000:.1f} ({w[0] / 1000:.1f}-{w[-1] / 1000:.1f}) | {ratio:.2f} "
      f"| {v['correct']}/{v['traces']} | {v['wrong_hops']} | {v['lost_hops']} | {v['rtt_err_ms_median']} "
      f"| {v['tool_vs_wire_ms_median']} / {v['tool_vs_wire_ms_max']} | {v['wire_err_ms_median']} |")
PY
    done
  done
}

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# judge_all PCAP KIND:FILE:TARGET... -> one JSON verdict summed over the rounds
judge_all() {
  local pcap=$1; shift
  local verdicts=()
  for spec in "$@"; do
    IFS=: read -r kind file dst <<<"$spec"
    verdicts+=("$($py "$root/bench/judge_traces.py" "$FAKENET_STATE/topology.json" "$delay" "$kind" "$file" \
                  --target "$dst" --pcap "$pcap" --raw)")
  done
  $py - "${verdicts[@]}" <<'PY'
import json, sys
vs = [json.loads(a) for a in sys.argv[1:]]
errs = sorted(e for v in vs for e in v["errors"])
wire = sorted(e for v in vs for e in v["vs_wire"])
werr = sorted(e for v in vs for e in v["wire_errors"])
pick = lambda x, q: round(x[min(len(x) - 1, int(q * len(x)))], 2) if x else None
print(json.dumps({"traces": sum(v["traces"] for v in vs), "correct": sum(v["correct"] for v in vs),
                  "wrong_hops": sum(v["wrong_hops"] for v in vs), "lost_hops": sum(v["lost_hops"] for v in vs),
                  "failed": sum(v.get("failed", 0) for v in vs),
                  "rtt_err_ms_median": pick(errs, 0.5), "tool_vs_wire_ms_median": pick(wire, 0.5),
                  "tool_vs_wire_ms_max": pick(wire, 1.0), "wire_err_ms_median": pick(werr, 0.5)}))
PY
}

echo "# One trace per protocol, fakenet routers + target, $delay ms per link, $rounds rounds"
echo
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores shared with other work (load average $(cut -d" " -f1-3 /proc/loadavg)), kernel $(uname -r)."
echo "Ours: \`datadog-traceroute --proto P [-p 443] -q 1 -Q 0 TARGET\` as nobody through a daemon run with the flag shown."
echo "Wall: median (min-max) ms of $rounds rounds; ratio: to traceroute's median for the protocol. RTT error: |RTT - 2 x TTL x $delay ms|"
echo "(median over answered hops); tool vs wire: |tool's RTT - the same probe's RTT on the client's wire| (median / max), the"
echo "tool's own error; wire error: |wire RTT - 2 x TTL x $delay ms|, the fake network's (user-space NFQUEUE delay) error."
echo
echo "| network | proto | tool | wall ms | × traceroute | correct | wrong hops | lost hops | RTT error ms | tool vs wire ms | wire error ms |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
variant plain "9 hops" 8
variant silent "silent hop 4" 8 --silent-hop 4
variant lossy "lossy 1%/link" 8 --loss 1
variant long "20 hops" 19
