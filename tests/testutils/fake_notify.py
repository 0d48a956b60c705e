#!/usr/bin/env python3
"""A fake service manager's notification socket (sd_notify(3), NOTIFY_SOCKET).

fake_notify.py SOCKET_PATH OUTPUT_FILE

Binds an AF_UNIX datagram socket at SOCKET_PATH (mode 0666: the daemon under
test may run as another user) and appends every message it receives to
OUTPUT_FILE, one line per message, its newline-separated assignments joined by
spaces ("READY=1 STATUS=listening on ..."). Runs until killed.
"""
import os
import socket
import sys


def main():
    path, output = sys.argv[1], sys.argv[2]
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    with open(output, "a", buffering=1) as out:
        out.write("# listening\n")
        while True:
            message = s.recv(4096).decode("utf-8", "replace")
            out.write(" ".join(message.split("\n")).strip() + "\n")


if __name__ == "__main__":
    main()
