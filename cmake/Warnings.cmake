# Warning flags for every swarmchain target (not for third-party code).
set(SWARMCHAIN_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(SWARMCHAIN_WERROR)
  list(APPEND SWARMCHAIN_WARNINGS -Werror)
endif()

# Sanitizers (docs/testing.md, scripts/sanitize.sh). They apply to every target, tests included.
# -fno-sanitize-recover: a UBSan report aborts, so ctest sees the test fail instead of a line in
# its log that nobody reads.
if(SWARMCHAIN_SANITIZE AND SWARMCHAIN_TSAN)
  message(FATAL_ERROR "SWARMCHAIN_SANITIZE (ASan+UBSan) and SWARMCHAIN_TSAN cannot be combined: "
                      "configure two build trees (scripts/sanitize.sh address / thread)")
endif()
if(SWARMCHAIN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
if(SWARMCHAIN_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()

# swarmchain_module(<name> SOURCES ... DEPS ...): one static library per top-level folder.
function(swarmchain_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${M_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${SWARMCHAIN_WARNINGS})
  target_link_libraries(${name} PUBLIC ${M_DEPS})
endfunction()

# swarmchain_test(<name> LABEL unit|integration SOURCES ... DEPS ...)
function(swarmchain_test name)
  cmake_parse_arguments(T "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_compile_options(${name} PRIVATE ${SWARMCHAIN_WARNINGS})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    SWARMCHAIN_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    SWARMCHAIN_BIN_DIR="${PROJECT_BINARY_DIR}/bin")
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(SWARMCHAIN_SANITIZE OR SWARMCHAIN_TSAN)
    math(EXPR T_TIMEOUT "${T_TIMEOUT} * 3")  # sanitized code runs 2 to 10 times slower
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS "${T_LABEL}" TIMEOUT ${T_TIMEOUT}
                       DISCOVERY_TIMEOUT 60 TEST_LIST ${name}_TESTS)
  # A second label names the area (the executable's prefix: p2p, rpc, node, ...), so that
  # `ctest -L '^p2p$'` runs one area (scripts/sanitize.sh thread does). It is set by a file
  # ctest reads after the discovered tests: CMake 3.25 flattens a list given in PROPERTIES.
  string(REGEX MATCH "^[a-z0-9]+" area ${name})
  set(labels_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_area_label.cmake)
  file(WRITE ${labels_file}
       "foreach(t IN LISTS ${name}_TESTS)\n"
       "  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${T_LABEL};${area}\")\n"
       "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_file})
endfunction()
