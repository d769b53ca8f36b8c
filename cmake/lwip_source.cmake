# cmake/lwip_source.cmake: where lwIP's source is, for the builds that put
# lwIP beside ksock (the Cortex-M3 board's lwIP firmware, cmake/arm/lwip/).
# Nothing of lwIP is kept in the repository: the source is Debian's source
# package, taken from KSOCK_LWIP_SOURCE_DIR (an unpacked `lwip` source
# package) or, when that is empty, fetched once with `apt-get source lwip`
# into the given folder of the build tree (that needs a deb-src entry for the
# machine's Debian mirror and dpkg-dev; .ci/run adds both where it can).
#
#   ksock_lwip_source(<dir-var> <reason-var> <fetch-folder>)
#
# Sets <dir-var> to the unpacked source (it has src/Filelists.cmake) and
# <reason-var> to "", or <dir-var> to "" and <reason-var> to why there is
# none. A failed fetch is a reason, never an error: the callers build
# without lwIP and say so.

set(KSOCK_LWIP_SOURCE_DIR "" CACHE PATH
    "An unpacked lwip source package (empty: apt-get source lwip into the build tree)")

function(ksock_lwip_source dir_var reason_var fetch_dir)
    set(dir "${KSOCK_LWIP_SOURCE_DIR}")
    set(reason "")
    if(NOT dir)
        file(GLOB found LIST_DIRECTORIES true "${fetch_dir}/lwip-*")
        if(NOT found)
            find_program(KSOCK_APT_GET apt-get)
            find_program(KSOCK_DPKG_SOURCE dpkg-source)
            if(NOT KSOCK_APT_GET OR NOT KSOCK_DPKG_SOURCE)
                set(reason "no apt-get or no dpkg-source (dpkg-dev) to fetch Debian's lwip source")
            else()
                file(MAKE_DIRECTORY "${fetch_dir}")
                message(STATUS "lwIP: apt-get source lwip")
                execute_process(COMMAND "${KSOCK_APT_GET}" source lwip
                    WORKING_DIRECTORY "${fetch_dir}" TIMEOUT 300
                    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
                if(NOT rc EQUAL 0)
                    string(STRIP "${err}" err)
                    string(REGEX REPLACE "\n.*" "" err "${err}")
                    if(NOT err)
                        set(err "exit status ${rc}")
                    endif()
                    string(CONCAT reason "`apt-get source lwip` failed (${err}): it needs "
                                         "a deb-src entry for the Debian mirror")
                endif()
                file(GLOB found LIST_DIRECTORIES true "${fetch_dir}/lwip-*")
            endif()
        endif()
        foreach(candidate IN LISTS found)
            if(IS_DIRECTORY "${candidate}")
                set(dir "${candidate}")
            endif()
        endforeach()
    endif()
    if(dir AND NOT EXISTS "${dir}/src/Filelists.cmake")
        set(reason "${dir} is not an unpacked lwip source (no src/Filelists.cmake)")
        set(dir "")
    elseif(NOT dir AND NOT reason)
        set(reason "no lwip source was fetched")
    endif()
    set(${dir_var} "${dir}" PARENT_SCOPE)
    set(${reason_var} "${reason}" PARENT_SCOPE)
endfunction()
