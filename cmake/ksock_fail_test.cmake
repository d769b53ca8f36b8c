# Runs one compile-fail test: builds the given target and expects the build to
# FAIL. Used by the fail.<name> tests from test/CMakeLists.txt:
#
#   cmake -D KSOCK_BUILD_DIR=<dir> -D KSOCK_TARGET=<target> [-D KSOCK_CONFIG=<cfg>]
#         -P ksock_fail_test.cmake
#
# The test itself checks the diagnostic with PASS_REGULAR_EXPRESSION (the
# file's "// EXPECT: <regex>" line). The build log is printed only when the
# build failed, so a file that compiles can never pass by the regex happening
# to match a file name in the log; it prints "KSOCK-FAIL-TEST: ..." instead,
# which the test's FAIL_REGULAR_EXPRESSION rejects.

foreach(var IN ITEMS KSOCK_BUILD_DIR KSOCK_TARGET)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "ksock_fail_test.cmake: ${var} is not set")
    endif()
endforeach()

set(config_args "")
if(KSOCK_CONFIG)
    set(config_args --config "${KSOCK_CONFIG}")
endif()

execute_process(
    COMMAND "${CMAKE_COMMAND}" --build "${KSOCK_BUILD_DIR}"
            --target "${KSOCK_TARGET}" ${config_args}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE log
    ERROR_VARIABLE log)

if(result EQUAL 0)
    message(FATAL_ERROR
        "KSOCK-FAIL-TEST: target ${KSOCK_TARGET} compiled, but it must fail to compile")
endif()

# Only the build log: any extra text could be matched by the EXPECT regex.
message("${log}")
