#!/usr/bin/env python3
"""Checks the launchd plist where no Mac is at hand: it parses as a property
list (plutil -lint's job on macOS) and says what packaging/macos/README.md
promises. Usage: check_plist.py PLIST"""
import pathlib
import plistlib
import sys


def main(path: str) -> int:
    plist = plistlib.loads(pathlib.Path(path).read_bytes())
    problems = []

    def expect(key, want):
        if plist.get(key) != want:
            problems.append(f"{key}: want {want!r}, have {plist.get(key)!r}")

    expect("Label", pathlib.Path(path).name.removesuffix(".plist"))
    expect("UserName", "root")
    expect("RunAtLoad", True)
    expect("KeepAlive", True)
    args = plist.get("ProgramArguments", [])
    if args[:1] != ["/usr/local/bin/datadog-tracerouted"]:
        problems.append(f"ProgramArguments must start with the daemon, have {args!r}")
    if "--socket" not in args or not args[args.index("--socket") + 1].startswith("/var/run/"):
        problems.append("the socket must be given explicitly, under /var/run (macOS has no /run)")
    if "--foreground" in args:
        problems.append("--foreground colours logs for a terminal; launchd writes them to a file")
    for key in ("StandardOutPath", "StandardErrorPath"):
        if not str(plist.get(key, "")).startswith("/var/log/"):
            problems.append(f"{key} must be a file under /var/log")
    if plist.get("ProcessType") == "Background":
        problems.append("ProcessType Background throttles timers, which skews RTTs")
    for p in problems:
        print(f"{path}: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
