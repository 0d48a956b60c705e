#!/usr/bin/env python3
"""A tiny authoritative DNS server for tests: answers PTR queries from a table.

fake_dns.py ADDRESS PORT [IP=NAME[,NAME...] | --address NAME=IP | --drop ZONE | --log FILE] ...
IP=NAME: PTR records. --address NAME=IP: an A or AAAA record (repeatable).
--drop ZONE: queries for ZONE and names under it get no answer at all (a zone
whose servers are down). --log FILE: one line per query received ("NAME TYPE").
Unknown names get NXDOMAIN; other query types get an empty answer. Serves UDP
until killed. Runs only inside the test namespaces, on their loopback.
"""
import ipaddress
import socket
import struct
import sys


def reverse_name(ip):
    return ipaddress.ip_address(ip).reverse_pointer.lower() + "."


def read_name(packet, offset):
    labels = []
    while True:
        length = packet[offset]
        if length == 0:
            return ".".join(labels) + ".", offset + 1
        labels.append(packet[offset + 1:offset + 1 + length].decode("ascii"))
        offset += 1 + length


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def main():
    address, port = sys.argv[1], int(sys.argv[2])
    table = {}
    addresses = {}  # (name, qtype) -> [packed address]
    drop = []
    log = None
    args = sys.argv[3:]
    while args:
        entry = args.pop(0)
        if entry == "--address":
            name, ip = args.pop(0).split("=", 1)
            parsed = ipaddress.ip_address(ip)
            key = (name.lower().rstrip(".") + ".", 1 if parsed.version == 4 else 28)
            addresses.setdefault(key, []).append(parsed.packed)
            table.setdefault(key[0], [])
        elif entry == "--drop":
            drop.append(args.pop(0).lower().strip(".") + ".")
        elif entry == "--log":
            log = open(args.pop(0), "a", buffering=1)
        else:
            ip, names = entry.split("=", 1)
            table[reverse_name(ip)] = names.split(",")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((address, port))
    while True:
        packet, peer = sock.recvfrom(512)
        if len(packet) < 12:
            continue
        ident, flags, qdcount = struct.unpack("!HHH", packet[:6])
        if qdcount != 1:
            continue
        qname, end = read_name(packet, 12)
        qtype, qclass = struct.unpack("!HH", packet[end:end + 4])
        question = packet[12:end + 4]
        if log:
            log.write(f"{qname} {qtype}\n")
        if any(qname.lower() == zone or qname.lower().endswith("." + zone) for zone in drop):
            continue
        answers = b""
        rcode = 0
        names = table.get(qname.lower())
        if names is None:
            rcode = 3  # NXDOMAIN
        elif qtype == 12:  # PTR
            for name in names:
                rdata = encode_name(name)
                answers += struct.pack("!HHHIH", 0xC00C, 12, 1, 60, len(rdata)) + rdata
        count = answers.count(b"\xc0\x0c\x00\x0c") if answers else 0
        for rdata in addresses.get((qname.lower(), qtype), []):
            answers += struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, len(rdata)) + rdata
            count += 1
        header = struct.pack("!HHHHHH", ident, 0x8400 | (flags & 0x0100) | rcode, 1, count, 0, 0)
        sock.sendto(header + question + answers, peer)


if __name__ == "__main__":
    main()
