// Supplied by datadog-traceroute's scripts/windows: Debian's capnproto 0.9.2 tarball
// lacks this header. It only fixes the Windows API level before <windows.h>.
#pragma once
#ifndef WINVER
#define WINVER 0x0A00
#endif
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0A00
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
