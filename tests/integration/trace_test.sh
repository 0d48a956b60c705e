#!/usr/bin/env bash
# Integration: the daemon as root inside a namespace network of 8 routers, the
# client as `nobody` with no capabilities, real packets end to end.
#   trace_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh

require_root_and_netns

prefix="it$(( $$ % 10000 ))"
make_work it
trap clean_up_suite EXIT

# This suite tests tracing, not quotas: `nobody` gets the whole range.
write_open_policy

# --user root: uid 0 with CAP_NET_RAW alone whether or not the package's user exists here.
# The public IP checkers are local fake servers: nothing leaves the test network.
daemon_flags=(--user root --config "$work/daemon.json"
  --public-ip-url http://127.0.0.1:8081/missing --public-ip-url http://127.0.0.1:8082/ip
  --public-ip-url http://127.0.0.1:8081/ip)

# --- 1. an 8-router network, every hop answering ---------------------------------------
"$topology" up "$prefix" --routers 8
hops=$("$topology" hops "$prefix" --routers 8 | tr '\n' ' ')
check "daemon starts as root and creates its socket" start_daemon "$socket" "${daemon_flags[@]}"
check "socket is mode 0666" test "$(stat -c %a "$socket")" = 666

trace full --proto icmp -q 3 -Q 5 --timeout 1000 -m 15 203.0.113.5
check "client as nobody exits 0" test "$(cat "$work/full.rc")" = 0
judge full --hops "$hops" --runs 3 --e2e 5
check "daemon logged the caller's identity" grep -q "uid=65534 user=nobody" "$work/daemon.log"

# --- 1b. several clients at once, each judged on its own -------------------------------
pids=()
for n in 1 2 3 4; do trace "concurrent$n" --proto icmp -q 2 -Q 2 --timeout 1000 -m 15 203.0.113.5 & pids+=($!); done
wait "${pids[@]}"  # not a bare `wait`: the daemon is a background job too
for n in 1 2 3 4; do
  check "concurrent client $n exits 0" test "$(cat "$work/concurrent$n.rc")" = 0
  judge "concurrent$n" --hops "$hops" --runs 2 --e2e 2
done

# --- 1c. UDP, and both protocols over IPv6, on the same network ---------------------------
trace udp4 --proto udp -q 2 -Q 3 --timeout 1000 -m 15 203.0.113.5
check "UDP over IPv4 exits 0" test "$(cat "$work/udp4.rc")" = 0
judge udp4 --hops "$hops" --runs 2 --e2e 3 --protocol udp --run-port 33434

trace udp4port --proto udp -q 1 -Q 1 --timeout 1000 -m 15 -p 9999 203.0.113.5:4242
check "UDP to host:port exits 0" test "$(cat "$work/udp4port.rc")" = 0
judge udp4port --hops "$hops" --runs 1 --e2e 1 --protocol udp --port 9999 --run-port 4242 --target 203.0.113.5:4242

hops6=$("$topology" hops6 "$prefix" --routers 8 | tr '\n' ' ')
trace icmp6 --proto icmp -q 2 -Q 2 --timeout 1000 -m 15 2001:db8:ffff::5
check "ICMP over IPv6 exits 0" test "$(cat "$work/icmp6.rc")" = 0
judge icmp6 --hops "$hops6" --runs 2 --e2e 2 --source 2001:db8:1:1::1

trace udp6 --proto udp -q 2 -Q 2 --timeout 1000 -m 15 2001:db8:ffff::5
check "UDP over IPv6 exits 0" test "$(cat "$work/udp6.rc")" = 0
judge udp6 --hops "$hops6" --runs 2 --e2e 2 --source 2001:db8:1:1::1 --protocol udp --run-port 33434

# --- 1d. TCP methods: an open port (SYN-ACK) and a closed one (RST), both families
for spec in "tcp4open 443 203.0.113.5 $hops 192.0.2.5" "tcp4closed 80 203.0.113.5 $hops 192.0.2.5" \
            "tcp6open 443 2001:db8:ffff::5 $hops6 2001:db8:1:1::1" "tcp6closed 80 2001:db8:ffff::5 $hops6 2001:db8:1:1::1"; do
  read -r name port target rest <<<"$spec"
  source_ip=${rest##* }
  want_hops=${rest% *}
  methods="syn syn_socket prefer_sack"
  [[ $port == 443 ]] && methods="$methods sack"
  for method in $methods; do
    trace "$name-$method" --proto tcp --tcp-method "$method" -p "$port" -q 2 -Q 2 --timeout 1000 -m 15 "$target"
    check "$name-$method exits 0" test "$(cat "$work/$name-$method.rc")" = 0
    judge "$name-$method" --hops "$want_hops" --runs 2 --e2e 2 --source "$source_ip" --protocol tcp --port "$port" \
      --run-port "$port"
  done
done

# --- 1d'. 50 concurrent traces from 50 clients, mixed protocols and families, one daemon --
# Every trace must be exactly right (no reply attributed to another trace), and
# the daemon must serve them all from one shared capture: its packet sockets
# (AF_PACKET) and raw sinks do not grow with the number of traces in flight.
daemon_sockets() {  # daemon_sockets INODE-COLUMN /proc/net FILE...: how many listed sockets the daemon holds
  local column=$1; shift
  local own
  own=$(ls -l "/proc/$daemon_pid/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
  awk -v own=" $own " -v c="$column" 'FNR > 1 && index(own, " " $c " ") { n++ } END { print n + 0 }' "$@"
}
mix=(icmp4 udp4 tcp4 icmp6 udp6 tcp6)
: >"$work/sockets.log"
( while [[ ! -e $work/mix.done ]]; do
    echo "$(daemon_sockets 9 "/proc/$daemon_pid/net/packet") $(daemon_sockets 10 "/proc/$daemon_pid/net/raw" \
      "/proc/$daemon_pid/net/raw6") $(ls "/proc/$daemon_pid/fd" | wc -l)" >>"$work/sockets.log"
    sleep 0.02
  done ) &
sampler=$!
pids=()
for n in $(seq 0 49); do
  kind=${mix[n % 6]}
  case $kind in
    icmp*) args=(--proto icmp) ;;
    udp*) args=(--proto udp) ;;
    tcp*) args=(--proto tcp -p 443) ;;
  esac
  if [[ $kind == *6 ]]; then dst=2001:db8:ffff::5; else dst=203.0.113.5; fi
  trace "mix$n" "${args[@]}" -q 2 -Q 1 --timeout 1000 -m 15 "$dst" & pids+=($!)
done
wait "${pids[@]}"
touch "$work/mix.done"; wait "$sampler"
for n in $(seq 0 49); do
  kind=${mix[n % 6]}
  want=$hops; from=192.0.2.5
  if [[ $kind == *6 ]]; then want=$hops6; from=2001:db8:1:1::1; fi
  case $kind in
    icmp*) jargs=() ;;
    udp*) jargs=(--protocol udp --run-port 33434) ;;
    tcp*) jargs=(--protocol tcp --port 443 --run-port 443) ;;
  esac
  check "concurrent mix $n ($kind) exits 0" test "$(cat "$work/mix$n.rc")" = 0
  judge "mix$n" --hops "$want" --runs 2 --e2e 1 --source "$from" "${jargs[@]}"
done
read -r max_packet max_raw max_fds < <(awk '{ for (i = 1; i <= 3; i++) if ($i > m[i]) m[i] = $i }
                                           END { print m[1] + 0, m[2] + 0, m[3] + 0 }' "$work/sockets.log")
echo "# during the 50 traces: at most $max_packet packet socket(s), $max_raw raw socket(s), $max_fds fds"
check "the 50 traces share one packet capture (the daemon held 1 AF_PACKET socket at most, and did hold it)" \
  test "$max_packet" = 1
check "... and at most one raw sink per family" test "$max_raw" -le 2
for _ in $(seq 20); do (( $(daemon_sockets 9 "/proc/$daemon_pid/net/packet") == 0 )) && break; sleep 0.1; done
check "... closed once no trace runs" test "$(daemon_sockets 9 "/proc/$daemon_pid/net/packet")" = 0

# --- 1e. reverse DNS through the system resolver settings, answered by a fake DNS -------
# server on the client namespace's loopback (its resolv.conf points there).
ip netns exec "${prefix}c" python3 "$here/../testutils/fake_dns.py" 127.0.0.1 53 \
  "192.0.2.6=r1.example." "192.0.2.10=r2.example.,r2-alias.example." "203.0.113.5=dst.example." \
  "2001:db8:1:1::2=r1v6.example." >"$work/dns.log" 2>&1 &
dns_pid=$!
wait_udp_port "${prefix}c" 53
trace rdns --proto icmp -q 2 -Q 1 --timeout 1000 -m 15 --reverse-dns 203.0.113.5
check "reverse DNS trace exits 0" test "$(cat "$work/rdns.rc")" = 0
judge rdns --hops "$hops" --runs 2 --e2e 1 --reverse-dns "1=r1.example. 2=r2.example.,r2-alias.example. 9=dst.example." \
  --dest-names dst.example.
trace rdns6 --proto udp -q 1 -Q 0 --timeout 1000 -m 15 --reverse-dns 2001:db8:ffff::5
judge rdns6 --hops "$hops6" --runs 1 --e2e 0 --source 2001:db8:1:1::1 --protocol udp --run-port 33434 \
  --reverse-dns "1=r1v6.example."
kill "$dns_pid"; wait "$dns_pid" 2>/dev/null

trace sackclosed --proto tcp --tcp-method sack -p 80 -q 1 -Q 0 --timeout 1000 203.0.113.5
check "sack to a closed port exits 1" test "$(cat "$work/sackclosed.rc")" = 1
check "... saying SACK is not supported for this target (upstream's words)" \
  grep -q 'SACK not supported for this target/source' "$work/sackclosed.err"
check "... word for word as the Go tool (wrapping, addr:port, lower-case errno text)" \
  grep -qF 'sack traceroute failed: SACK not supported for this target/source: sack traceroute failed to dial: failed to dial 203.0.113.5:80: dial tcp 203.0.113.5:80: connect: connection refused' "$work/sackclosed.err"

# --- 1f. the public IP, from local fake checkers: a 404 first (skipped), a dead port
# (retried, then skipped), then one that answers.
mkdir -p "$work/www"
printf '  198.51.100.77\n' >"$work/www/ip"
ip netns exec "${prefix}c" python3 -m http.server 8081 --bind 127.0.0.1 --directory "$work/www" \
  >"$work/http.log" 2>&1 &
http_pid=$!
for _ in $(seq 50); do ip netns exec "${prefix}c" ss -Htln 'sport = :8081' | grep -q . && break; sleep 0.1; done
trace pubip --proto icmp -q 1 -Q 0 --timeout 1000 -m 15 --source-public-ip 203.0.113.5
check "public IP trace exits 0" test "$(cat "$work/pubip.rc")" = 0
check "... source.public_ip is the checker's answer" \
  python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["source"]["public_ip"] != "198.51.100.77")' "$work/pubip.json"
check "... after a 404 from the first checker" grep -q '"GET /missing HTTP/1.1" 404' "$work/http.log"
kill "$http_pid"; wait "$http_pid" 2>/dev/null

# --- 1h. golden documents per protocol (one run, one e2e probe; volatile values masked) ---
golden_dir=$here/golden
for spec in "icmp4|icmp|203.0.113.5|--source 192.0.2.5" "udp4|udp|203.0.113.5|--run-port 33434" \
            "tcp4|tcp|203.0.113.5:443|--port 33434 --run-port 443 --target 203.0.113.5:443" \
            "icmp6|icmp|2001:db8:ffff::5|--source 2001:db8:1:1::1" \
            "udp6|udp|2001:db8:ffff::5|--source 2001:db8:1:1::1 --run-port 33434" \
            "tcp6|tcp|[2001:db8:ffff::5]:443|--source 2001:db8:1:1::1 --run-port 443 --target [2001:db8:ffff::5]:443"; do
  IFS='|' read -r name proto target extra <<<"$spec"
  family_hops=$hops; [[ $name == *6 ]] && family_hops=$hops6
  trace "golden-$name" --proto "$proto" -q 1 -Q 1 --timeout 1000 -m 15 "$target"
  # shellcheck disable=SC2086
  judge "golden-$name" --hops "$family_hops" --runs 1 --e2e 1 --protocol "$proto" $extra \
    --golden "$golden_dir/$name.json" ${DDTR_WRITE_GOLDEN:+--write-golden}
done

# --- 1g. a filtered target and a filtered TCP port: the routers answer, then silence ------
routers=${hops% 203.0.113.5 }
trace filtered --proto icmp -q 1 -Q 2 --timeout 300 -m 12 203.0.113.66
check "a filtered target still gives a result (exit 0)" test "$(cat "$work/filtered.rc")" = 0
judge filtered --hops "$routers" --unreached 12 --target 203.0.113.66 --runs 1 --e2e 2
trace filteredport --proto tcp -p 81 -q 1 -Q 1 --timeout 300 -m 12 203.0.113.5
check "a filtered TCP port still gives a result (exit 0)" test "$(cat "$work/filteredport.rc")" = 0
judge filteredport --hops "$routers" --unreached 12 --target 203.0.113.5 --runs 1 --e2e 1 --protocol tcp \
  --port 81 --run-port 81

# --- 2. the same network with router 3 silent, both families, both protocols -----------
kill_daemon
"$topology" up "$prefix" --routers 8 --silent-hop 3
check "daemon restarts on the silent-hop network" start_daemon "$socket" "${daemon_flags[@]}"
trace silent --proto icmp -q 2 -Q 2 --timeout 500 -m 15 203.0.113.5
check "silent-hop trace exits 0" test "$(cat "$work/silent.rc")" = 0
judge silent --hops "$hops" --runs 2 --e2e 2 --silent 3
trace silent_udp6 --proto udp -q 1 -Q 1 --timeout 500 -m 15 2001:db8:ffff::5
judge silent_udp6 --hops "$hops6" --runs 1 --e2e 1 --silent 3 --source 2001:db8:1:1::1 --protocol udp --run-port 33434

# --- 2b. ECMP at router 4: Paris-style probes keep one branch per run ----------------------
kill_daemon
"$topology" up "$prefix" --routers 8 --ecmp-hop 4
check "daemon restarts on the ECMP network" start_daemon "$socket" "${daemon_flags[@]}"
for p in udp tcp icmp; do
  case $p in
    udp) trace_args=(); judge_args=(--run-port 33434) ;;
    tcp) trace_args=(-p 443); judge_args=(--port 443 --run-port 443) ;;
    icmp) trace_args=(); judge_args=() ;;
  esac
  trace "ecmp-$p" --proto "$p" "${trace_args[@]}" -q 8 -Q 1 --timeout 1000 -m 15 203.0.113.5
  check "ECMP $p exits 0" test "$(cat "$work/ecmp-$p.rc")" = 0
  judge "ecmp-$p" --hops "$hops" --runs 8 --e2e 1 --ecmp 4 --protocol "$p" "${judge_args[@]}"
done

# --- 2c. 20 % loss at router 4: the trace completes; lost probes are empty hops -----------
kill_daemon
"$topology" up "$prefix" --routers 8 --lossy-hop 4
check "daemon restarts on the lossy network" start_daemon "$socket" "${daemon_flags[@]}"
trace lossy --proto icmp -q 3 -Q 5 --timeout 500 -m 15 203.0.113.5
check "lossy ICMP exits 0" test "$(cat "$work/lossy.rc")" = 0
judge lossy --hops "$hops" --runs 3 --e2e 5 --lossy
trace lossy6 --proto udp -q 3 -Q 5 --timeout 500 -m 15 2001:db8:ffff::5
check "lossy UDP over IPv6 exits 0" test "$(cat "$work/lossy6.rc")" = 0
judge lossy6 --hops "$hops6" --runs 3 --e2e 5 --lossy --source 2001:db8:1:1::1 --protocol udp --run-port 33434

# --- 3. errors --------------------------------------------------------------------------
trace nopubip --proto icmp -q 1 -Q 0 --timeout 500 --source-public-ip 203.0.113.5
check "no public IP checker answering: the trace still succeeds" test "$(cat "$work/nopubip.rc")" = 0
check "... with public_ip \"\"" python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["source"]["public_ip"] != "")' "$work/nopubip.json"

trace badflag --proto icmp -p notaport 203.0.113.5
check "a bad flag exits 2" test "$(cat "$work/badflag.rc")" = 2
check "... with pflag's message" grep -q 'invalid argument "notaport" for "-p, --port" flag' "$work/badflag.err"

trace dns --proto icmp -q 1 -Q 0 no-such-host.invalid
check "an unresolvable target exits 1" test "$(cat "$work/dns.rc")" = 1
check "... with code DNS" grep -q '(code DNS)' "$work/dns.err"

as_nobody "$work/datadog-traceroute" --socket "$work/run/missing.sock" --proto icmp 203.0.113.5 \
  >"$work/nosock.json" 2>"$work/nosock.err"
check "a missing daemon socket exits 1" test $? = 1
check "... naming the socket and how to start the daemon" \
  grep -q "cannot reach the traceroute daemon at $work/run/missing.sock.*datadog-tracerouted --foreground" "$work/nosock.err"

# --- 4. a client that goes away cancels its trace --------------------------------------
# Started directly (not through the as_nobody function, which would put a
# subshell between $! and the client).
ip netns exec "${prefix}c" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
  "$work/datadog-traceroute" --socket "$socket" --proto icmp -Q 20 203.0.113.9 >/dev/null 2>&1 &
client=$!
for _ in $(seq 50); do grep -q "target=\"203.0.113.9\"" "$work/daemon.log" && break; sleep 0.1; done
kill -KILL "$client"; wait "$client" 2>/dev/null
sleep 1
check "the daemon cancels (within 1 s) the trace of a client that was killed" grep -q "trace cancelled: uid=65534" "$work/daemon.log"

# --- 4b. the seed's per-run capture (--per-trace-capture) still traces every method right --
kill_daemon
"$topology" up "$prefix" --routers 8
check "daemon starts with --per-trace-capture" start_daemon "$socket" "${daemon_flags[@]}" --per-trace-capture
pids=()
trace pertrace-icmp4 --proto icmp -q 2 -Q 1 --timeout 1000 -m 15 203.0.113.5 & pids+=($!)
trace pertrace-udp6 --proto udp -q 2 -Q 1 --timeout 1000 -m 15 2001:db8:ffff::5 & pids+=($!)
trace pertrace-tcp4 --proto tcp -p 443 -q 2 -Q 1 --timeout 1000 -m 15 203.0.113.5 & pids+=($!)
wait "${pids[@]}"
judge pertrace-icmp4 --hops "$hops" --runs 2 --e2e 1
judge pertrace-udp6 --hops "$hops6" --runs 2 --e2e 1 --source 2001:db8:1:1::1 --protocol udp --run-port 33434
judge pertrace-tcp4 --hops "$hops" --runs 2 --e2e 1 --protocol tcp --port 443 --run-port 443

# --- 5. clean shutdown, and no start without CAP_NET_RAW -------------------------------
kill -TERM "$daemon_pid"
for _ in $(seq 50); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$daemon_pid" 2>/dev/null; then not_ok "daemon exits within 5 s of SIGTERM"; else
  wait "$daemon_pid"; rc=$?; daemon_pid=""
  check "daemon exits 0 on SIGTERM" test "$rc" = 0
fi
check "daemon removed its socket" test ! -e "$socket"

as_nobody "$work/datadog-tracerouted" --foreground --socket "$work/run/unpriv.sock" >"$work/unpriv.out" 2>&1
check "daemon without CAP_NET_RAW exits non-zero" test $? != 0
check "... saying it needs CAP_NET_RAW" grep -q CAP_NET_RAW "$work/unpriv.out"

if (( failed > 0 )); then echo "--- daemon log"; cat "$work/daemon.log"; fi
finish_checks
