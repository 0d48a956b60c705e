# Cross-compiling for macOS (arm64 or x86_64) on Linux with Zig 0.11's clang 16,
# libc++ and macOS 11-13 libc headers and libSystem stubs (scripts/macos).
# -DDDTR_MACOS_ARCH=aarch64|x86_64 and -DDDTR_ZIG_BIN=<dir of the zig-cc copies>.
set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_VERSION 20.0)  # macOS 11
set(DDTR_MACOS_ARCH "$ENV{DDTR_MACOS_ARCH}" CACHE STRING "aarch64 or x86_64")
set(DDTR_ZIG_BIN "$ENV{DDTR_ZIG_BIN}" CACHE PATH "directory of the zig-cc wrappers (scripts/macos)")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES DDTR_MACOS_ARCH DDTR_ZIG_BIN)
if(DDTR_MACOS_ARCH STREQUAL "aarch64")
  set(CMAKE_SYSTEM_PROCESSOR arm64)
else()
  set(CMAKE_SYSTEM_PROCESSOR x86_64)
endif()
set(CMAKE_C_COMPILER ${DDTR_ZIG_BIN}/${DDTR_MACOS_ARCH}-macos-cc)
set(CMAKE_CXX_COMPILER ${DDTR_ZIG_BIN}/${DDTR_MACOS_ARCH}-macos-c++)
set(CMAKE_AR ${DDTR_ZIG_BIN}/zig-ar)
set(CMAKE_RANLIB ${DDTR_ZIG_BIN}/zig-ranlib)
# No Xcode, no SDK: zig carries the headers and stubs; CMake must not ask xcrun.
set(CMAKE_OSX_SYSROOT "" CACHE PATH "" FORCE)
set(CMAKE_OSX_DEPLOYMENT_TARGET "" CACHE STRING "" FORCE)
set(CMAKE_OSX_ARCHITECTURES "" CACHE STRING "" FORCE)
# libc++ 16 dropped std::result_of, which Boost 1.74's Asio still names.
add_compile_definitions(_LIBCPP_ENABLE_CXX20_REMOVED_TYPE_TRAITS)
# Only the wrappers' own tree: never the build host's libraries or headers.
set(CMAKE_FIND_ROOT_PATH ${DDTR_ZIG_BIN})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
