# Warning flags for every swarmchain target (not for third-party code).
set(SWARMCHAIN_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(SWARMCHAIN_WERROR)
  list(APPEND SWARMCHAIN_WARNINGS -Werror)
endif()
if(SWARMCHAIN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
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
  gtest_discover_tests(${name} PROPERTIES LABELS "${T_LABEL}" TIMEOUT ${T_TIMEOUT}
                       DISCOVERY_TIMEOUT 60)
endfunction()
