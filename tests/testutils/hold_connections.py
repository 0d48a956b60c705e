#!/usr/bin/env python3
"""Opens N connections to a Unix socket and holds them until stdin closes or
SECONDS pass; prints how many the daemon closed on its own meanwhile. For the
connection-flood test: only the daemon's own socket, only on this machine."""
import select
import socket
import sys
import time

path, count, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
held = []
for _ in range(count):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    held.append(s)
print(f"holding {len(held)}", flush=True)
deadline = time.monotonic() + seconds
open_ones = list(held)
closed = 0
while time.monotonic() < deadline and open_ones:
    ready, _, _ = select.select(open_ones, [], [], 0.2)
    for s in ready:
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if not data:
            closed += 1
            open_ones.remove(s)
print(f"closed by the daemon: {closed}", flush=True)
