#!/usr/bin/env python3
"""Checks packaging/macos/install.sh where no Mac is at hand: it parses (sh -n),
its paths agree with the launchd plist and with the macOS default socket of
the daemon and the client, and a staged install (DESTDIR) puts the two
binaries in /usr/local/bin (0755) and the plist, unchanged, in
/Library/LaunchDaemons (0644); --uninstall removes them again.
Usage: check_install.py SOURCE_DIR"""
import os
import pathlib
import plistlib
import re
import stat
import subprocess
import sys
import tempfile


def main(source: str) -> int:
    src = pathlib.Path(source)
    here = src / "packaging" / "macos"
    script = here / "install.sh"
    text = script.read_text()
    problems = []

    def fail(message):
        problems.append(message)

    subprocess.run(["sh", "-n", str(script)], check=True)
    subprocess.run(["bash", "-n", str(script)], check=True)
    values = dict(re.findall(r"^([A-Z_]+)=(\S+)", text, re.M))
    for key in ("LABEL", "BIN_DIR", "PLIST_DIR", "SOCKET_DIR", "LOG_FILE"):
        if key not in values:
            fail(f"install.sh sets no {key}")
    if problems:
        return report(problems)
    plist_path = here / f"{values['LABEL']}.plist"
    plist = plistlib.loads(plist_path.read_bytes())
    args = plist["ProgramArguments"]
    if values["BIN_DIR"] != "/usr/local/bin" or args[0] != values["BIN_DIR"] + "/datadog-tracerouted":
        fail(f"the plist starts {args[0]}, install.sh installs into {values['BIN_DIR']} (want /usr/local/bin)")
    if values["PLIST_DIR"] != "/Library/LaunchDaemons":
        fail(f"PLIST_DIR is {values['PLIST_DIR']}, want /Library/LaunchDaemons")
    socket = args[args.index("--socket") + 1]
    if socket != values["SOCKET_DIR"] + "/daemon.sock" or not socket.startswith("/var/run/datadog-traceroute/"):
        fail(f"the plist's socket {socket} is not {values['SOCKET_DIR']}/daemon.sock")
    if plist.get("StandardErrorPath") != values["LOG_FILE"]:
        fail(f"the plist logs to {plist.get('StandardErrorPath')}, install.sh names {values['LOG_FILE']}")
    # The plist passes the socket, but a client run without --socket must find it too.
    for header in ("daemon/daemon_options.hpp", "client/flags.hpp"):
        apple = re.search(r"__APPLE__.*?kDefaultSocketPath = \"([^\"]+)\"", (src / header).read_text(), re.S)
        if not apple or apple.group(1) != socket:
            fail(f"{header}: the macOS default socket is not {socket}")

    with tempfile.TemporaryDirectory() as tmp:
        build = pathlib.Path(tmp, "build")
        (build / "bin").mkdir(parents=True)
        for program in ("datadog-tracerouted", "datadog-traceroute"):
            (build / "bin" / program).write_text("#!/bin/sh\n")
            (build / "bin" / program).chmod(0o700)
        dest = pathlib.Path(tmp, "root")
        env = dict(os.environ, DESTDIR=str(dest))
        subprocess.run(["sh", str(script), str(build)], check=True, env=env, stdout=subprocess.DEVNULL)
        expect = {
            f"{values['BIN_DIR']}/datadog-tracerouted": 0o755,
            f"{values['BIN_DIR']}/datadog-traceroute": 0o755,
            f"{values['PLIST_DIR']}/{values['LABEL']}.plist": 0o644,
        }
        for path, mode in expect.items():
            staged = pathlib.Path(str(dest) + path)
            if not staged.is_file():
                fail(f"a staged install has no {path}")
            elif stat.S_IMODE(staged.stat().st_mode) != mode:
                fail(f"{path} has mode {stat.S_IMODE(staged.stat().st_mode):o}, want {mode:o}")
        staged_plist = pathlib.Path(str(dest) + f"{values['PLIST_DIR']}/{values['LABEL']}.plist")
        if staged_plist.is_file() and staged_plist.read_bytes() != plist_path.read_bytes():
            fail("the installed plist differs from packaging/macos's")
        missing = subprocess.run(["sh", str(script), str(pathlib.Path(tmp, "nothing"))], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if missing.returncode == 0 or "build first" not in missing.stderr:
            fail("install.sh without built binaries must fail and say so")
        subprocess.run(["sh", str(script), "--uninstall"], check=True, env=env, stdout=subprocess.DEVNULL)
        for path in expect:
            if pathlib.Path(str(dest) + path).exists():
                fail(f"--uninstall left {path}")
    return report(problems)


def report(problems) -> int:
    for p in problems:
        print(f"install.sh: {p}", file=sys.stderr)
    print(f"{0 if problems else 1} passed, {len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
