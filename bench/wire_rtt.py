#!/usr/bin/env python3
"""RTT of every IPv4 probe as the client namespace's wire saw it.

    wire_rtt.py CAPTURE.pcap            prints {"DST TTL": [rtt_ms, ...], ...} as JSON,
                                        and "_probes_sent": how many probes left

The capture is `tcpdump -i any -w FILE` in the client namespace (fakenet's
`trc`): the kernel timestamps a probe when it leaves the namespace and a reply
when it arrives, the same clock and the same moment a tool's SO_TIMESTAMPNS
receive timestamp has. fakenet delays packets only outside `trc`, so
(wire RTT - configured delay) is the harness's error and (tool RTT - wire RTT)
is the tool's own.

A probe is keyed by what its reply carries back: the destination, protocol and
first 8 bytes of the transport header (ICMP id/seq, UDP or TCP ports and the
TCP sequence) plus the IP id. Replies: ICMP time exceeded / unreachable quote
the probe; an echo reply carries the id/seq; a TCP SYN-ACK or RST carries the
ports reversed and ack = seq + 1. The first reply to a probe counts, as for
the tools. Several traces to one destination (1000 traces over a /24) give
several RTTs for one "DST TTL", in the order their probes left.
"""
import json
import struct
import sys

LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276
LINKTYPE_RAW = 101


def packets(path):
    """(timestamp_s, ipv4_bytes, outgoing) for each IPv4 packet of the capture."""
    with open(path, "rb") as f:
        head = f.read(24)
        magic = struct.unpack("<I", head[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            endian = "<"
        else:
            endian = ">"
            magic = struct.unpack(">I", head[:4])[0]
        nano = magic == 0xA1B23C4D
        linktype = struct.unpack(endian + "I", head[20:24])[0]
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + "IIII", rec)
            data = f.read(incl)
            ts = sec + frac / (1e9 if nano else 1e6)
            if linktype == LINKTYPE_LINUX_SLL:
                pkttype, proto = struct.unpack(">H", data[0:2])[0], struct.unpack(">H", data[14:16])[0]
                ip = data[16:]
            elif linktype == LINKTYPE_LINUX_SLL2:
                proto = struct.unpack(">H", data[0:2])[0]
                pkttype = data[10]
                ip = data[20:]
            elif linktype == LINKTYPE_RAW:
                proto, pkttype, ip = 0x0800, None, data
            else:
                raise SystemExit(f"unsupported link type {linktype}")
            if proto != 0x0800 or len(ip) < 20 or ip[0] >> 4 != 4:
                continue
            yield ts, ip, pkttype == 4  # PACKET_OUTGOING


def key_of_probe(ip):
    ihl = (ip[0] & 0x0F) * 4
    l4 = ip[ihl:ihl + 8]
    if len(l4) < 8:
        return None
    return (ip[16:20], ip[9], bytes(l4), ip[4:6])


def probe_keys_of_reply(ip):
    """Keys of the probes this packet may answer (quoted, echoed or acknowledged)."""
    ihl = (ip[0] & 0x0F) * 4
    proto = ip[9]
    l4 = ip[ihl:]
    if proto == 1 and len(l4) >= 8:
        icmp_type = l4[0]
        if icmp_type in (3, 11) and len(l4) >= 8 + 28:
            quoted = l4[8:]
            k = key_of_probe(quoted)
            return [k] if k else []
        if icmp_type == 0:
            # Echo reply: same id/seq; the probe's type 8 and the checksum differ.
            return [("echo", ip[12:16], bytes(l4[4:8]))]
    if proto == 6 and len(l4) >= 12:
        sport, dport = l4[0:2], l4[2:4]
        ack = struct.unpack(">I", l4[8:12])[0]
        seq = struct.pack(">I", (ack - 1) & 0xFFFFFFFF)
        return [("tcp", ip[12:16], bytes(dport + sport + seq))]
    return []


def main():
    sent = {}    # key -> (ts, dst text, ttl)
    alias = {}   # echo/tcp key -> probe key
    rtts = {}    # "DST TTL" -> ms
    for ts, ip, outgoing in packets(sys.argv[1]):
        ihl = (ip[0] & 0x0F) * 4
        proto = ip[9]
        l4 = ip[ihl:]
        is_probe = (proto == 1 and len(l4) >= 8 and l4[0] == 8) or proto == 17 or (
            proto == 6 and len(l4) >= 14 and l4[13] & 0x12 == 0x02)  # SYN without ACK
        if outgoing:
            if is_probe:
                k = key_of_probe(ip)
                if k and k not in sent:
                    sent[k] = (ts, ".".join(str(b) for b in ip[16:20]), ip[8])
                    if proto == 1:
                        alias[("echo", ip[16:20], bytes(l4[4:8]))] = k
                    if proto == 6:
                        alias[("tcp", ip[16:20], bytes(l4[0:8]))] = k
            continue
        for k in probe_keys_of_reply(ip):
            k = alias.get(k, k)
            if k in sent:
                t0, dst, ttl = sent.pop(k)
                rtts.setdefault(f"{dst} {ttl}", []).append((t0, round((ts - t0) * 1000, 3)))
    probes = len(sent) + sum(len(v) for v in rtts.values())  # answered ones left `sent`
    rtts = {k: [r for _, r in sorted(v)] for k, v in rtts.items()}
    rtts["_probes_sent"] = probes
    json.dump(rtts, sys.stdout)
    print()


if __name__ == "__main__":
    main()
