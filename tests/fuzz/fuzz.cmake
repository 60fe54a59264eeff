# libFuzzer harnesses (CHARTD_FUZZ=ON, clang only; scripts/fuzz.sh builds and runs them).
# Every target of the tree is compiled with coverage instrumentation and ASan+UBSan; each
# harness is its own executable, and a bounded ctest entry runs it for a few seconds on its
# seed corpus (tests/fuzz/corpus/<name>/) so CI proves the harnesses still build and run.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "chartd: CHARTD_FUZZ needs clang (scripts/fuzz.sh sets CC=clang-14)")
endif()
set(CHARTD_FUZZ_SECONDS 5 CACHE STRING "seconds each fuzz/* ctest entry runs its harness")

# fuzz_harnesses builds every harness (scripts/fuzz.sh builds only that target, so a new
# harness needs no second list).
add_custom_target(fuzz_harnesses)

function(chartd_fuzz name)
  add_executable(fuzz_${name} ${ARGN})
  add_dependencies(fuzz_harnesses fuzz_${name})
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  target_include_directories(fuzz_${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_compile_definitions(fuzz_${name} PRIVATE CHARTD_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  set(corpus ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name})
  # New inputs go to a scratch folder so a CI run never writes into the source tree.
  add_test(NAME fuzz/${name}
    COMMAND sh -c "mkdir -p \"$1\" && exec \"$0\" -max_total_time=${CHARTD_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048 \"$1\" \"$2\""
            $<TARGET_FILE:fuzz_${name}> ${CMAKE_BINARY_DIR}/fuzz-new/${name} ${corpus}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(fuzz/${name} PROPERTIES TIMEOUT 120
    ENVIRONMENT "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/lsan.supp:print_suppressions=0")
endfunction()

chartd_fuzz(csv ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_csv.c)
target_link_libraries(fuzz_csv PRIVATE chartd_core)
chartd_fuzz(base64 ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_base64.c)
target_link_libraries(fuzz_base64 PRIVATE chartd_core)
chartd_fuzz(ws_message ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_ws_message.c)
target_link_libraries(fuzz_ws_message PRIVATE chartd_core)
chartd_fuzz(http_head ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_http_head.c)
target_link_libraries(fuzz_http_head PRIVATE chartd_core)
chartd_fuzz(deflate ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_deflate.c)
target_link_libraries(fuzz_deflate PRIVATE chartd_core)
chartd_fuzz(pattern ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_pattern.c)
target_link_libraries(fuzz_pattern PRIVATE chartd_bindings PkgConfig::LUA m)
foreach(entry request render)
  chartd_fuzz(${entry} ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_lua.c ${CMAKE_SOURCE_DIR}/src/runtime.c)
  target_compile_definitions(fuzz_${entry} PRIVATE FUZZ_ENTRY="${entry}")
  # src/runtime.c reads the generated build_info.h (CHARTD_COMMIT), as chartd_host does
  target_include_directories(fuzz_${entry} PRIVATE ${CMAKE_BINARY_DIR}/generated)
  add_dependencies(fuzz_${entry} chartd_build_info)
  target_link_libraries(fuzz_${entry} PRIVATE chartd_bindings PkgConfig::LUA PkgConfig::CURL m)
endforeach()
