#!/usr/bin/env bash
# Many targets from one client: one daemon connection, --parallel traces in
# flight, one JSON line per target in completion order; one target is still
# exactly the Go document.
#   batch_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh
checker=$here/../testutils/check_trace.py
require_root_and_netns

prefix="ba$(( $$ % 10000 ))"
make_work batch
trap clean_up_suite EXIT

"$topology" up "$prefix" --routers 3
routers=$("$topology" hops "$prefix" --routers 3 | head -n 3 | tr '\n' ' ')
hops6=$("$topology" hops6 "$prefix" --routers 3 | tr '\n' ' ')
cat >"$work/daemon.json" <<EOF
{"roles": {"user": {"rate_per_minute": 100000, "burst": 100000}}, "audit_log": "$work/audit.log"}
EOF
# --user root: uid 0 with CAP_NET_RAW alone whether or not the package's user exists here
start_daemon "$socket" --user root --config "$work/daemon.json"

printf '# a comment, then targets\n203.0.113.7\n\n2001:db8:ffff::5\n' >"$work/targets.txt"
chmod 644 "$work/targets.txt"
as_nobody "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 1 -Q 0 -m 8 --timeout 2000 --parallel 3 \
  203.0.113.66 203.0.113.5 no-such-host.invalid 203.0.113.6 --targets-file "$work/targets.txt" \
  >"$work/batch.jsonl" 2>"$work/batch.err"
check "a batch with one failed target exits 1" test $? = 1
check "one line per target (6)" test "$(wc -l <"$work/batch.jsonl")" = 6
check "every line is one JSON document" python3 -c '
import json, sys
for line in open(sys.argv[1]): json.loads(line)' "$work/batch.jsonl"
check "the unresolvable target is a line with its error" python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
errors = [l for l in lines if "error" in l]
sys.exit(0 if len(errors) == 1 and errors[0]["target"] == "no-such-host.invalid" and errors[0]["error"]["code"] == "DNS" else 1)' \
  "$work/batch.jsonl"
check "lines come in completion order: the filtered target (a 2 s timeout) last" python3 -c '
import json, sys
last = json.loads(open(sys.argv[1]).read().splitlines()[-1])
sys.exit(0 if last.get("destination", {}).get("hostname") == "203.0.113.66" else 1)' "$work/batch.jsonl"
# Each successful line is the Go document for its target: judge its hops.
python3 - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
for line in open(f"{work}/batch.jsonl"):
    doc = json.loads(line)
    if "destination" in doc:
        name = doc["destination"]["hostname"].replace(":", "_")
        # The checker reads the CLI's layout (2-space indent, one newline).
        with open(f"{work}/one-{name}.json", "w") as out:
            out.write(json.dumps(doc, indent=2) + "\n")
EOF
for target in 203.0.113.5 203.0.113.6 203.0.113.7; do
  out=$(python3 "$checker" "$work/one-$target.json" --label "batch $target" --protocol icmp --runs 1 --e2e 0 \
        --hops "$routers$target" 2>&1); rc=$?
  echo "$out"
  passed=$(( passed + $(grep -c '^ok - ' <<<"$out" || true) ))
  failed=$(( failed + $(grep -c '^not ok - ' <<<"$out" || true) ))
  (( rc == 0 )) || grep -q '^not ok - ' <<<"$out" || not_ok "batch $target: the checker failed"
done
out=$(python3 "$checker" "$work/one-2001_db8_ffff__5.json" --label "batch 2001:db8:ffff::5" --protocol icmp --runs 1 \
      --e2e 0 --hops "$hops6" --source 2001:db8:1:1::1 2>&1); rc=$?
echo "$out"
passed=$(( passed + $(grep -c '^ok - ' <<<"$out" || true) ))
failed=$(( failed + $(grep -c '^not ok - ' <<<"$out" || true) ))
(( rc == 0 )) || grep -q '^not ok - ' <<<"$out" || not_ok "batch v6: the checker failed"
check "the whole batch used one connection" test "$(grep -c 'connection from uid=65534' "$work/daemon.log")" = 1
check "never more than --parallel (3) traces of the batch ran at once" python3 -c '
import json, sys
spans = []
for l in open(sys.argv[1]):
    a = json.loads(l)
    if a["uid"] != 65534: continue
    from datetime import datetime
    t = datetime.strptime(a["time"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() * 1000
    spans.append((t, t + a["duration_ms"]))
events = sorted([(s, 1) for s, e in spans] + [(e, -1) for s, e in spans], key=lambda x: (x[0], x[1]))
live = peak = 0
for _, d in events:
    live += d; peak = max(peak, live)
sys.exit(0 if len(spans) == 6 and peak <= 3 else 1)' "$work/audit.log"

as_nobody "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 1 -Q 0 -m 8 203.0.113.5 >"$work/single.json"
check "one target is still the Go document (indented, one document)" python3 -c '
import json, sys
text = open(sys.argv[1]).read()
doc = json.loads(text)
sys.exit(0 if text.startswith("{\n  \"test_run_id\"") and doc["destination"]["hostname"] == "203.0.113.5" else 1)' "$work/single.json"

printf '# nothing here\n\n' >"$work/empty.txt"; chmod 644 "$work/empty.txt"
as_nobody "$work/datadog-traceroute" --socket "$socket" --targets-file "$work/empty.txt" >/dev/null 2>"$work/empty.err"
check "a targets file with no targets exits 2" test $? = 2
as_nobody "$work/datadog-traceroute" --socket "$socket" --targets-file "$work/missing.txt" >/dev/null 2>"$work/missing.err"
check "a missing targets file exits 2, naming it" grep -q "cannot read --targets-file $work/missing.txt" "$work/missing.err"

if (( failed > 0 )); then echo "--- batch"; cat "$work/batch.jsonl" "$work/batch.err"; tail -30 "$work/daemon.log"; fi
finish_checks
