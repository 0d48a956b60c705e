# The macOS cross-build's dependency set (scripts/macos, toolchain-zig-macos.cmake),
# in place of the find_package() calls of a Linux build; the project's rooms
# are then added as on Linux.
#
# Header-only libraries (Boost.Asio/Beast, nlohmann/json, spdlog with fmt,
# CLI11) are Debian's copies reached through a directory of symlinks to just
# those trees (scripts/macos makes it), never -I/usr/include: the host's glibc
# and Linux headers must not stand in for macOS's. Cap'n Proto and c-ares are
# static libraries scripts/macos builds per architecture from Debian's source
# packages; code generation is done by the host's capnp (the same 0.9.2).
set(DDTR_MACOS_HEADERS "" CACHE PATH "directory of symlinks to header-only libraries (scripts/macos)")
set(DDTR_MACOS_CAPNP "" CACHE PATH "Cap'n Proto built for this macOS arch (scripts/macos)")
set(DDTR_MACOS_CARES "" CACHE PATH "c-ares built for this macOS arch (scripts/macos)")
foreach(dir DDTR_MACOS_HEADERS DDTR_MACOS_CAPNP DDTR_MACOS_CARES)
  if(NOT IS_DIRECTORY "${${dir}}")
    message(FATAL_ERROR "${dir} is not a directory; run scripts/macos, which sets it")
  endif()
endforeach()

find_package(Threads REQUIRED)

add_library(Boost::boost INTERFACE IMPORTED)
target_include_directories(Boost::boost SYSTEM INTERFACE ${DDTR_MACOS_HEADERS})
# Boost 1.74's asio/awaitable.hpp misses <utility> under C++20 (as for mingw).
target_compile_options(Boost::boost INTERFACE -include utility)

add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE ${DDTR_MACOS_HEADERS})
add_library(CLI11::CLI11 INTERFACE IMPORTED)
target_include_directories(CLI11::CLI11 SYSTEM INTERFACE ${DDTR_MACOS_HEADERS})
# Debian's spdlog is configured for the external fmt; both header-only here.
add_library(spdlog::spdlog INTERFACE IMPORTED)
target_include_directories(spdlog::spdlog SYSTEM INTERFACE ${DDTR_MACOS_HEADERS})
target_compile_definitions(spdlog::spdlog INTERFACE SPDLOG_HEADER_ONLY SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY)

foreach(lib kj kj-async capnp capnp-rpc)
  add_library(CapnProto::${lib} STATIC IMPORTED)
  set_target_properties(CapnProto::${lib} PROPERTIES IMPORTED_LOCATION ${DDTR_MACOS_CAPNP}/lib/lib${lib}.a)
  target_include_directories(CapnProto::${lib} SYSTEM INTERFACE ${DDTR_MACOS_CAPNP}/include)
endforeach()
target_link_libraries(CapnProto::kj INTERFACE Threads::Threads)
target_link_libraries(CapnProto::kj-async INTERFACE CapnProto::kj)
target_link_libraries(CapnProto::capnp INTERFACE CapnProto::kj)
target_link_libraries(CapnProto::capnp-rpc INTERFACE CapnProto::capnp CapnProto::kj-async)
set(CAPNP_EXECUTABLE /usr/bin/capnp)
set(CAPNPC_CXX_EXECUTABLE /usr/bin/capnpc-c++)
set(CAPNP_INCLUDE_DIRECTORY /usr/include)
include(/usr/lib/x86_64-linux-gnu/cmake/CapnProto/CapnProtoMacros.cmake)

add_library(ddtr::cares STATIC IMPORTED)
set_target_properties(ddtr::cares PROPERTIES IMPORTED_LOCATION ${DDTR_MACOS_CARES}/lib/libcares.a)
target_include_directories(ddtr::cares SYSTEM INTERFACE ${DDTR_MACOS_CARES}/include)
target_compile_definitions(ddtr::cares INTERFACE CARES_STATICLIB)
