#!/usr/bin/env bash
# run_target.sh BINARY SEED_DIR WORK_DIR SECONDS: fuzzes one target for SECONDS
# on a fresh copy of its seeds (libFuzzer adds what it finds to the corpus it
# runs on; the checked-in one must not grow), keeps crashing inputs in
# WORK_DIR/artifacts/, and prints "<target>: <N> executions in <S>s". Exits with
# the fuzzer's status: non-zero on a crash, a sanitizer report, a leak or a hang.
set -euo pipefail
binary=$1 seeds=$2 work=$3 seconds=$4
name=$(basename "$binary")
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
cp -r "$seeds"/. "$work/corpus/"
status=0
"$binary" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
  "$work/corpus" >"$work/log" 2>&1 || status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
if (( status != 0 )); then
  tail -n 40 "$work/log" >&2
  echo "$name: FAILED (exit $status) after ${runs:-?} executions; log $work/log, inputs in $work/artifacts/" >&2
else
  echo "$name: ${runs:-?} executions in ${seconds}s"
fi
exit "$status"
