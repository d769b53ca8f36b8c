# cmake/arm/ksock_arm.cmake: what a Cortex-M build (KSOCK_ARM, set by the
# toolchain files cortex-m3.cmake and cortex-m4f.cmake) adds to the project.
# Included from the top CMakeLists.txt before test/ and examples/; the size
# and static-RAM checks are cmake/arm/CMakeLists.txt, added after examples/.
#
#  * Boost.Hana and doctest are used from the host, but not the host's
#    include folder: it holds glibc's headers, which must not shadow newlib's.
#    Boost::headers and doctest::doctest are pointed at a folder of the build
#    tree that holds only links to their own folders.
#  * Every program below this point is a Cortex-M image: it links startup.c
#    (vector table, fault handler, FPU enable) and link.ld.
#  * Stricter warnings for the target: 32-bit int/long/size_t and a core that
#    cares about alignment make conversions and casts that are harmless on
#    x86-64 worth a look. Added to ksock_warnings, so they apply to the tests,
#    the examples and the per-header check below (all with -Werror in the
#    arm presets).
#  * Every public header is compiled on its own for the target, with those
#    warnings (target ksock_arm_headers, part of "all").

enable_language(C) # startup.c

# --- Host headers without the host's libc ---------------------------------------
set(ksock_arm_include "${PROJECT_BINARY_DIR}/arm-include")
file(MAKE_DIRECTORY "${ksock_arm_include}")
foreach(pair IN ITEMS "Boost::headers|boost" "doctest::doctest|doctest")
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 tgt)
    list(GET pair 1 sub)
    if(NOT TARGET ${tgt})
        continue()
    endif()
    get_target_property(dirs ${tgt} INTERFACE_INCLUDE_DIRECTORIES)
    set(found "")
    foreach(dir IN LISTS dirs)
        if(NOT found AND IS_DIRECTORY "${dir}/${sub}")
            set(found "${dir}/${sub}")
        endif()
    endforeach()
    if(NOT found)
        message(FATAL_ERROR "ksock (arm): ${tgt} has no ${sub}/ folder in its include "
                            "directories (${dirs})")
    endif()
    file(CREATE_LINK "${found}" "${ksock_arm_include}/${sub}" SYMBOLIC)
    set_target_properties(${tgt} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${ksock_arm_include}")
endforeach()

# --- Every program is a Cortex-M image ------------------------------------------
add_library(ksock_arm_startup OBJECT "${CMAKE_CURRENT_LIST_DIR}/startup.c")
# A changed link.ld rebuilds startup.o, which relinks every program.
set_source_files_properties("${CMAKE_CURRENT_LIST_DIR}/startup.c" PROPERTIES
    OBJECT_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/link.ld")
link_libraries(ksock_arm_startup)

# doctest on the target (test/support/doctest_main.cpp and every test file):
# libstdc++_nano has no exceptions at all, newlib no POSIX signals and the
# bare-metal libstdc++ no std::mutex.
set(KSOCK_ARM_DOCTEST_DEFINITIONS
    DOCTEST_CONFIG_NO_EXCEPTIONS_BUT_WITH_ALL_ASSERTS # REQUIRE then acts as CHECK
    DOCTEST_CONFIG_NO_MULTITHREADING
    DOCTEST_CONFIG_NO_POSIX_SIGNALS
    DOCTEST_CONFIG_COLORS_NONE)
if(TARGET doctest::doctest)
    set_property(TARGET doctest::doctest APPEND PROPERTY
        INTERFACE_COMPILE_DEFINITIONS ${KSOCK_ARM_DOCTEST_DEFINITIONS})
endif()

# --- Target warnings ----------------------------------------------------------------
target_compile_options(ksock_warnings INTERFACE -Wconversion -Wsign-conversion -Wcast-align)

# --- Every public header on its own, with the target warnings ------------------------
# Except condvar_wait.hpp: a blocking wait policy needs a thread library
# (std::condition_variable_any), which bare-metal newlib does not have; an
# RTOS port brings its own wait policy. And drivers/tap.hpp: a Linux host's
# TAP interface (<linux/if_tun.h>), which a board does not have.
set(ksock_arm_header_sources "")
foreach(header IN LISTS ksock_headers)
    file(RELATIVE_PATH rel "${PROJECT_SOURCE_DIR}/include" "${header}")
    if(rel STREQUAL "ksock/policy/condvar_wait.hpp" OR rel STREQUAL "ksock/drivers/tap.hpp")
        continue()
    endif()
    string(MAKE_C_IDENTIFIER "${rel}" id)
    set(src "${PROJECT_BINARY_DIR}/arm-headers/${id}.cpp")
    file(CONFIGURE OUTPUT "${src}" CONTENT "#include <${rel}>\n")
    list(APPEND ksock_arm_header_sources "${src}")
endforeach()
add_library(ksock_arm_headers OBJECT ${ksock_arm_header_sources})
target_link_libraries(ksock_arm_headers PRIVATE ksock::ksock ksock_warnings)
