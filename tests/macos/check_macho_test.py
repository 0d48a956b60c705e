#!/usr/bin/env python3
"""scripts/check_macho.py on crafted files: what the macOS stage trusts to
tell a good binary from a bad one. Prints "N passed, N failed"."""
import pathlib
import struct
import subprocess
import sys
import tempfile

CHECK = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "check_macho.py"


def dylib_command(name: str, cmd: int = 0xC) -> bytes:
    raw = name.encode() + b"\0"
    size = (24 + len(raw) + 7) // 8 * 8
    return struct.pack("<IIIIII", cmd, size, 24, 2, 0x10000, 0x10000) + raw.ljust(size - 24, b"\0")


def macho(cputype: int, dylibs, filetype: int = 2, magic: int = 0xFEEDFACF) -> bytes:
    commands = b"".join(dylib_command(d) for d in dylibs)
    header = struct.pack("<IiiIIIII", magic, cputype, 0, filetype, len(dylibs), len(commands), 0, 0)
    return header + commands + b"\0" * 64


ARM64, X86_64 = 0x0100000C, 0x01000007
SYSTEM, CXX = "/usr/lib/libSystem.B.dylib", "/usr/lib/libc++.1.dylib"
CASES = [  # (name, arch asked, bytes, expected exit status, text expected in the output)
    ("arm64 with libSystem", "arm64", macho(ARM64, [SYSTEM]), 0, "loads " + SYSTEM),
    ("x86_64 with libSystem and libc++", "x86_64", macho(X86_64, [SYSTEM, CXX]), 0, CXX),
    ("the other architecture", "arm64", macho(X86_64, [SYSTEM]), 1, "want arm64"),
    ("a third-party dylib", "arm64", macho(ARM64, [SYSTEM, "/opt/homebrew/lib/libssl.3.dylib"]), 1, "libssl"),
    ("no dylib at all", "arm64", macho(ARM64, []), 1, "no dylib"),
    ("a library, not an executable", "arm64", macho(ARM64, [SYSTEM], filetype=6), 1, "MH_EXECUTE"),
    ("an ELF file", "x86_64", b"\x7fELF" + b"\0" * 60, 1, "not a 64-bit"),
    ("a truncated header", "arm64", b"\xcf\xfa\xed\xfe", 1, "shorter"),
    ("load commands past the end", "arm64", macho(ARM64, [SYSTEM])[:40], 1, "past the end"),
]


def main() -> int:
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, arch, data, want_status, want_text) in enumerate(CASES):
            path = pathlib.Path(tmp, f"case{i}")
            path.write_bytes(data)
            run = subprocess.run([sys.executable, str(CHECK), "--arch", arch, str(path)],
                                 capture_output=True, text=True)
            if run.returncode == want_status and want_text in run.stdout + run.stderr:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {name}: status {run.returncode}, output {run.stdout + run.stderr!r}", file=sys.stderr)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
