# cmake/arm/lwip/lwip_report.cmake: ksock's board_echo and lwIP's
# board_echo_lwip side by side on the Cortex-M3 (test arm.size_lwip, from
# cmake/arm/lwip/CMakeLists.txt). Writes OUT (markdown) and prints it:
#
#  1. both firmwares' sections (arm-none-eabi-size -A), what of each
#     section lwIP's own objects are (their input sections in the linker
#     map: the archive LWIP_ARCHIVE), and ksock's share estimated as its
#     firmware less the rest of lwIP's (ksock's code is inlined: no object
#     holds it alone);
#  2. RAM per TCP connection: ksock's tcp_sock + socket_alloc + file, lwIP's
#     tcp_pcb + netconn + lwip_sock (nm -S of the size objects, whose
#     symbols are as large as the objects on the target);
#  3. the stack's RAM for 4 TCP + 4 UDP sockets with 32 KiB of buffers:
#     ksock's stack object (KSOCK_SIZES) against the .data + .bss of lwIP's
#     objects in board_echo_lwip_small (LWIP_SMALL_ARCHIVE in its map).
#
#   cmake -D SIZE=... -D NM=... -D LWIP_VERSION=... -D KSOCK=<elf>
#         -D LWIP=<elf> -D LWIP_SMALL=<elf> -D LWIP_ARCHIVE=<name>
#         -D LWIP_SMALL_ARCHIVE=<name> -D LWIP_SIZES=<obj> -D KSOCK_SIZES=<obj>
#         -D OUT=<file.md> -P lwip_report.cmake
#   cmake -D MISSING=<reason> -D OUT=<file.md> -P lwip_report.cmake
#         (no lwIP: the report says so, and why)

cmake_policy(VERSION 3.20)

if(DEFINED MISSING)
    set(text "lwIP: not built (${MISSING})\n")
    message("${text}")
    file(WRITE "${OUT}" "${text}")
    return()
endif()
foreach(var IN ITEMS SIZE NM LWIP_VERSION KSOCK LWIP LWIP_SMALL LWIP_ARCHIVE LWIP_SMALL_ARCHIVE
                    LWIP_SIZES KSOCK_SIZES OUT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "lwip_report.cmake: ${var} is not set")
    endif()
endforeach()

include("${CMAKE_CURRENT_LIST_DIR}/../read_sizes.cmake")

# What the input sections of one archive's objects add up to in an ELF's
# linker map (<elf>.map), per kind of section, into <prefix>_<section>.
# Only the map's memory map counts, not its list of discarded sections; a
# section name too long for its column has its address and size on the
# next line.
function(read_archive_share elf archive prefix)
    if(NOT EXISTS "${elf}.map")
        message(FATAL_ERROR "lwip_report.cmake: no linker map ${elf}.map")
    endif()
    file(READ "${elf}.map" map)
    string(FIND "${map}" "Linker script and memory map" at)
    if(at LESS 0)
        message(FATAL_ERROR "lwip_report.cmake: ${elf}.map is not a GNU ld map")
    endif()
    string(SUBSTRING "${map}" ${at} -1 map)
    # Characters that would split or bracket a CMake list element.
    string(REPLACE ";" "," map "${map}")
    string(REPLACE "[" "(" map "${map}")
    string(REPLACE "]" ")" map "${map}")
    string(REGEX REPLACE "\n[ ]+\n" "\n" map "${map}")
    # Join "<name>\n<spaces>0x..." into one line.
    string(REGEX REPLACE "\n (\\.[^ \n]+|COMMON)\n[ ]+0x" "\n \\1 0x" map "${map}")
    string(REPLACE "\n" ";" lines "${map}")
    foreach(s IN LISTS sections)
        set(sum_${s} 0)
    endforeach()
    string(REPLACE "." "\\." archive_re "${archive}")
    foreach(line IN LISTS lines)
        if(NOT line MATCHES "^ (\\.[a-z]+|COMMON)[^ ]* +0x[0-9a-f]+ +0x([0-9a-f]+) [^ ]*${archive_re}\\(")
            continue()
        endif()
        set(kind "${CMAKE_MATCH_1}")
        math(EXPR n "0x${CMAKE_MATCH_2}")
        if(kind STREQUAL "COMMON")
            set(kind .bss)
        endif()
        string(SUBSTRING "${kind}" 1 -1 kind)
        if(kind IN_LIST sections)
            math(EXPR sum_${kind} "${sum_${kind}} + ${n}")
        endif()
    endforeach()
    foreach(s IN LISTS sections)
        set(${prefix}_${s} ${sum_${s}} PARENT_SCOPE)
    endforeach()
endfunction()

# Sizes of the named symbols of an object file (nm -S) into <prefix>_<name>.
function(read_symbol_sizes obj prefix)
    execute_process(COMMAND "${NM}" -S "${obj}"
        OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "lwip_report.cmake: ${NM} ${obj} failed: ${err}")
    endif()
    foreach(name IN LISTS ARGN)
        if(NOT out MATCHES "[0-9a-f]+ ([0-9a-f]+) [A-Za-z] size_of_${name}\n")
            message(FATAL_ERROR "lwip_report.cmake: no size_of_${name} in ${obj}")
        endif()
        math(EXPR n "0x${CMAKE_MATCH_1}")
        set(${prefix}_${name} ${n} PARENT_SCOPE)
    endforeach()
endfunction()

read_sizes("${KSOCK}" ks)
read_sizes("${LWIP}" lw)
read_archive_share("${LWIP}" "${LWIP_ARCHIVE}" lwo)
read_archive_share("${LWIP_SMALL}" "${LWIP_SMALL_ARCHIVE}" lws)
read_symbol_sizes("${LWIP_SIZES}" lwsz tcp_pcb netconn lwip_sock)
read_symbol_sizes("${KSOCK_SIZES}" kssz tcp_sock socket_alloc file stack_4tcp_4udp)

set(t "Cortex-M3, -Os, newlib-nano, bytes; lwIP ${LWIP_VERSION}.\n\n")
string(APPEND t "| the same board's work (board_echo) | .text | .rodata | .data | .bss |\n")
string(APPEND t "| --- | ---: | ---: | ---: | ---: |\n")
string(APPEND t "| ksock: `board_echo` (examples/board_echo.cpp) | ${ks_text} | ${ks_rodata} "
                "| ${ks_data} | ${ks_bss} |\n")
string(APPEND t "| lwIP: `board_echo_lwip` (cmake/arm/lwip/) | ${lw_text} | ${lw_rodata} "
                "| ${lw_data} | ${lw_bss} |\n")
string(APPEND t "| of which lwIP's objects (its core, sockets, OS layer, LAN9118 netif) "
                "| ${lwo_text} | ${lwo_rodata} | ${lwo_data} | ${lwo_bss} |\n")
# ksock is headers: its code is inlined into the program and cannot be
# told apart by object. Estimate: board_echo less what lwIP's firmware has
# besides lwIP (the same work's application code, newlib, startup).
foreach(s IN LISTS sections)
    math(EXPR rest_${s} "${lw_${s}} - ${lwo_${s}}")
    math(EXPR kse_${s} "${ks_${s}} - ${rest_${s}}")
endforeach()
string(APPEND t "| the rest of `board_echo_lwip` (application, newlib, startup) | ${rest_text} "
                "| ${rest_rodata} | ${rest_data} | ${rest_bss} |\n")
string(APPEND t "| ksock in `board_echo`, estimated: its firmware less that rest | ${kse_text} "
                "| ${kse_rodata} | ${kse_data} | ${kse_bss} |\n\n")

math(EXPR ks_conn "${kssz_tcp_sock} + ${kssz_socket_alloc} + ${kssz_file}")
math(EXPR lw_conn "${lwsz_tcp_pcb} + ${lwsz_netconn} + ${lwsz_lwip_sock}")
string(APPEND t "| RAM per TCP connection | bytes | made of |\n")
string(APPEND t "| --- | ---: | --- |\n")
string(APPEND t "| ksock | ${ks_conn} | tcp_sock ${kssz_tcp_sock} + socket_alloc "
                "${kssz_socket_alloc} + file ${kssz_file} |\n")
string(APPEND t "| lwIP | ${lw_conn} | tcp_pcb ${lwsz_tcp_pcb} + netconn ${lwsz_netconn} "
                "+ lwip_sock ${lwsz_lwip_sock} |\n\n")

math(EXPR lws_ram "${lws_data} + ${lws_bss}")
string(APPEND t "| the stack's RAM: 4 TCP + 4 UDP sockets, 32 KiB of buffers | bytes |\n")
string(APPEND t "| --- | ---: |\n")
string(APPEND t "| ksock: the stack object (lo + LAN9118, PF_INET, 8 sockets, 16 skbs of 2 KiB) "
                "| ${kssz_stack_4tcp_4udp} |\n")
string(APPEND t "| lwIP: .data + .bss of its objects (8 sockets, 3 + 1 listening TCP PCBs, "
                "8 pool pbufs of 2 KiB + 16 KiB heap) | ${lws_ram} |\n")

message("${t}")
file(WRITE "${OUT}" "${t}")
