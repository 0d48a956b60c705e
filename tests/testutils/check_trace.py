#!/usr/bin/env python3
"""Judges one datadog-traceroute JSON document against the test topology.

check_trace.py FILE --hops "a b c ... target" --runs N --e2e N [--silent K] [--source IP]
               [--protocol icmp|udp] [--run-port N] [--port N] [--target TEXT]
               [--lossy [--lossy-from TTL]]
Prints "ok - ..." / "not ok - ..." per check and exits 1 if any failed.
"""
import argparse
import json
import re
import sys

ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


def masked(doc):
    """The document with what varies between runs (ids, times, ports we did not choose) masked."""
    doc = json.loads(json.dumps(doc))
    doc["test_run_id"] = "<id>"
    for run in doc["traceroute"]["runs"] or []:
        run["run_id"] = "<id>"
        run["source"]["port"] = "<port>"
        for hop in run["hops"]:
            hop["rtt"] = "<rtt>" if hop["rtt"] else 0
    e2e = doc["e2e_probe"]
    if e2e["rtts"] is not None:
        e2e["rtts"] = ["<rtt>" if v else 0 for v in e2e["rtts"]]
    for key in ("jitter",):
        e2e[key] = "<ms>"
    for key in ("avg", "min", "max"):
        e2e["rtt"][key] = "<ms>"
    return doc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--hops", required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--e2e", type=int, required=True)
    ap.add_argument("--silent", type=int, default=0)
    ap.add_argument("--source", default="192.0.2.5")
    ap.add_argument("--label", default="trace")
    ap.add_argument("--protocol", default="icmp")
    ap.add_argument("--port", type=int, default=33434, help="destination.port of the document")
    ap.add_argument("--run-port", type=int, default=0, help="each run's destination port (ICMP: 0)")
    ap.add_argument("--target", help="destination.hostname, when it is not the last hop's address")
    ap.add_argument("--reverse-dns", default="", help='"TTL=name[,name] ..." expected hop names; other hops have none')
    ap.add_argument("--dest-names", default="", help="expected run destination names, comma-separated")
    ap.add_argument("--ecmp", type=int, default=0,
                    help="hop K and K+1 may take the twin branch (198.51.100.x), but one branch per run")
    ap.add_argument("--unreached", type=int, default=0,
                    help="filtered target: --hops lists the routers only; hops up to this max TTL, the rest silent")
    ap.add_argument("--golden", help="compare the document, volatile values masked, with this file")
    ap.add_argument("--write-golden", action="store_true", help="(re)write the --golden file instead")
    ap.add_argument("--lossy", action="store_true",
                    help="any probe may be lost: answered hops must still be right, the target only last")
    ap.add_argument("--lossy-from", type=int, default=1,
                    help="with --lossy: only hops from this TTL on may be lost (the ones past the lossy router)")
    a = ap.parse_args()
    expected = a.hops.split()
    names = {int(k): v.split(",") for k, v in (e.split("=", 1) for e in a.reverse_dns.split())}
    dest_names = a.dest_names.split(",") if a.dest_names else []
    target = a.target if a.unreached else expected[-1]
    failures = 0

    def check(cond, what):
        nonlocal failures
        print(("ok - " if cond else "not ok - ") + f"{a.label}: {what}")
        if not cond:
            failures += 1

    with open(a.file) as f:
        text = f.read()
        doc = json.loads(text)
    check(text.endswith("}\n") and text.startswith("{\n  \"test_run_id\": "), "2-space indented JSON and one newline")
    if a.golden:
        if a.write_golden:
            with open(a.golden, "w") as f:
                json.dump(masked(doc), f, indent=2)
                f.write("\n")
        with open(a.golden) as f:
            golden = json.load(f)
        check(json.dumps(masked(doc)) == json.dumps(golden), f"matches the golden document {a.golden.split('/')[-1]}")
    check(list(doc) == ["test_run_id", "protocol", "source", "destination", "traceroute", "e2e_probe"],
          "top-level keys in Go order")
    check(ID.match(doc["test_run_id"]) is not None, "test_run_id is 22 base64url chars")
    check(doc["protocol"] == a.protocol, f"protocol {a.protocol}")
    check(doc["source"] == {"public_ip": ""}, "source.public_ip empty")
    check(doc["destination"] == {"hostname": a.target or target, "port": a.port}, "destination hostname and port")
    runs = doc["traceroute"]["runs"]
    check(len(runs) == a.runs, f"{a.runs} runs")
    for n, run in enumerate(runs, 1):
        check(ID.match(run["run_id"]) is not None, f"run {n} id")
        check(run["source"]["ip_address"] == a.source, f"run {n} source address")
        want_dest = {"ip_address": target.split(":")[0] if a.unreached else target, "port": a.run_port}
        if dest_names:
            want_dest["reverse_dns"] = dest_names
        check(run["destination"] == want_dest, f"run {n} destination")
        check(0 <= run["source"]["port"] <= 65535, f"run {n} source port")
        hops = run["hops"]
        if a.unreached:
            check([h["ttl"] for h in hops] == list(range(1, a.unreached + 1)), f"run {n} ttls 1..{a.unreached}")
            for ttl, hop in enumerate(hops, 1):
                want = expected[ttl - 1] if ttl <= len(expected) else ""
                check(hop["ip_address"] == want and hop["reachable"] == bool(want), f"run {n} ttl {ttl} is {want or 'silent'}")
            continue
        if a.lossy:
            check([h["ttl"] for h in hops] == list(range(1, len(hops) + 1)), f"run {n} ttls in order")
            for ttl, hop in enumerate(hops, 1):
                want = expected[ttl - 1] if ttl < len(expected) else target
                ok_hop = hop["ip_address"] in ("", want)
                if hop["ip_address"] == "":  # lost: shown as a silent hop is, and only past the lossy router
                    ok_hop = hop == {"ttl": ttl, "ip_address": "", "rtt": 0, "reachable": False} and ttl >= a.lossy_from
                if hop["ip_address"] == target:
                    ok_hop = ok_hop and ttl == len(hops)
                check(ok_hop, f"run {n} ttl {ttl} is {want} or lost ({hop['ip_address'] or 'lost'})")
            continue
        check([h["ttl"] for h in hops] == list(range(1, len(expected) + 1)), f"run {n} ttls 1..{len(expected)}")
        branch = None
        for ttl, (hop, want) in enumerate(zip(hops, expected), 1):
            if a.ecmp and ttl in (a.ecmp, a.ecmp + 1):
                twin = "198.51.100." + want.rsplit(".", 1)[1]
                got = "twin" if hop["ip_address"] == twin else "main" if hop["ip_address"] == want else "wrong"
                if branch is None:
                    branch = got
                check(got != "wrong" and got == branch, f"run {n} ttl {ttl} on one ECMP branch ({hop['ip_address']})")
                continue
            if ttl == a.silent:
                check(hop == {"ttl": ttl, "ip_address": "", "rtt": 0, "reachable": False},
                      f"run {n} ttl {ttl} silent")
            else:
                keys = ["ttl", "ip_address", "rtt", "reachable"] + (["reverse_dns"] if ttl in names else [])
                check(hop["ip_address"] == want and hop["reachable"] is True and 0 < hop["rtt"] < 1000
                      and list(hop) == keys and hop.get("reverse_dns") == names.get(ttl),
                      f"run {n} ttl {ttl} is {want}" + (f" named {names[ttl]}" if ttl in names else ""))
    e2e = doc["e2e_probe"]
    if a.unreached:
        n = len(expected)
        check(doc["traceroute"]["hop_count"] == {"avg": n, "min": n, "max": n}, f"hop_count {n} (last answering hop)")
        check(e2e["packets_sent"] == a.e2e and e2e["packets_received"] == 0 and e2e["packet_loss_percentage"] == 1,
              "every e2e probe lost")
        return 1 if failures else 0
    if a.lossy:
        check(e2e["packets_sent"] == a.e2e and 0 <= e2e["packets_received"] <= a.e2e, "e2e counts")
        check(0 <= e2e["packet_loss_percentage"] <= 1, "e2e loss is a fraction")
        return 1 if failures else 0
    n_hops = len(expected)
    check(doc["traceroute"]["hop_count"] == {"avg": n_hops, "min": n_hops, "max": n_hops}, f"hop_count {n_hops}")
    check(e2e["packets_sent"] == a.e2e and e2e["packets_received"] == a.e2e, f"e2e {a.e2e} sent and received")
    check(e2e["packet_loss_percentage"] == 0, "e2e loss 0")
    if a.e2e == 0:
        check(e2e["rtts"] is None, "e2e rtts null when no e2e probe was asked for")
    else:
        check(len(e2e["rtts"]) == a.e2e and all(v > 0 for v in e2e["rtts"]), "e2e rtts all > 0")
        check(0 < e2e["rtt"]["min"] <= e2e["rtt"]["avg"] <= e2e["rtt"]["max"] < 1000, "e2e rtt min <= avg <= max")
    check(e2e["jitter"] >= 0, "e2e jitter >= 0")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
