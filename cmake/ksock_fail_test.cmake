# Runs one compile-fail test: builds the given target and expects the build to
# FAIL. Used by the fail.<name> tests from test/CMakeLists.txt:
#
#   cmake -D KSOCK_BUILD_DIR=<dir> -D KSOCK_TARGET=<target> [-D KSOCK_CONFIG=<cfg>]
#         [-D KSOCK_SOURCE=<test.cpp>] -P ksock_fail_test.cmake
#
# The test itself checks the diagnostic with PASS_REGULAR_EXPRESSION (the
# file's "// EXPECT: <regex>" line). The build log is printed only when the
# build failed, so a file that compiles can never pass by the regex happening
# to match a file name in the log; it prints "KSOCK-FAIL-TEST: ..." instead,
# which the test's FAIL_REGULAR_EXPRESSION rejects.
#
# With KSOCK_SOURCE, a test also fails when a static_assert fires that it
# does not name: every "static assertion failed" (g++) or "static_assert
# failed" (clang++) line of the log must match the EXPECT regex or one of the
# file's "// ALSO-FIRES: <regex>" lines. A test then proves that its mistake
# is reported by the one message meant for it, and a change that makes a
# mistake report several messages (or a different one first) is noticed.

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

if(KSOCK_SOURCE)
    # The regexes, as test/CMakeLists.txt turns them into the test property
    # (a ';' of the file is written '.' there, and file(STRINGS) escapes it).
    file(STRINGS "${KSOCK_SOURCE}" lines REGEX "^[ \t]*//[ \t]*(EXPECT|ALSO-FIRES):")
    set(allowed "")
    foreach(line IN LISTS lines)
        string(REGEX REPLACE "^[ \t]*//[ \t]*(EXPECT|ALSO-FIRES):[ \t]*" "" re "${line}")
        string(STRIP "${re}" re)
        string(REPLACE "\\;" "." re "${re}")
        string(REPLACE ";" "." re "${re}")
        list(APPEND allowed "${re}")
    endforeach()

    # The diagnostic lines of every static_assert that fired, one list
    # element each (';', '[' and ']' of the log would split or join list
    # elements: they are protected first and put back for the match).
    string(REPLACE ";" "<ksock-semicolon>" protected "${log}")
    string(REPLACE "[" "<ksock-lbracket>" protected "${protected}")
    string(REPLACE "]" "<ksock-rbracket>" protected "${protected}")
    string(REGEX MATCHALL "[^\n]*(static assertion failed|static_assert failed)[^\n]*"
           fired "${protected}")
    foreach(line IN LISTS fired)
        string(REPLACE "<ksock-semicolon>" ";" line_text "${line}")
        string(REPLACE "<ksock-lbracket>" "[" line_text "${line_text}")
        string(REPLACE "<ksock-rbracket>" "]" line_text "${line_text}")
        set(named FALSE)
        foreach(re IN LISTS allowed)
            if(line_text MATCHES "${re}")
                set(named TRUE)
                break()
            endif()
        endforeach()
        if(NOT named)
            message("${log}")
            message(FATAL_ERROR
                "KSOCK-FAIL-TEST: a static_assert fired that the test does not expect "
                "(add it as // ALSO-FIRES: <regex> if it must fire too):\n  ${line_text}")
        endif()
    endforeach()
endif()

# Only the build log: any extra text could be matched by the EXPECT regex.
message("${log}")
