# The Windows cross-build (scripts/windows, toolchain-mingw64.cmake): the
# Windows platform layer, the named-pipe server, the SCM service and their
# tests, plus the project's rooms that build for mingw with header-only
# dependencies. Included by the top-level CMakeLists.txt instead of the Linux
# dependency set; never on Linux.
find_package(Threads REQUIRED)
enable_testing()

# Boost (Asio) and nlohmann/spdlog/fmt/CLI11 are header-only: Debian's copies,
# through directories holding only symlinks, so mingw never sees the host's
# /usr/include. Boost 1.74's asio/awaitable.hpp misses <utility> under C++20.
set(DDTR_MINGW_HEADERS "" CACHE PATH "directory of symlinks to header-only libraries (scripts/windows makes it)")
add_library(Boost::boost INTERFACE IMPORTED)
target_include_directories(Boost::boost SYSTEM INTERFACE ${DDTR_MINGW_HEADERS})
target_compile_options(Boost::boost INTERFACE -include utility)
target_link_libraries(Boost::boost INTERFACE ws2_32 mswsock)

# GoogleTest from Debian's sources, built for mingw.
set(gtest_force_shared_crt OFF CACHE BOOL "" FORCE)
set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
add_subdirectory(/usr/src/googletest ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL SYSTEM)  # defines GTest::gtest_main, GTest::gmock

# Cap'n Proto: the static libraries scripts/windows builds for mingw from
# Debian's source package; code generation by the host's capnp (same version).
set(DDTR_MINGW_CAPNP "" CACHE PATH "Cap'n Proto built for mingw (scripts/windows)")
if(DDTR_MINGW_CAPNP)
  foreach(lib kj kj-async capnp capnp-rpc)
    add_library(CapnProto::${lib} STATIC IMPORTED)
    set_target_properties(CapnProto::${lib} PROPERTIES IMPORTED_LOCATION ${DDTR_MINGW_CAPNP}/lib/lib${lib}.a)
    target_include_directories(CapnProto::${lib} SYSTEM INTERFACE ${DDTR_MINGW_CAPNP}/include)
  endforeach()
  target_link_libraries(CapnProto::kj-async INTERFACE CapnProto::kj ws2_32)
  target_link_libraries(CapnProto::capnp INTERFACE CapnProto::kj)
  target_link_libraries(CapnProto::capnp-rpc INTERFACE CapnProto::capnp CapnProto::kj-async)
  set(CAPNP_EXECUTABLE /usr/bin/capnp)
  set(CAPNPC_CXX_EXECUTABLE /usr/bin/capnpc-c++)
  set(CAPNP_INCLUDE_DIRECTORY /usr/include)
  include(/usr/lib/x86_64-linux-gnu/cmake/CapnProto/CapnProtoMacros.cmake)
endif()

# --- the engine, probes, policy and gateway for mingw --------------------------
# (issue 6, the engine part; its own block.) nlohmann/json, spdlog and fmt
# header-only from Debian's copies (the symlink directory), c-ares as built by
# scripts/windows; the public IP's HTTPS through WinHTTP, so no OpenSSL.
if(NOT TARGET nlohmann_json::nlohmann_json)
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE ${DDTR_MINGW_HEADERS})
endif()
if(NOT TARGET spdlog::spdlog)
  add_library(spdlog::spdlog INTERFACE IMPORTED)
  target_include_directories(spdlog::spdlog SYSTEM INTERFACE ${DDTR_MINGW_HEADERS})
  target_compile_definitions(spdlog::spdlog INTERFACE FMT_HEADER_ONLY)  # Debian's spdlog uses the external fmt
endif()
set(DDTR_MINGW_CARES "" CACHE PATH "c-ares built for mingw (scripts/windows)")
if(DDTR_MINGW_CARES AND DDTR_MINGW_CAPNP)
  add_library(ddtr::cares STATIC IMPORTED)
  set_target_properties(ddtr::cares PROPERTIES IMPORTED_LOCATION ${DDTR_MINGW_CARES}/lib/libcares.a)
  target_include_directories(ddtr::cares SYSTEM INTERFACE ${DDTR_MINGW_CARES}/include)
  target_compile_definitions(ddtr::cares INTERFACE CARES_STATICLIB)
  target_link_libraries(ddtr::cares INTERFACE ws2_32 advapi32 iphlpapi)
  add_subdirectory(daemon/probes)
  add_subdirectory(daemon/enrich)
  add_subdirectory(daemon/engine)
  add_subdirectory(daemon/policy)
  add_subdirectory(daemon/metrics)  # the counts only: no prometheus-cpp for mingw, so no /metrics page
  add_subdirectory(daemon/gateway)
  add_subdirectory(daemon/rpc)  # tr_rpc_core only: the Tracer, the connection counts
  add_subdirectory(daemon/http)  # the HTTP API: Beast (header-only), tokens through CNG (platform/sha256.hpp)
endif()

add_subdirectory(shared/common)
add_subdirectory(shared/result)
if(DDTR_MINGW_CAPNP)
  add_subdirectory(proto)
endif()
add_subdirectory(platform)
add_subdirectory(windows-service)
add_subdirectory(tests/windows)

# The client, datadog-traceroute.exe, from the same sources as on Linux (its
# OS seams in client/windows/), and its tests under wine.
if(DDTR_MINGW_CAPNP)
  add_subdirectory(client)
  add_subdirectory(tests/windows/client)
endif()

# The MSI (wixl) and its test under wine, once both programs build.
if(TARGET datadog-tracerouted AND TARGET datadog-traceroute)
  add_subdirectory(packaging/windows)
  add_subdirectory(tests/windows/msi)
endif()
