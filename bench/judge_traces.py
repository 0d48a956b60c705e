#!/usr/bin/env python3
"""Judges many traces against fakenet's topology: correctness and RTT error.

    judge_traces.py TOPOLOGY DELAY_MS ours FILE...      (datadog-traceroute JSON documents)
    judge_traces.py TOPOLOGY DELAY_MS scamper FILE      (scamper -O json, many traces)

Prints one JSON object: traces, correct, wrong_hops (an address reported at a
TTL where the topology cannot have it: a misattributed reply), lost_hops,
rtt_err_ms_median, rtt_err_ms_p95 (|RTT - 2 x TTL x DELAY| over answered hops).
check_hops.py (../shared/tools, beside fakenet.sh) does the judging per trace.
"""
import json
import os
import sys


def load_check_hops(topology):
    here = os.path.dirname(os.path.abspath(__file__))
    for d in (os.environ.get("FAKENET_TOOLS", ""), os.path.join(here, "../../shared/tools"),
              os.path.join(here, "../../../shared/tools"), "/work/shared/tools"):
        if d and os.path.exists(os.path.join(d, "check_hops.py")):
            sys.path.insert(0, d)
            break
    import check_hops  # noqa: E402
    return check_hops, check_hops.load_topology(topology)


def ours(files):
    """(Trace, [(ttl, rtt_ms)]) per document: every run of it."""
    for fn in files:
        try:
            doc = json.load(open(fn))
        except (OSError, ValueError):
            yield None, []
            continue
        for run in doc["traceroute"]["runs"] or []:
            hops = [{"ttl": h["ttl"], "addr": h["ip_address"] or None}
                    for h in run["hops"]]
            rtts = [(h["ttl"], h["rtt"]) for h in run["hops"] if h["rtt"]]
            yield {"dst": run["destination"]["ip_address"], "hops": hops}, rtts


def scamper(path):
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        d = json.loads(line)
        if d.get("type") != "trace":
            continue
        hops = [{"ttl": h["probe_ttl"], "addr": h.get("addr")} for h in d.get("hops", [])]
        rtts = [(h["probe_ttl"], h["rtt"]) for h in d.get("hops", []) if "rtt" in h]
        yield {"dst": d["dst"], "hops": hops}, rtts


def main():
    topology, delay, kind, files = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4:]
    check_hops, topo = load_check_hops(topology)
    source = ours(files) if kind == "ours" else scamper(files[0])
    traces = correct = wrong = lost = 0
    errors = []
    for neutral, rtts in source:
        traces += 1
        if neutral is None:
            continue
        [trace] = check_hops.parse_hops_json(json.dumps(neutral))
        verdict = check_hops.judge(trace, topo)
        correct += verdict["ok"]
        wrong += sum(1 for p in verdict["problems"] if "unexpected" in p or "beyond" in p)
        lost += sum(1 for p in verdict["problems"] if "no reply" in p or "not reached" in p)
        errors += [abs(rtt - 2 * ttl * delay) for ttl, rtt in rtts]
    errors.sort()
    pick = lambda q: round(errors[min(len(errors) - 1, int(q * len(errors)))], 3) if errors else None
    print(json.dumps({"traces": traces, "correct": correct, "wrong_hops": wrong, "lost_hops": lost,
                      "rtt_err_ms_median": pick(0.5), "rtt_err_ms_p95": pick(0.95)}))


if __name__ == "__main__":
    main()
