#!/usr/bin/env python3
"""A firewall that answers TCP SYNs with a bare RST (issue 19 item 2).

bare_rst_responder.py IFACE PORT

Reads IPv4 packets arriving on IFACE (AF_PACKET, before netfilter) and answers
each SYN to PORT with an RST that has no ACK flag and zero sequence and
acknowledgment numbers: nothing in it names the probe. The namespace's
nftables must drop those SYNs at input, or the kernel answers them too.

Why a raw responder: nft's `reject with tcp reset` follows RFC 793 and answers
a SYN with RST+ACK (acknowledging the SYN, so it names the probe); nftables
cannot build a bare RST from scratch. Run only inside a test namespace.
"""
import socket
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def main():
    iface, port = sys.argv[1], int(sys.argv[2])
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
    rx.bind((iface, 0))
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    while True:
        packet, meta = rx.recvfrom(2048)
        if meta[2] == socket.PACKET_OUTGOING or len(packet) < 40 or packet[9] != 6:
            continue
        ihl = (packet[0] & 0x0F) * 4
        tcp = packet[ihl:ihl + 20]
        if len(tcp) < 20:
            continue
        sport, dport = struct.unpack("!HH", tcp[:4])
        flags = tcp[13]
        if dport != port or not flags & 0x02 or flags & 0x10:
            continue
        src, dst = packet[12:16], packet[16:20]
        header = struct.pack("!HHIIBBHHH", dport, sport, 0, 0, 5 << 4, 0x04, 0, 0, 0)
        pseudo = dst + src + struct.pack("!BBH", 0, 6, len(header))
        header = header[:16] + struct.pack("!H", checksum(pseudo + header)) + header[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(header), 0, 0, 64, 6, 0, dst, src)
        tx.sendto(ip + header, (socket.inet_ntoa(src), 0))


if __name__ == "__main__":
    main()
