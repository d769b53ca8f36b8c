# bench/lwip_lean.cmake: the lean lwIP, built here from Debian's source
# package with the lwipopts.h and OS layer of bench/lwip_lean/ (static pools,
# core locking, no-op locks, no tcpip thread): the fair peer of ksock's
# default single-thread stack. Debian's binary build (liblwip-dev) is
# measured too, labelled as such; this one shows what lwIP itself costs.
#
# The source comes from KSOCK_LWIP_SOURCE_DIR (an unpacked lwip source
# package) or, when that is empty, from `apt-get source lwip` run once into
# the build tree (it needs a deb-src entry for the machine's Debian mirror
# and dpkg-dev). Nothing of lwIP is kept in the repository.
#
# Both lwIPs are linked into the same programs, so every symbol of the lean
# build is made local except the five the benchmarks call (lwip_lean.h):
# the objects are linked into one (ld -r) and objcopy keeps those global.
# Otherwise the executable's copies would interpose on liblwip.so's own.
#
# Defines KBENCH_HAVE_LWIP_LEAN and ksock_bench_lwip_lean_object when built;
# otherwise sets ksock_bench_lwip_lean_missing to the reason.

set(KSOCK_LWIP_SOURCE_DIR "" CACHE PATH
    "An unpacked lwip source package for the lean lwIP (empty: apt-get source lwip)")

set(ksock_bench_lwip_lean_missing "")
set(ksock_lwip_dir "${KSOCK_LWIP_SOURCE_DIR}")
if(NOT ksock_lwip_dir)
    set(fetch_dir "${CMAKE_CURRENT_BINARY_DIR}/lwip-source")
    file(GLOB ksock_lwip_found LIST_DIRECTORIES true "${fetch_dir}/lwip-*")
    if(NOT ksock_lwip_found)
        find_program(KSOCK_APT_GET apt-get)
        find_program(KSOCK_DPKG_SOURCE dpkg-source)
        if(KSOCK_APT_GET AND KSOCK_DPKG_SOURCE)
            file(MAKE_DIRECTORY "${fetch_dir}")
            message(STATUS "lean lwIP: apt-get source lwip")
            execute_process(COMMAND "${KSOCK_APT_GET}" source lwip
                WORKING_DIRECTORY "${fetch_dir}"
                RESULT_VARIABLE fetch_result OUTPUT_QUIET ERROR_VARIABLE fetch_error)
            if(NOT fetch_result EQUAL 0)
                message(STATUS "lean lwIP: apt-get source lwip failed: ${fetch_error}")
            endif()
            file(GLOB ksock_lwip_found LIST_DIRECTORIES true "${fetch_dir}/lwip-*")
        endif()
    endif()
    foreach(candidate IN LISTS ksock_lwip_found)
        if(IS_DIRECTORY "${candidate}")
            set(ksock_lwip_dir "${candidate}")
        endif()
    endforeach()
endif()

if(NOT ksock_lwip_dir OR NOT EXISTS "${ksock_lwip_dir}/src/Filelists.cmake")
    set(ksock_bench_lwip_lean_missing
        "lwIP's source (a deb-src entry for the Debian mirror, dpkg-dev, then `apt-get source lwip`; or -DKSOCK_LWIP_SOURCE_DIR=<unpacked source>)")
    return()
endif()

set(LWIP_DIR "${ksock_lwip_dir}")
include("${LWIP_DIR}/src/Filelists.cmake")

# The core (IPv4, TCP, UDP), netconn and the sockets; nothing of netif or
# the apps. Files whose feature lwipopts.h turns off compile to nothing.
add_library(ksock_bench_lwip_lean_objs OBJECT
    ${lwipcore_SRCS} ${lwipcore4_SRCS} ${lwipapi_SRCS}
    lwip_lean/sys_arch.c lwip_lean/lean_api.c)
target_include_directories(ksock_bench_lwip_lean_objs PRIVATE
    "${CMAKE_CURRENT_SOURCE_DIR}/lwip_lean" "${LWIP_DIR}/src/include")
# The calls the benchmarks make, under the names lwip_lean.h gives them.
target_compile_definitions(ksock_bench_lwip_lean_objs PRIVATE
    lwip_socket=lean_lwip_socket lwip_close=lean_lwip_close
    lwip_getsockopt=lean_lwip_getsockopt lwip_fcntl=lean_lwip_fcntl)
# As Debian builds its own (-O2), and as the benchmarks build ksock.
target_compile_options(ksock_bench_lwip_lean_objs PRIVATE -O2 -g -w)
set_target_properties(ksock_bench_lwip_lean_objs PROPERTIES
    C_STANDARD 99 POSITION_INDEPENDENT_CODE OFF)

find_program(KSOCK_OBJCOPY NAMES objcopy)
set(ksock_bench_lwip_lean_object "${CMAKE_CURRENT_BINARY_DIR}/lwip_lean.o")
set(ksock_lean_globals lean_lwip_start lean_lwip_socket lean_lwip_close lean_lwip_getsockopt
    lean_lwip_fcntl lean_af_inet lean_sock_stream lean_sock_dgram lean_sol_socket lean_so_type
    lean_f_getfl)
list(TRANSFORM ksock_lean_globals PREPEND "--keep-global-symbol=")
add_custom_command(OUTPUT "${ksock_bench_lwip_lean_object}"
    COMMAND "${CMAKE_LINKER}" -r -o "${ksock_bench_lwip_lean_object}.all"
        $<TARGET_OBJECTS:ksock_bench_lwip_lean_objs>
    COMMAND "${KSOCK_OBJCOPY}" ${ksock_lean_globals} "${ksock_bench_lwip_lean_object}.all"
        "${ksock_bench_lwip_lean_object}"
    DEPENDS ksock_bench_lwip_lean_objs $<TARGET_OBJECTS:ksock_bench_lwip_lean_objs>
    COMMAND_EXPAND_LISTS
    COMMENT "lean lwIP: one object, only its benchmark entry points global")
add_custom_target(ksock_bench_lwip_lean DEPENDS "${ksock_bench_lwip_lean_object}")
set_source_files_properties("${ksock_bench_lwip_lean_object}" PROPERTIES
    EXTERNAL_OBJECT TRUE GENERATED TRUE)
message(STATUS "lean lwIP: ${LWIP_DIR}")

# The TCP benchmarks' lean lwIP (bench/tcp_bench.cpp): the same core with
# lwip_lean/tcp/lwipopts.h (Ethernet, ARP, an MSS of 1448 and a window of 44
# segments) and lwip_lean/lean_tcp.c, its raw-API host. Two hosts talk to
# each other, so the object is made twice, every symbol local except the
# host's entry points, renamed lean_a_tcp_* in one copy and lean_b_tcp_* in
# the other: two separate lwIPs in one program.
add_library(ksock_bench_lwip_tcp_objs OBJECT
    ${lwipcore_SRCS} ${lwipcore4_SRCS} "${LWIP_DIR}/src/netif/ethernet.c"
    "${LWIP_DIR}/src/api/tcpip.c" "${LWIP_DIR}/src/api/err.c"
    lwip_lean/sys_arch.c lwip_lean/lean_tcp.c)
target_include_directories(ksock_bench_lwip_tcp_objs PRIVATE
    "${CMAKE_CURRENT_SOURCE_DIR}/lwip_lean/tcp" "${CMAKE_CURRENT_SOURCE_DIR}/lwip_lean"
    "${LWIP_DIR}/src/include")
target_compile_options(ksock_bench_lwip_tcp_objs PRIVATE -O2 -g -w)
set_target_properties(ksock_bench_lwip_tcp_objs PROPERTIES
    C_STANDARD 99 POSITION_INDEPENDENT_CODE OFF)

set(ksock_lean_tcp_entries init input timer listen connect established nodelay send recv
    get_sizes)
set(ksock_lean_tcp_keep "")
set(ksock_lean_tcp_rename_a "")
set(ksock_lean_tcp_rename_b "")
foreach(e IN LISTS ksock_lean_tcp_entries)
    list(APPEND ksock_lean_tcp_keep "--keep-global-symbol=lean_tcp_${e}")
    list(APPEND ksock_lean_tcp_rename_a "--redefine-sym=lean_tcp_${e}=lean_a_tcp_${e}")
    list(APPEND ksock_lean_tcp_rename_b "--redefine-sym=lean_tcp_${e}=lean_b_tcp_${e}")
endforeach()
set(ksock_bench_lwip_tcp_objects
    "${CMAKE_CURRENT_BINARY_DIR}/lwip_tcp_a.o" "${CMAKE_CURRENT_BINARY_DIR}/lwip_tcp_b.o")
set(ksock_lwip_tcp_all "${CMAKE_CURRENT_BINARY_DIR}/lwip_tcp.o")
add_custom_command(OUTPUT ${ksock_bench_lwip_tcp_objects}
    COMMAND "${CMAKE_LINKER}" -r -o "${ksock_lwip_tcp_all}.all"
        $<TARGET_OBJECTS:ksock_bench_lwip_tcp_objs>
    COMMAND "${KSOCK_OBJCOPY}" ${ksock_lean_tcp_keep} "${ksock_lwip_tcp_all}.all"
        "${ksock_lwip_tcp_all}"
    COMMAND "${KSOCK_OBJCOPY}" ${ksock_lean_tcp_rename_a} "${ksock_lwip_tcp_all}"
        "${CMAKE_CURRENT_BINARY_DIR}/lwip_tcp_a.o"
    COMMAND "${KSOCK_OBJCOPY}" ${ksock_lean_tcp_rename_b} "${ksock_lwip_tcp_all}"
        "${CMAKE_CURRENT_BINARY_DIR}/lwip_tcp_b.o"
    DEPENDS ksock_bench_lwip_tcp_objs $<TARGET_OBJECTS:ksock_bench_lwip_tcp_objs>
    COMMAND_EXPAND_LISTS
    COMMENT "lean lwIP for TCP: two hosts, only their entry points global")
add_custom_target(ksock_bench_lwip_tcp DEPENDS ${ksock_bench_lwip_tcp_objects})
set_source_files_properties(${ksock_bench_lwip_tcp_objects} PROPERTIES
    EXTERNAL_OBJECT TRUE GENERATED TRUE)
