#!/usr/bin/env bash
# Issue 14, items 2, 6 and 10, as an attacker would try them against one daemon
# (root, in a namespace network), every client an unprivileged uid:
#  - refusals cost the refuser: 20 000 refused trace calls over one connection
#    (tests/hostile/refusal_flood) leave the diagnostic and audit logs grown by
#    a bounded amount and one summary line, each caller still gets its typed
#    error; the same flood with the budget off shows what it would cost; a
#    30 MB target is refused by its size and logged clipped; a bad HTTP token
#    does not get its target into the audit; caller text is escaped in the log;
#  - denied destinations are refused in every spelling: 169.254.169.254 and an
#    operator's 203.0.113.77 inside every IPv6 form that carries an IPv4
#    address, through the real client as nobody;
#  - the audit line of an allowed trace records what was done (address, port,
#    TTLs, source ports), and of a name that resolved to a denied address, which.
#   hostile_policy_test.sh BIN_DIR REFUSAL_FLOOD
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR REFUSAL_FLOOD}
flood_bin=${2:?usage: $0 BIN_DIR REFUSAL_FLOOD}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh

require_root_and_netns

prefix="hp$(( $$ % 10000 ))"
make_work hostile-policy
cleanup() {
  stop_jobs
  clean_up_suite
  rm -rf "/etc/netns/${prefix}c"
}
trap cleanup EXIT

install -m 0755 "$flood_bin" "$work/"
token=hostile-suite-token
digest=$(printf %s "$token" | sha256sum | cut -d' ' -f1)

# as UID CMD...: in the client namespace, no capabilities at all. Only nobody
# has a name; the others are bare uids, so the test adds no accounts.
as() {
  local user=$1; shift
  local gid=$user; [[ $user == nobody ]] && gid=nogroup
  ip netns exec "${prefix}c" setpriv --reuid="$user" --regid="$gid" --clear-groups \
    --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
}
bytes() { stat -c %s "$1" 2>/dev/null || echo 0; }
log_count() { grep -c -- "$1" "$work/daemon.log" || true; }
wait_log_count() {  # wait_log_count PATTERN N [TRIES]: until the daemon log has N lines matching (0.1 s a try)
  for _ in $(seq "${3:-100}"); do (( $(log_count "$1") >= $2 )) && return 0; sleep 0.1; done
  return 1
}
audit() {  # audit PYTHON-EXPR over `lines` (the audit log's JSON objects)
  python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
print(eval(sys.argv[2]))' "$work/audit.log" "$1"
}
flood_field() {  # flood_field NAME PYTHON-EXPR over `r` (refusal_flood's JSON line)
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$work/$1.json" "$2"
}
fd_count() { ls "/proc/$daemon_pid/fd" | wc -l; }

write_config() {  # write_config REFUSAL-BURST
  cat >"$work/daemon.json.new" <<JSON
{
  "global": {"refusal_burst": $1, "refusals_per_minute": 10},
  "roles": {"user": {"rate_per_minute": 6000, "burst": 1000}},
  "destinations": {"deny": ["203.0.113.77"]},
  "http": {"enabled": true, "listen": "127.0.0.1:3765", "tokens": [{"name": "ops", "sha256": "$digest"}]},
  "audit_log": "$work/audit.log"
}
JSON
  mv "$work/daemon.json.new" "$work/daemon.json"
}

"$topology" up "$prefix" --routers 3
# A name that resolves to the metadata address, for the after-resolution rule.
mkdir -p "/etc/netns/${prefix}c"
echo "169.254.169.254 metadata.test" >"/etc/netns/${prefix}c/hosts"

write_config 20
check "the policy file validates (--check-config)" "$work/datadog-tracerouted" --check-config --config "$work/daemon.json"
ip netns exec "${prefix}c" "$work/datadog-tracerouted" --foreground --user root --socket "$socket" --config "$work/daemon.json" \
  >>"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do [[ -S $socket ]] && break; sleep 0.1; done
check "daemon started" test -S "$socket"

# --- item 10: the audit records what was done -------------------------------------------------------
as nobody "$work/datadog-traceroute" --socket "$socket" --proto udp -q 1 -Q 0 -m 8 203.0.113.5:33500 \
  >"$work/allowed.json" 2>"$work/allowed.err"
check "an allowed trace with a host:port target succeeds" test $? = 0
baseline_fds=$(fd_count)
check "its audit line carries the effective options (address, the port of host:port, TTLs as sent, source ports)" \
  test "$(audit '[(l["options"]["port"], l["effective"]["address"], l["effective"]["port"], l["effective"]["probed"],
    l["effective"]["min_ttl"], l["effective"]["max_ttl"], l["effective"]["protocol"], len(l["effective"]["source_ports"]) > 0)
    for l in lines if l["target"] == "203.0.113.5:33500"]')" = "[(33434, '203.0.113.5', 33500, True, 1, 8, 'udp', True)]"
as nobody "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 1 -Q 0 -m 8 metadata.test \
  >/dev/null 2>"$work/metadata_name.err"
check "a name resolving to the metadata address is refused" grep -q '(code POLICY_DENIED)' "$work/metadata_name.err"
check "... and audited with the address it resolved to, not probed" \
  test "$(audit '[(l["effective"]["address"], l["effective"]["probed"], l["effective"]["port"]) for l in lines if l["target"] == "metadata.test"]')" = "[('169.254.169.254', False, None)]"
check "a refused request has no effective options" \
  test "$(audit 'all(l["effective"] is None for l in lines if l.get("verdict") == "refused")')" = True
grep '"target":"203.0.113.5:33500"' "$work/audit.log" | sed 's/^/# audit: /'

# --- item 6: denied in every spelling, through the real client as nobody -----------------------------
spellings=(
  "169.254.169.254|169.254.0.0/16|plain"
  "::ffff:169.254.169.254|169.254.0.0/16|IPv4-mapped"
  "::169.254.169.254|169.254.0.0/16|IPv4-compatible"
  "64:ff9b::169.254.169.254|169.254.0.0/16|NAT64 well-known prefix"
  "64:ff9b:1:a9fe:a9:fe00::|169.254.0.0/16|NAT64 local-use prefix"
  "2002:a9fe:a9fe::1|169.254.0.0/16|6to4"
  "2001:0:a9fe:a9fe::1|169.254.0.0/16|Teredo server"
  "2001:0:4136:e378:8000:63bf:5601:5601|169.254.0.0/16|Teredo client"
  "[64:ff9b::a9fe:a9fe]:33434|169.254.0.0/16|NAT64, [v6]:port"
  "203.0.113.77|203.0.113.77 (destinations.deny)|plain"
  "::ffff:203.0.113.77|203.0.113.77 (destinations.deny)|IPv4-mapped"
  "::203.0.113.77|203.0.113.77 (destinations.deny)|IPv4-compatible"
  "64:ff9b::203.0.113.77|203.0.113.77 (destinations.deny)|NAT64 well-known prefix"
  "64:ff9b:1:cb00:71:4d00::|203.0.113.77 (destinations.deny)|NAT64 local-use prefix"
  "2002:cb00:714d::1|203.0.113.77 (destinations.deny)|6to4"
  "2001:0:cb00:714d::1|203.0.113.77 (destinations.deny)|Teredo server"
  "2001:0:4136:e378:8000:63bf:34ff:8eb2|203.0.113.77 (destinations.deny)|Teredo client"
)
for row in "${spellings[@]}"; do
  IFS='|' read -r target rule form <<<"$row"
  as nobody "$work/datadog-traceroute" --socket "$socket" --proto udp -q 1 -Q 0 -m 8 "$target" \
    >/dev/null 2>"$work/spelling.err"
  rc=$?
  if [[ $rc == 1 ]] && grep -q '(code POLICY_DENIED)' "$work/spelling.err" && grep -qF "is denied by $rule" "$work/spelling.err"; then
    ok "$target ($form) is refused: denied by $rule"
  else
    not_ok "$target ($form) is refused: denied by $rule (exit $rc)"; cat "$work/spelling.err"
  fi
done
# (Neighbours that must stay allowed are in the unit tests: an allowed IPv6
# spelling would send probes to an address outside this test's namespaces.)

# --- item 2: refusals cost the refuser ---------------------------------------------------------------
N=20000
# Without the budget first (as the daemon was before), for the comparison; uid 40021.
write_config 1000000
kill -HUP "$daemon_pid"; wait_log_count 'policy reloaded' 1
diag0=$(bytes "$work/daemon.log"); audit0=$(bytes "$work/audit.log")
start=$(date +%s%N)
as 40021 "$work/refusal_flood" "$socket" "$N" 169.254.169.254 >"$work/unbudgeted.json"
unbudgeted_ms=$(( ($(date +%s%N) - start) / 1000000 ))
diag1=$(bytes "$work/daemon.log"); audit1=$(bytes "$work/audit.log")
check "without a budget: every call refused POLICY_DENIED" test "$(flood_field unbudgeted 'r["codes"].get("POLICY_DENIED")')" = "$N"
echo "# without the budget: $N refusals took ${unbudgeted_ms} ms; diagnostic log +$(( diag1 - diag0 )) bytes, audit log +$(( audit1 - audit0 )) bytes"

# With the default budget (20 in a row, 10 a minute after): nobody floods.
write_config 20
kill -HUP "$daemon_pid"; wait_log_count 'policy reloaded' 2
diag0=$(bytes "$work/daemon.log"); audit0=$(bytes "$work/audit.log")
flood_start=$(date +%s)
start=$(date +%s%N)
as nobody "$work/refusal_flood" "$socket" "$N" 169.254.169.254 >"$work/budgeted.json"
budgeted_ms=$(( ($(date +%s%N) - start) / 1000000 ))
diag1=$(bytes "$work/daemon.log"); audit1=$(bytes "$work/audit.log")
check "with the budget: every one of the $N calls got its typed error (POLICY_DENIED)" \
  test "$(flood_field budgeted '(r["codes"], r["transport_errors"], r["answered"])')" = "({'POLICY_DENIED': $N}, 0, $N)"
check "... and the message says why" grep -q 'is denied by 169.254.0.0/16' <(flood_field budgeted 'r["first_message"]')
check "the diagnostic log grew by at most 32 KiB ($(( diag1 - diag0 )) bytes)" test $(( diag1 - diag0 )) -le 32768
check "the audit log grew by at most 32 KiB ($(( audit1 - audit0 )) bytes)" test $(( audit1 - audit0 )) -le 32768
echo "# with the budget: $N refusals took ${budgeted_ms} ms; diagnostic log +$(( diag1 - diag0 )) bytes, audit log +$(( audit1 - audit0 )) bytes"
check "the daemon is alive after the flood" kill -0 "$daemon_pid"

# A second user's refusals are still logged while nobody's are suppressed.
as 40022 "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 1 -Q 0 -m 8 169.254.169.254 >/dev/null 2>&1
check "another user's refusal is logged one by one" test "$(log_count 'trace refused: uid=40022 ')" = 1

# A 30 MB target: refused by its size, logged and audited clipped (uid 40023, a fresh budget).
diag0=$(bytes "$work/daemon.log"); audit0=$(bytes "$work/audit.log")
as 40023 "$work/refusal_flood" "$socket" 1 @31457280 1 >"$work/huge.json"
diag1=$(bytes "$work/daemon.log"); audit1=$(bytes "$work/audit.log")
huge_result=$(flood_field huge '"typed" if r["codes"].get("INVALID_REQUEST") == 1 else ("cut" if r["transport_errors"] else "other")')
check "a 30 MB target gets INVALID_REQUEST, or its connection is cut by the message size limit ($huge_result)" \
  test "$huge_result" != other
if [[ $huge_result == typed ]]; then
  check "... naming the size" grep -q 'the target is 31457280 bytes, longer than the 260 bytes' <(flood_field huge 'r["first_message"]')
  check "... audited with its length and a 64-byte prefix" \
    test "$(audit '[(l["target_bytes"], len(l["target"]) < 100) for l in lines if l.get("uid") == 40023]')" = "[(31457280, True)]"
fi
check "the logs grew by at most 4 KiB for it (diagnostic +$(( diag1 - diag0 )), audit +$(( audit1 - audit0 )))" \
  test $(( diag1 - diag0 + audit1 - audit0 )) -le 4096
check "the daemon is alive after the 30 MB target" kill -0 "$daemon_pid"

# Quotes and control bytes a caller writes are escaped in the diagnostic log (uid 40024).
as 40024 "$work/refusal_flood" "$socket" 1 $'evil" forged=1\nfake line' 1 >/dev/null
check "a quote and a newline in a target are escaped in the log" grep -qF 'target="evil\x22 forged=1\x0afake line"' "$work/daemon.log"
check "... and forge no line" test "$(log_count '^fake line')" = 0

# HTTP: a bad token is refused 401 and its target stays out of the audit (64 bytes of it at most).
long_target=$(head -c 3000 /dev/zero | tr '\0' b)
code=$(ip netns exec "${prefix}c" curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' \
  "http://127.0.0.1:3765/traceroute?target=$long_target&protocol=icmp")
check "HTTP with a bad token and a 3000-byte target: 401" test "$code" = 401
code=$(ip netns exec "${prefix}c" curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' \
  "http://127.0.0.1:3765/traceroute?target=$(head -c 200 /dev/zero | tr '\0' c).example&protocol=icmp")
check "HTTP with a bad token and a 208-byte target: 401" test "$code" = 401
check "... both audited UNAUTHORIZED with their length and at most a 64-byte prefix" \
  test "$(audit '[(l["target_bytes"], len(l["target"]) < 100) for l in lines if l["source"] == "http" and l["error"]["code"] == "UNAUTHORIZED"]')" = "[(3000, True), (208, True)]"

# One summary for nobody's suppressed refusals, once its minute is over.
check "nobody's refusals past the budget end in one summary line (diagnostic)" \
  wait_log_count 'trace refusals: uid=65534 (nobody): [0-9]* refusals suppressed in the last 6[0-9] s (POLICY_DENIED' 1 900
grep 'trace refusals: ' "$work/daemon.log" | sed 's/^/# /'
summary=$(audit '[(l["caller"], l["suppressed"], sorted(l["codes"])) for l in lines if l.get("event") == "refusals_suppressed"]')
check "... and one audit line ($summary)" python3 -c '
import sys; rows = eval(sys.argv[1]); n = int(sys.argv[2])
sys.exit(0 if len(rows) == 1 and rows[0][0] == "uid=65534 (nobody)" and n - 40 <= rows[0][1] <= n and rows[0][2] == ["POLICY_DENIED"] else 1)' "$summary" "$N"
logged=$(log_count 'trace refused: uid=65534 ')
echo "# nobody: $logged refusals logged one by one (the spellings and the burst), the rest in the summary; $(( $(date +%s) - flood_start )) s after the flood"

# --- the daemon afterwards ---------------------------------------------------------------------------
check "the daemon is alive" kill -0 "$daemon_pid"
check "every audit line is JSON" test "$(audit 'len(lines)')" = "$(wc -l <"$work/audit.log")"
sleep 0.5
final_fds=$(fd_count)
echo "# daemon descriptors: after the first trace $baseline_fds, at the end $final_fds"
check "the daemon's descriptors are back to their baseline" test "$final_fds" -le "$baseline_fds"

if (( failed > 0 )); then echo "--- daemon log (tail)"; tail -40 "$work/daemon.log" | cut -c1-400; fi
finish_checks
