#!/usr/bin/env python3
"""Checks what a daemon did, recorded by `strace -f`, against a systemd unit's sandbox.

check_strace.py STRACE_FILE DAEMON_PATH UNIT_FILE [--label TEXT]

Without systemd as PID 1 the unit's seccomp filter, address-family filter and
file-system protections cannot be applied here, so this checks the next best
thing: every system call the daemon made, every socket family it opened, every
file it wrote or created, every /proc, /dev and home file it touched and every
memory mapping it asked for, against what the unit's settings allow. Only the
calls made after the daemon's own execve count (before it, setpriv and
systemd-socket-activate set up credentials and sockets, as systemd would).
Prints "ok - ..." / "not ok - ..." lines; exits 1 if any check failed.
"""
import argparse
import re
import subprocess
import sys

LINE = re.compile(r"^(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()(.*)$")


def expand(group, seen=None):
    """A systemd syscall group (or a plain name), expanded to system call names."""
    if not group.startswith("@"):
        return {group}
    seen = seen or set()
    if group in seen:
        return set()
    seen.add(group)
    out = subprocess.run(["systemd-analyze", "syscall-filter", group], check=True, capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines()[1:]:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        names |= expand(line, seen)
    return names


def unit_settings(path):
    settings = {}
    for raw in open(path):
        line = raw.strip()
        if not line or line[0] in "#;[" or "=" not in line:
            continue
        key, value = line.split("=", 1)
        settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("strace")
    ap.add_argument("daemon")
    ap.add_argument("unit")
    ap.add_argument("--label", default="daemon under strace")
    ap.add_argument("--logs-dir", action="append", default=[],
                    help="a directory standing in for the unit's LogsDirectory= (writable like it)")
    a = ap.parse_args()
    settings = unit_settings(a.unit)

    allowed, denied = set(), set()
    for value in settings.get("SystemCallFilter", []):
        if value.startswith("~"):
            for g in value[1:].split():
                denied |= expand(g)
        else:
            for g in value.split():
                allowed |= expand(g)
    families = set()
    for value in settings.get("RestrictAddressFamilies", []):
        families |= set(value.split())

    lines = open(a.strace, errors="replace").read().splitlines()
    start = None
    for i, line in enumerate(lines):
        if re.match(r'^\d+\s+execve\("' + re.escape(a.daemon) + r'".*= 0$', line):
            start = i + 1
    failures = []

    def check(ok, what, detail=""):
        print(("ok - " if ok else "not ok - ") + f"{a.label}: {what}" + ("" if ok else f": {detail}"))
        if not ok:
            failures.append(what)

    check(start is not None, "the daemon's execve is in the trace", a.daemon)
    if start is None:
        return 1
    calls, sockets, writes, touched, wx = set(), set(), set(), set(), []
    for line in lines[start:]:
        m = LINE.match(line)
        if not m:
            continue
        name = m.group(2) or m.group(3)
        rest = m.group(4)
        calls.add(name)
        if name == "socket":
            f = re.match(r"(AF_\w+)", rest)
            if f:
                sockets.add(f.group(1))
        for path in re.findall(r'"(/[^"]*)"', rest):
            touched.add(path)
        if name in ("open", "openat", "creat") and (re.search(r"O_(WRONLY|RDWR|CREAT|TRUNC)", rest) or name == "creat"):
            writes.update(re.findall(r'"(/[^"]*)"', rest))
        if name in ("mkdir", "mkdirat", "unlink", "unlinkat", "rename", "renameat", "renameat2", "rmdir", "chmod",
                    "fchmodat", "chown", "lchown", "fchownat", "symlink", "symlinkat", "link", "linkat", "truncate",
                    "mknod", "mknodat", "utimensat"):
            writes.update(re.findall(r'"(/[^"]*)"', rest))
        if name in ("mmap", "mprotect", "pkey_mprotect") and "PROT_WRITE" in rest and "PROT_EXEC" in rest:
            wx.append(line)

    print(f"# {len(calls)} distinct system calls: {' '.join(sorted(calls))}")
    if allowed:
        outside = sorted(c for c in calls if c not in allowed)
        check(not outside, "every system call is in the unit's SystemCallFilter allow list", " ".join(outside))
    blocked = sorted(c for c in calls if c in denied)
    check(not blocked, "no system call is in the unit's ~SystemCallFilter deny list", " ".join(blocked))
    check(bool(families), "the unit restricts address families")
    check(sockets <= families, f"socket families {' '.join(sorted(sockets))} are allowed by RestrictAddressFamilies",
          " ".join(sorted(sockets - families)))
    writable = [p for v in settings.get("LogsDirectory", []) for p in ["/var/log/" + d for d in v.split()]]
    stand_ins = [d.rstrip("/") for d in a.logs_dir]
    bad_writes = sorted(p for p in writes if not any(p == w or p.startswith(w + "/") for w in writable + stand_ins))
    where = " ".join(writable) + (f" (here {' '.join(stand_ins)})" if stand_ins else "")
    check(not bad_writes, f"no file written, created or changed outside {where} (ProtectSystem=strict)",
          " ".join(bad_writes))
    check(not stand_ins or any(any(p.startswith(d + "/") for d in stand_ins) for p in writes),
          "... and the daemon did write there (the audit log)")
    own = re.compile(r"^/proc/(self|thread-self)(/|$)")
    proc = sorted(p for p in touched if p.startswith("/proc") and not own.match(p))
    check(not proc, "no /proc file but the process's own (ProcSubset=pid, ProtectProc=invisible)", " ".join(proc))
    private_devices = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"}
    dev = sorted(p for p in touched if p.startswith("/dev/") and p not in private_devices and not p.startswith("/dev/shm/"))
    check(not dev, "no device but the pseudo-devices of PrivateDevices=yes", " ".join(dev))
    # Whole path components: /run/userdb (nss-systemd's user records) is not /run/user.
    home = sorted(p for p in touched if any(p == d or p.startswith(d + "/") for d in ("/home", "/root", "/run/user")))
    check(not home, "no home directory (ProtectHome=yes)", " ".join(home))
    check(not wx, "no writable and executable mapping (MemoryDenyWriteExecute=yes)", " | ".join(wx[:3]))
    ns = sorted(c for c in calls if c in ("unshare", "setns"))
    check(not ns, "no namespace calls (RestrictNamespaces=yes)", " ".join(ns))
    check("personality" not in calls, "no personality() (LockPersonality=yes)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
