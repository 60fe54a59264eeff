# Registers every test with ctest: C tests, busted specs, CLI tests, end-to-end tests.

# C tests: tests/c/test_<name>.c, each its own executable.
file(GLOB CHARTD_C_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/c/test_*.c)
foreach(src ${CHARTD_C_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE chartd_bindings PkgConfig::LUA m)
  add_test(NAME c/${name} COMMAND ${name} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()

# busted specs, one ctest entry per folder under spec/ (plus the top level).
find_program(BUSTED busted)
if(NOT BUSTED)
  message(FATAL_ERROR "chartd: busted not found. Install the Debian package: apt-get install lua-busted")
endif()
set(CHARTD_BUSTED ${BUSTED} --lua=lua5.4 --cpath=${CMAKE_BINARY_DIR}/lib/?.so --output=utfTerminal)
if(CHARTD_SANITIZE) # CPU-time budgets scaled for ASan's allocator (spec/sanitizer_helper.lua)
  list(APPEND CHARTD_BUSTED --helper=${CMAKE_SOURCE_DIR}/spec/sanitizer_helper.lua)
endif()
file(GLOB CHARTD_SPEC_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/spec/*)
foreach(dir ${CHARTD_SPEC_DIRS})
  if(IS_DIRECTORY ${dir})
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${dir})
    file(GLOB_RECURSE has_specs ${dir}/*_spec.lua)
    if(has_specs)
      add_test(NAME ${rel} COMMAND ${CHARTD_BUSTED} ${rel} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
    endif()
  endif()
endforeach()
file(GLOB CHARTD_TOP_SPECS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/spec/*_spec.lua)
foreach(file ${CHARTD_TOP_SPECS})
  file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${file})
  add_test(NAME ${rel} COMMAND ${CHARTD_BUSTED} ${rel} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()

# CLI tests (shell) and end-to-end tests (Python, Debian's /usr/bin/python3): they get
# the binary through CHARTD_BIN and run from the source tree.
file(GLOB CHARTD_CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/test_*.sh)
foreach(script ${CHARTD_CLI_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME cli/${name} COMMAND bash ${script} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(cli/${name} PROPERTIES ENVIRONMENT "CHARTD_BIN=$<TARGET_FILE:chartd>")
endforeach()
file(GLOB CHARTD_E2E_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/e2e/test_*.py)
foreach(script ${CHARTD_E2E_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME e2e/${name} COMMAND /usr/bin/python3 ${script} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(e2e/${name} PROPERTIES ENVIRONMENT "CHARTD_BIN=$<TARGET_FILE:chartd>" TIMEOUT 300)
endforeach()

# Multi-turn conversations (tests/conversations/README.md) against the real server: each set must
# end on the intended chart in >= 75 % of its conversations, with <= 5 % having an error turn, no
# follow-up on invented data and no styling turn that changes the chart.
add_test(NAME conversations/sets
         COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/conversations/run_conversations.py
                 ${CMAKE_SOURCE_DIR}/tests/conversations/conv-dev.jsonl
                 ${CMAKE_SOURCE_DIR}/tests/conversations/conv-heldout.jsonl
                 ${CMAKE_SOURCE_DIR}/tests/conversations/conv-final.jsonl
                 ${CMAKE_SOURCE_DIR}/../shared/eval/nlv-seq-dev.jsonl
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(conversations/sets PROPERTIES ENVIRONMENT "CHARTD_BIN=$<TARGET_FILE:chartd>" TIMEOUT 900)

# Browser test of the playground (web/): Debian's chromium driven by playwright-core from npm
# (scripts/setup.sh installs both). Saves docs/screenshot.png.
add_test(NAME browser/playground COMMAND node ${CMAKE_SOURCE_DIR}/tests/browser/playground.test.mjs
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(browser/playground PROPERTIES ENVIRONMENT "CHARTD_BIN=$<TARGET_FILE:chartd>" TIMEOUT 180)
# The playground at 1280 px and at a phone's 400 px: folded data, redraw on theme/format,
# readable chart on the phone, 44 px targets, limits checked before sending, embed URL and curl.
add_test(NAME browser/playground_mobile COMMAND node ${CMAKE_SOURCE_DIR}/tests/browser/playground_mobile.test.mjs
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(browser/playground_mobile PROPERTIES ENVIRONMENT "CHARTD_BIN=$<TARGET_FILE:chartd>" TIMEOUT 180)
# The playground reconnecting after its replica is killed, on a two-replica cluster with Redis
# and nginx (scripts/cluster.sh; scripts/setup.sh installs redis-server and nginx).
add_test(NAME browser/reconnect COMMAND node ${CMAKE_SOURCE_DIR}/tests/browser/reconnect.test.mjs
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(browser/reconnect PROPERTIES ENVIRONMENT "CHARTD_BIN=$<TARGET_FILE:chartd>" TIMEOUT 180)

# Vega-Lite as-is: the corpus of tests/vegalite/corpus/ drawn by chartd and by npm's vega +
# vega-lite (scripts/setup.sh installs them), scored: rendered as-is and agreeing with Vega,
# 90 % each. Node drives plain lua5.4; the sanitized chartd.so would need ASan preloaded into
# node as well, so the sanitizer build leaves this data-semantics test to the plain build.
if(NOT CHARTD_SANITIZE)
  add_test(NAME vegalite/differential COMMAND node ${CMAKE_SOURCE_DIR}/tests/vegalite/differential.test.mjs
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(vegalite/differential PROPERTIES
    ENVIRONMENT "CHARTD_LIB=${CMAKE_BINARY_DIR}/lib;REPORT=${CMAKE_BINARY_DIR}/vegalite-report.json" TIMEOUT 300)
  # The coarse picture check: the same number of bars / mark colours as Vega's chart (resvg).
  add_test(NAME vegalite/pictures COMMAND node ${CMAKE_SOURCE_DIR}/tests/vegalite/picture.test.mjs
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(vegalite/pictures PROPERTIES ENVIRONMENT "CHARTD_LIB=${CMAKE_BINARY_DIR}/lib" TIMEOUT 300)
endif()

# Sanitizer build (CHARTD_SANITIZE=ON, README "Sanitizer build"): every test runs with UBSan
# fatal and LeakSanitizer limited by tests/lsan.supp. busted runs Debian's plain lua5.4, which
# must load the ASan/UBSan runtimes before it dlopens the sanitized chartd.so: LD_PRELOAD, for
# the spec entries only (the host binary links the runtimes itself). Deferred to the end of the
# directory so it also reaches tests whose ENVIRONMENT is set after this file (spec/planner).
if(CHARTD_SANITIZE)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
                  OUTPUT_VARIABLE CHARTD_LIBASAN OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libubsan.so
                  OUTPUT_VARIABLE CHARTD_LIBUBSAN OUTPUT_STRIP_TRAILING_WHITESPACE)
  function(chartd_sanitize_tests)
    get_property(all_tests DIRECTORY ${CMAKE_SOURCE_DIR} PROPERTY TESTS)
    foreach(t ${all_tests})
      set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT
        "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/lsan.supp:print_suppressions=0"
        "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
        "CHARTD_SANITIZED=1") # tests that race a budget against work give the slower build room
      if(t MATCHES "^spec")
        set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT "LD_PRELOAD=${CHARTD_LIBASAN}:${CHARTD_LIBUBSAN}")
      endif()
    endforeach()
  endfunction()
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL chartd_sanitize_tests)
endif()
