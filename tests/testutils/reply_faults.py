#!/usr/bin/env python3
"""Replies the daemon must see through, made on a router's client-facing link.

  reply_faults.py dup IFACE COUNT_FILE
      Every frame leaving IFACE towards the client (ICMP or TCP) is sent again at
      once and a third time 30 ms later (duplicated and late replies). COUNT_FILE
      gets the number of frames duplicated so far.
  reply_faults.py forge IFACE CLIENT_IP COUNT_FILE
      Floods CLIENT_IP with replies that belong to no probe: echo replies and
      time-exceeded quoting echo ids the daemon has not leased (40000..60000; a
      fresh daemon leases from 1 up), echo replies with a probe's real id (seen on
      IFACE) but a sequence never sent (9..255, above -m 8) or from a source that
      is not the target, TCP RSTs and quoted SYNs/UDP for ports below the
      ephemeral range (1000..2000, never a probe's). COUNT_FILE: packets sent.
  reply_faults.py delay IFACE CLIENT_IP[,CLIENT_IP6] COUNT_FILE SRC=MS [SRC=MS ...]
      Reorders replies: every IPv4 or IPv6 packet for a CLIENT_IP arriving on
      IFACE (the router's downstream link) is sent on to it from this router,
      MS ms after it arrived when its source is SRC, at once otherwise; "*=MS"
      sets the delay of every other source. The test drops the originals in the
      router's forward chain (this tap sees them first), so a reply delayed
      longer than a later one arrives after it. COUNT_FILE: "DELAYED PASSED",
      the packets sent on late and at once.

Run as root inside a router namespace of the test network; documentation
addresses only. Stops on SIGTERM.
"""
import hashlib
import heapq
import random
import signal
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
ETH_P_ALL = 0x0003  # outgoing frames reach only ETH_P_ALL taps
PACKET_OUTGOING = 4
TARGET = "203.0.113.5"
STRANGER = "198.51.100.99"
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(src, dst, proto, payload, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), random.randint(0, 65535), 0, ttl, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def icmp(type_, code, rest, body=b""):
    msg = struct.pack("!BBH", type_, code, 0) + rest + body
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def echo(type_, id_, seq):
    return icmp(type_, 0, struct.pack("!HH", id_, seq))


def tcp(src, dst, sport, dport, flags, seq=0, ack=0):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 0, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(seg))
    return seg[:16] + struct.pack("!H", csum(pseudo + seg)) + seg[18:]


def time_exceeded(quoted_ip):
    return icmp(11, 0, b"\0\0\0\0", quoted_ip[:28])


def write_count(path, n):
    with open(path, "w") as f:
        f.write(f"{n}\n")


def dup(iface, count_file):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, ETH_P_ALL))
    s.settimeout(0.01)
    seen, late, n = set(), [], 0
    write_count(count_file, 0)
    while running:
        now = time.monotonic()
        while late and late[0][0] <= now:
            s.send(late.pop(0)[1])
        try:
            frame, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if addr[2] != PACKET_OUTGOING or len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] not in (1, 6):
            continue
        key = hashlib.sha1(frame).digest()
        if key in seen:
            continue
        seen.add(key)
        s.send(frame)
        late.append((now + 0.03, frame))
        n += 1
        write_count(count_file, n)


def forge(iface, client, count_file):
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    sniff.bind((iface, ETH_P_IP))
    sniff.setblocking(False)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    real_ids = []  # echo ids of the client's probes, as seen passing this router
    n = 0
    write_count(count_file, 0)
    while running:
        while True:
            try:
                frame, addr = sniff.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                break
            ip = frame[14:]
            if addr[2] == PACKET_OUTGOING or len(ip) < 28 or ip[9] != 1:
                continue
            if socket.inet_ntoa(ip[12:16]) != client or ip[20] != 8:
                continue
            id_ = struct.unpack("!H", ip[24:26])[0]
            if id_ not in real_ids:
                real_ids = (real_ids + [id_])[-16:]
        pkts = []
        fake_id = random.randint(40000, 60000)
        seq = random.randint(1, 64)
        port = random.randint(1000, 2000)
        pkts.append((TARGET, ip4(TARGET, client, 1, echo(0, fake_id, seq))))
        probe = ip4(client, TARGET, 1, echo(8, fake_id, seq), ttl=1)
        pkts.append((STRANGER, ip4(STRANGER, client, 1, time_exceeded(probe))))
        pkts.append((TARGET, ip4(TARGET, client, 6, tcp(TARGET, client, 443, port, 0x14, 0, random.getrandbits(32)))))
        syn = ip4(client, TARGET, 6, tcp(client, TARGET, port, 443, 0x02, random.getrandbits(32)), ttl=1)
        pkts.append((STRANGER, ip4(STRANGER, client, 1, time_exceeded(syn))))
        udp = struct.pack("!HHHH", port, 33434 + random.randint(0, 30), 8, 0)
        pkts.append((STRANGER, ip4(STRANGER, client, 1, time_exceeded(ip4(client, TARGET, 17, udp, ttl=1)))))
        pkts.append((TARGET, ip4(TARGET, client, 1, icmp(3, 3, b"\0\0\0\0", ip4(client, TARGET, 17, udp)[:28]))))
        for id_ in real_ids:
            pkts.append((TARGET, ip4(TARGET, client, 1, echo(0, id_, random.randint(9, 255)))))
            pkts.append((STRANGER, ip4(STRANGER, client, 1, echo(0, id_, random.randint(1, 8)))))
        for _, pkt in pkts:
            try:
                raw.sendto(pkt, (client, 0))
                n += 1
            except OSError:
                pass
        write_count(count_file, n)
        time.sleep(0.002)


def delay(iface, clients, count_file, rules):
    delays = {}
    for rule in rules:
        src, ms = rule.split("=", 1)
        delays[src] = float(ms) / 1000
    default = delays.pop("*", 0.0)
    clients = set(clients.split(","))
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sniff.bind((iface, ETH_P_ALL))
    # IPPROTO_RAW: the header is ours (IPv6 too); the kernel fills the IPv4 checksum.
    raw = {4: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW),
           6: socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)}
    pending = []  # (due, order, version, destination, packet), a heap: equal delays keep their arrival order
    order = delayed = passed = 0
    write_count(count_file, "0 0")
    # The count is written when idle or every 100 ms, not per packet: a burst of
    # replies (a run's whole window at once) must not queue behind file writes,
    # or every reply would leave later than its delay says.
    written = time.monotonic()
    dirty = False
    while running:
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            _, _, version, dst, pkt = heapq.heappop(pending)
            try:
                raw[version].sendto(pkt, (dst, 0))
            except OSError:
                pass
        if dirty and now - written >= 0.1:
            write_count(count_file, f"{delayed} {passed}")
            written, dirty = now, False
        sniff.settimeout(max(0.0005, pending[0][0] - now) if pending else 0.05)
        try:
            frame, addr = sniff.recvfrom(65535)
        except (socket.timeout, InterruptedError):
            if dirty:
                write_count(count_file, f"{delayed} {passed}")
                written, dirty = time.monotonic(), False
            continue
        ip = frame[14:]
        if addr[2] == PACKET_OUTGOING or len(ip) < 20:
            continue
        if frame[12:14] == b"\x08\x00" and ip[0] >> 4 == 4:
            version, src, dst = 4, socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
            ip = ip[:struct.unpack("!H", ip[2:4])[0]]  # without the link's padding
            hop_limit = 8
        elif frame[12:14] == b"\x86\xdd" and ip[0] >> 4 == 6 and len(ip) >= 40:
            src = socket.inet_ntop(socket.AF_INET6, ip[8:24])
            version, dst = 6, socket.inet_ntop(socket.AF_INET6, ip[24:40])
            ip = ip[:40 + struct.unpack("!H", ip[4:6])[0]]
            hop_limit = 7
        else:
            continue
        if dst not in clients:
            continue
        now = time.monotonic()  # when it arrived, not when the wait began
        wait = delays.get(src, default)
        # As forwarding would: one hop less (the kernel recomputes the IPv4 header checksum).
        pkt = ip[:hop_limit] + bytes([max(ip[hop_limit] - 1, 1)]) + ip[hop_limit + 1:]
        heapq.heappush(pending, (now + wait, order, version, dst, pkt))
        order += 1
        if wait > 0:
            delayed += 1
        else:
            passed += 1
        dirty = True
    write_count(count_file, f"{delayed} {passed}")
    for _, _, version, dst, pkt in sorted(pending):  # nothing is lost when told to stop
        try:
            raw[version].sendto(pkt, (dst, 0))
        except OSError:
            pass


if __name__ == "__main__":
    if sys.argv[1] == "dup":
        dup(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "forge":
        forge(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "delay":
        delay(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    else:
        sys.exit(f"usage: {sys.argv[0]} dup IFACE COUNT_FILE | forge IFACE CLIENT_IP COUNT_FILE"
                 " | delay IFACE CLIENT_IP[,CLIENT_IP6] COUNT_FILE SRC=MS...")
