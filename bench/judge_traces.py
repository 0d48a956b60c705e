#!/usr/bin/env python3
"""Judges many traces against fakenet's topology: correctness and RTT error.

    judge_traces.py TOPOLOGY DELAY_MS ours FILE...      (datadog-traceroute JSON documents, or
                                                         the batch client's JSON lines)
    judge_traces.py TOPOLOGY DELAY_MS scamper FILE      (scamper -O json, many traces)
    judge_traces.py TOPOLOGY DELAY_MS traceroute FILE   (traceroute -n -q 1 text)
    judge_traces.py TOPOLOGY DELAY_MS mtr FILE          (mtr --report -n -c 1 text; needs --target)
    ... [--target ADDR] [--pcap CAPTURE] [--raw]
--target: the traced address, for mtr's report, which does not name it;
--pcap: also compare with the wire (wire_rtt.py); --raw: the lists of errors
instead of their median and p95, for a caller that pools several runs.

Prints one JSON object: traces, correct, wrong_hops (an address reported at a
TTL where the topology cannot have it: a misattributed reply), lost_hops,
rtt_err_ms_median, rtt_err_ms_p95 (|RTT - 2 x TTL x DELAY| over answered hops).
With --pcap (a capture in the client namespace): tool_vs_wire_ms median/p95/max
(|tool RTT - wire RTT| of the same probe: the tool's own error; where several
traces went to one address, the probe with the nearest wire RTT) and
wire_err_ms median/p95 (|wire RTT - 2 x TTL x DELAY|: the fake network's).
check_hops.py (../shared/tools, beside fakenet.sh) does the judging per trace.
"""
import json
import os
import re
import subprocess
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


def documents(fn):
    """A file holds one JSON document, or one per line (the batch client)."""
    try:
        text = open(fn).read()
    except OSError:
        return [None]
    try:
        return [json.loads(text)]
    except ValueError:
        pass
    docs = []
    for line in text.splitlines():
        try:
            docs.append(json.loads(line) if line.strip() else None)
        except ValueError:
            docs.append(None)
    return [d for d in docs if d is not None] or [None]


def ours(files):
    """(Trace, [(ttl, rtt_ms)]) per document: every run of it."""
    for fn in files:
        for doc in documents(fn):
            if doc is None or "traceroute" not in doc:
                yield None, []
                continue
            yield from ours_doc(doc)


def ours_doc(doc):
    for run in doc["traceroute"]["runs"] or []:
        hops = [{"ttl": h["ttl"], "addr": h["ip_address"] or None} for h in run["hops"]]
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


def text(check_hops, path, kind, target):
    """traceroute -q 1 (the first "N ms") or mtr --report (the Last column)."""
    body = open(path).read()
    traces = check_hops.parse_text(body, target)
    if not traces:
        yield None, []  # the tool printed nothing: a failed trace
    for trace in traces:
        hops = [{"ttl": ttl, "addr": sorted(a)[0] if a else None} for ttl, a in sorted(trace.hops.items())]
        rtts = []
        for line in body.splitlines():
            m = re.match(r"^\s*(\d+)[.]?(\|--)?\s+(\S+)\s+(.*)$", line)
            if not m or m.group(3) in ("*", "???"):
                continue
            rest = m.group(4).split()
            try:
                if kind == "mtr":
                    rtts.append((int(m.group(1)), float(rest[2])))
                else:
                    rtts.append((int(m.group(1)), float(rest[rest.index("ms") - 1])))
            except (ValueError, IndexError):
                continue
        yield {"dst": trace.dst, "hops": hops}, rtts


def main():
    args = sys.argv[1:]
    pcap = target = None
    raw = "--raw" in args
    if raw:
        args.remove("--raw")
    if "--pcap" in args:
        i = args.index("--pcap")
        pcap = args[i + 1]
        del args[i:i + 2]
    if "--target" in args:
        i = args.index("--target")
        target = args[i + 1]
        del args[i:i + 2]
    topology, delay, kind, files = args[0], float(args[1]), args[2], args[3:]
    check_hops, topo = load_check_hops(topology)
    if kind == "ours":
        source = ours(files)
    elif kind == "scamper":
        source = scamper(files[0])
    else:
        source = text(check_hops, files[0], kind, target)
    wire, probes_sent = {}, 0
    if pcap:
        here = os.path.dirname(os.path.abspath(__file__))
        out = subprocess.run([sys.executable, os.path.join(here, "wire_rtt.py"), pcap],
                             check=True, capture_output=True, text=True).stdout
        wire = json.loads(out)
        probes_sent = wire.pop("_probes_sent", 0)
    traces = correct = wrong = lost = failed = 0
    errors, vs_wire, wire_errors = [], [], []
    for neutral, rtts in source:
        traces += 1
        if neutral is None:  # no trace at all (an error such as DENIED)
            failed += 1
            continue
        [trace] = check_hops.parse_hops_json(json.dumps(neutral))
        verdict = check_hops.judge(trace, topo)
        correct += verdict["ok"]
        wrong += sum(1 for p in verdict["problems"] if "unexpected" in p or "beyond" in p)
        lost += sum(1 for p in verdict["problems"] if "no reply" in p or "not reached" in p)
        errors += [abs(rtt - 2 * ttl * delay) for ttl, rtt in rtts]
        for ttl, rtt in rtts:
            candidates = wire.get(f"{neutral['dst']} {ttl}")
            if candidates:
                # Several traces to one address: the probe is the one whose wire RTT is nearest.
                w = min(candidates, key=lambda c: abs(rtt - c))
                vs_wire.append(abs(rtt - w))
                wire_errors.append(abs(w - 2 * ttl * delay))
    if raw:
        print(json.dumps({"traces": traces, "correct": correct, "wrong_hops": wrong, "lost_hops": lost,
                          "failed": failed, "errors": errors, "vs_wire": vs_wire, "wire_errors": wire_errors}))
        return
    result = {"traces": traces, "correct": correct, "wrong_hops": wrong, "lost_hops": lost, "failed": failed,
              "rtt_err_ms_median": pick(errors, 0.5), "rtt_err_ms_p95": pick(errors, 0.95)}
    if pcap:
        result.update({"tool_vs_wire_ms_median": pick(vs_wire, 0.5), "tool_vs_wire_ms_p95": pick(vs_wire, 0.95),
                       "tool_vs_wire_ms_max": pick(vs_wire, 1.0), "wire_err_ms_median": pick(wire_errors, 0.5),
                       "wire_err_ms_p95": pick(wire_errors, 0.95), "wire_matched": len(vs_wire),
                       "probes_per_trace": round(probes_sent / traces, 2) if traces else None})
    print(json.dumps(result))


def pick(values, q):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 3) if values else None


if __name__ == "__main__":
    main()
