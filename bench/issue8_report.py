#!/usr/bin/env python3
"""Issue 8's report: the benchmark tables and a verdict per target (run_all.sh).

    issue8_report.py ROWS.jsonl RPC.json IDLE_START_KB IDLE_AFTER_RPC_KB ONE.md CONCURRENT.md PROFILE.txt

ROWS.jsonl: the rows one_trace_fakenet.sh and concurrent_traces.sh wrote
(BENCH_JSON); RPC.json: rpc_latency's output. Prints markdown.
"""
import json
import sys


def read(path):
    try:
        return open(path).read()
    except OSError:
        return ""


def main():
    rows_path, rpc_path, idle_start, idle_after_rpc, one_md, conc_md, profile = sys.argv[1:]
    rows = [json.loads(line) for line in read(rows_path).splitlines() if line.strip()]
    rpc = json.loads(read(rpc_path) or "{}")
    one = [r for r in rows if r["bench"] == "one"]
    conc = [r for r in rows if r["bench"] == "concurrent"]
    verdicts = []

    def verdict(target, met, figures, why=""):
        verdicts.append((target, "met" if met else "**not met**", figures, why))

    # (a) one trace <= 1.2 x traceroute, per network (all three protocols).
    whys = {
        "ours": ("upstream's SendDelay paces the TTLs 50 ms apart, so a 9-hop trace takes at least 8 x 50 ms; "
                 "traceroute sends 16 TTLs at once. `--send-delay 0` is the operator's way to match it."),
        "silent": ("a silent router never answers: ours waits for its probe until the timeout (3 s, upstream's "
                   "default), traceroute stops waiting once deeper hops answered (its -w MAX,HERE,NEAR "
                   "heuristics), so it spends ~0.5 s."),
        "lossy": ("a lost probe is waited for until its timeout (3 s, upstream's) by ours, 5 s by scamper, "
                  "less by traceroute's heuristics; which probes are lost differs per run, so ratios from 3 "
                  "rounds are noise (from 0.1x to 30x) and the rounds' outcomes (lost hops) differ per tool. "
                  "fakenet drops also on the client namespace's own output: a probe dropped there fails sendto() "
                  "with EPERM, which ours (as upstream) treats as fatal for the trace (`DENIED` after a few ms, "
                  "an incorrect trace in the table)."),
    }
    for tool, name in (("ours0", "`--send-delay 0`"), ("ours", "default `--send-delay 50ms`")):
        for network in dict.fromkeys(r["network"] for r in one):
            mine = [r for r in one if r["tool"] == tool and r["network"] == network]
            if not mine:
                continue
            ok = all(r["ratio"] <= 1.2 for r in mine)
            figures = ", ".join(f"{r['proto']} {r['wall_ms']:.0f} ms = {r['ratio']:.2f}x" for r in mine)
            why = ""
            if not ok:
                why = whys["ours"] if tool == "ours" and network == "9 hops" else \
                    whys["silent"] if "silent" in network else whys["lossy"] if "lossy" in network else whys["ours"]
            verdict(f"one trace <= 1.2 x traceroute's wall: {network}, daemon {name}", ok, figures, why)
    wrong = sum(r["wrong_hops"] for r in one)
    verdict("one trace: wrong hop attributions = 0 (every tool, every network)", wrong == 0,
            f"{wrong} wrong hops over {sum(r['traces'] for r in one)} traces")
    ours_one = [r for r in one if r["tool"] in ("ours", "ours0") and r.get("tool_vs_wire_ms_max") is not None]
    if ours_one:
        worst = max(r["tool_vs_wire_ms_max"] for r in ours_one)
        verdict("one trace: RTT error <= 1 ms (ours against the wire)", worst <= 1.0,
                f"max |our RTT - wire RTT| {worst} ms; against the configured delay, median per row "
                + ", ".join(str(r["rtt_err_ms_median"]) for r in ours_one) + " ms (the fake network's own error)")

    # (b) the concurrent run.
    ours = next((r for r in conc if r["label"] == "ours: default"), None)
    scamper = next((r for r in conc if r["label"].startswith("scamper")), None)
    if ours:
        verdict("concurrent: all traces correct, 0 wrong hops",
                ours["correct"] == ours["traces"] and ours["wrong_hops"] == 0,
                f"{ours['correct']}/{ours['traces']} correct, {ours['wrong_hops']} wrong, {ours['lost_hops']} lost, "
                f"{ours['client_errors']} client errors, {ours['harness_drops']} harness drops")
        ratio = ours["wall_s"] / ours["single_s"] if ours["single_s"] else 0
        sc_ratio = scamper["wall_s"] / scamper["single_s"] if scamper and scamper["single_s"] else 0
        verdict("concurrent: wall <= 1.5 x a single trace", ratio <= 1.5,
                f"{ours['wall_s']:.2f} s against {ours['single_s']:.2f} s alone ({ratio:.2f}x); scamper "
                f"{scamper['wall_s']:.2f} s against {scamper['single_s']:.2f} s ({sc_ratio:.2f}x)" if scamper else "",
                "" if ratio <= 1.5 else
                "the fake network: under 1000 traces its user-space delay (nfqdelay, on the same 2 cores) stretches "
                f"RTTs on the wire by {ours.get('wire_err_ms_median')} ms median / {ours.get('wire_err_ms_p95')} ms "
                "p95 (measured on the client's wire, not by us), and a trace lasts until its farthest hop answered. "
                "Our own RTTs match the wire within 0.1 ms. scamper's ratio is no better; 50 client processes start "
                "on the same cores too")
        if scamper:
            ok = ours["cpu_ms_per_trace"] <= scamper["cpu_ms_per_trace"]
            verdict("concurrent: daemon CPU per trace <= scamper's", ok,
                    f"ours {ours['cpu_ms_per_trace']:.3f} ms, scamper {scamper['cpu_ms_per_trace']:.3f} ms per trace; "
                    f"probes sent per trace: ours {ours.get('probes_per_trace')}, scamper {scamper.get('probes_per_trace')}",
                    "" if ok else
                    "profile below: about half of the daemon's CPU is inside sendto(), and most of that is the fake "
                    "network's work the kernel charges to the sender (veth delivery, router 1's netfilter NFQUEUE "
                    "hook, the capture taps of tcpdump and of our AF_PACKET socket); scamper pays the same per probe, "
                    "but sends fewer: it probes one TTL at a time and stops at the target, while ours, paced 50 ms "
                    "per TTL in parallel (upstream's algorithm), keeps sending deeper TTLs until the target's answer "
                    "comes back: 10 probes per trace on the idle network, all 15 (-m 15) once the fake network "
                    "delays that answer past 700 ms. The rest is context switches (engine thread, RPC thread, 50 clients) and timers. "
                    "The RPC's per-hop messages, the first cost (1.33 ms per trace), are gone: a batch call asks for "
                    "no hops")
        verdict("concurrent: RTT error <= 1 ms (ours against the wire)",
                (ours.get("tool_vs_wire_ms_p95") or 99) <= 1.0,
                f"|our RTT - wire RTT| median {ours.get('tool_vs_wire_ms_median')} / p95 {ours.get('tool_vs_wire_ms_p95')} "
                f"/ max {ours.get('tool_vs_wire_ms_max')} ms; against the configured delay median "
                f"{ours['rtt_err_ms_median']} / p95 {ours['rtt_err_ms_p95']} ms, of which the wire itself "
                f"{ours.get('wire_err_ms_median')} / {ours.get('wire_err_ms_p95')} ms (the NFQUEUE delay helper, "
                f"starved of CPU; scamper's wire error: "
                f"{scamper.get('wire_err_ms_median') if scamper else '-'} / {scamper.get('wire_err_ms_p95') if scamper else '-'} ms)")
    if rpc:
        ok = rpc["info_us"]["median"] <= 1000 and rpc["refused_trace_us"]["median"] <= 1000
        verdict("RPC overhead <= 1 ms per call", ok,
                f"info median {rpc['info_us']['median'] / 1000:.3f} / p99 {rpc['info_us']['p99'] / 1000:.3f} ms; "
                f"refused trace median {rpc['refused_trace_us']['median'] / 1000:.3f} / p99 "
                f"{rpc['refused_trace_us']['p99'] / 1000:.3f} ms ({rpc['calls']} calls each, one connection, as nobody)")
    idle = [int(idle_start), int(idle_after_rpc)]
    if ours and ours.get("idle_kb"):
        idle += ours["idle_kb"]
    verdict("idle daemon RSS <= 15 MB", max(idle) <= 15 * 1024,
            f"{int(idle_start) / 1024:.1f} MiB after start, {int(idle_after_rpc) / 1024:.1f} MiB after the RPC calls"
            + (f", {ours['idle_kb'][0] / 1024:.1f} MiB before and {ours['idle_kb'][1] / 1024:.1f} MiB after "
               f"the {ours['traces']}-trace run" if ours and ours.get("idle_kb") else ""))

    print("# Issue 8: performance targets\n")
    print("Produced by `sudo bench/run_all.sh` (one run; ratios from this run). The machine: 2 cores shared with "
          "other engineers' builds; the fake network's link delay is a user-space NFQUEUE helper on the same cores. "
          "How the RTT error was tracked down: [rtt_error_investigation.md](rtt_error_investigation.md).\n")
    print("| target | verdict | figures | why not |")
    print("|---|---|---|---|")
    for target, v, figures, why in verdicts:
        print(f"| {target} | {v} | {figures} | {why} |")
    print("\n## (a) One trace per protocol\n")
    print(read(one_md))
    print("\n## (b) Concurrent traces\n")
    print(read(conc_md))
    prof = read(profile)
    if prof:
        print("\n## Daemon profile during the concurrent run (perf record -g, self time, top symbols)\n")
        print("```")
        print("\n".join(line for line in prof.splitlines() if not line.startswith("#"))[:6000])
        print("```")


if __name__ == "__main__":
    main()
