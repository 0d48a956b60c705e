# One place for compiler flags that every target of the project gets.
add_compile_options(-Wall -Wextra)
if(DDTR_WERROR)
  add_compile_options(-Werror)
endif()
if(DDTR_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(DDTR_TSAN)
  if(DDTR_SANITIZE OR DDTR_FUZZ)
    message(FATAL_ERROR "DDTR_TSAN cannot be combined with DDTR_SANITIZE or DDTR_FUZZ (ASan and TSan exclude each other)")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  # GCC warns (-Wtsan) that TSan does not model std::atomic_thread_fence, which
  # Boost.Asio's std_fenced_block uses around handlers: a warning about Boost's
  # headers, not our code, so it must not stop a -Werror build.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-tsan)
  endif()
  add_link_options(-fsanitize=thread)
endif()
if(DDTR_FUZZ)
  # Every library the fuzz targets link must carry coverage instrumentation and
  # the sanitizers, so the flags are global; only the targets link libFuzzer.
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES Clang)
    message(FATAL_ERROR "DDTR_FUZZ needs clang (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}: "
                        "configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
