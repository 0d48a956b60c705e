#!/usr/bin/env python3
"""Checks macOS executables where no Mac is at hand: each FILE is a 64-bit
Mach-O executable for the given architecture, and every dylib it loads is
libSystem or libc++ (nothing a Mac would not have). Reads the Mach-O header
and the load commands itself (no `otool` here).

Usage: check_macho.py --arch arm64|x86_64 FILE...   Exit 0 when all pass."""
import argparse
import struct
import sys

MH_MAGIC_64 = 0xFEEDFACF
MH_EXECUTE = 2
CPU_TYPES = {"arm64": 0x0100000C, "x86_64": 0x01000007}
# LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LAZY_LOAD_DYLIB, LC_LOAD_UPWARD_DYLIB
DYLIB_COMMANDS = {0xC, 0x80000018, 0x8000001F, 0x20, 0x80000023}
ALLOWED = {"/usr/lib/libSystem.B.dylib", "/usr/lib/libc++.1.dylib"}


def dylibs(data: bytes, path: str, arch: str) -> list:
    """The dylibs `data` loads; raises ValueError when it is not what we want."""
    if len(data) < 32:
        raise ValueError("shorter than a Mach-O header")
    magic, cputype, _sub, filetype, ncmds, sizeofcmds, _flags, _res = struct.unpack_from("<IiiIIIII", data, 0)
    if magic != MH_MAGIC_64:
        raise ValueError(f"not a 64-bit little-endian Mach-O file (magic {magic:#x})")
    if cputype != CPU_TYPES[arch]:
        raise ValueError(f"CPU type {cputype:#x}, want {arch} ({CPU_TYPES[arch]:#x})")
    if filetype != MH_EXECUTE:
        raise ValueError(f"file type {filetype}, want an executable (MH_EXECUTE)")
    if 32 + sizeofcmds > len(data):
        raise ValueError("load commands run past the end of the file")
    found, offset = [], 32
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack_from("<II", data, offset)
        if cmdsize < 8 or offset + cmdsize > 32 + sizeofcmds:
            raise ValueError(f"load command at {offset} has a bad size {cmdsize}")
        if cmd in DYLIB_COMMANDS:
            (name_offset,) = struct.unpack_from("<I", data, offset + 8)
            raw = data[offset + name_offset:offset + cmdsize]
            found.append(raw.split(b"\0", 1)[0].decode("utf-8", "replace"))
        offset += cmdsize
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", required=True, choices=sorted(CPU_TYPES))
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    failed = 0
    for path in args.files:
        try:
            with open(path, "rb") as f:
                libs = dylibs(f.read(), path, args.arch)
            if not libs:
                raise ValueError("loads no dylib at all (libSystem is the only way into the kernel)")
            extra = [lib for lib in libs if lib not in ALLOWED]
            if extra:
                raise ValueError(f"loads {', '.join(extra)}: only libSystem and libc++ are allowed")
            print(f"{path}: Mach-O {args.arch} executable, loads {', '.join(libs)}")
        except (OSError, ValueError, struct.error) as e:
            print(f"{path}: {e}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
