# cmake/arm/size_report.cmake: code size and static RAM of the firmware
# example on the target, and what ksock itself adds; fails when ksock is over
# its budget. Run by the test arm.size (cmake/arm/CMakeLists.txt):
#
#   cmake -D SIZE=arm-none-eabi-size -D CPU=<name>
#         -D FIRMWARE=<elf> -D FIRMWARE_BASELINE=<elf>
#         -D PROBE=<elf> -D PROBE_BASELINE=<elf>
#         -D LEVELS=<elf> -D LEVELS_BASELINE=<elf>
#         [-D TEXT_BUDGET=<bytes> -D DATA_BUDGET=<bytes>] [-D OUT=<file.md>]
#         -P size_report.cmake
#
# Each *_BASELINE is the same program with the stack's calls stubbed out
# (size_baseline.hpp): "ksock" rows are program minus baseline. PROBE is
# socket + getsockopt(SOL_SOCKET) + close with only TCP and UDP registered
# (LEVELS: the same with getsockopt at any level, every protocol's option
# handler linked in; reported, not budgeted); PROBE's .text
# difference must stay within TEXT_BUDGET and its .data difference, like the
# firmware's, within DATA_BUDGET (0: a constinit stack is all .bss). Without
# budgets the script only reports.

foreach(var IN ITEMS SIZE CPU FIRMWARE FIRMWARE_BASELINE PROBE PROBE_BASELINE LEVELS
                    LEVELS_BASELINE)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "size_report.cmake: ${var} is not set")
    endif()
endforeach()

include("${CMAKE_CURRENT_LIST_DIR}/read_sizes.cmake")

read_sizes("${FIRMWARE}" fw)
read_sizes("${FIRMWARE_BASELINE}" fwb)
read_sizes("${PROBE}" pr)
read_sizes("${PROBE_BASELINE}" prb)
read_sizes("${LEVELS}" lv)
read_sizes("${LEVELS_BASELINE}" lvb)
foreach(s IN LISTS sections)
    math(EXPR fwd_${s} "${fw_${s}} - ${fwb_${s}}")
    math(EXPR prd_${s} "${pr_${s}} - ${prb_${s}}")
    math(EXPR lvd_${s} "${lv_${s}} - ${lvb_${s}}")
endforeach()

set(table "| ${CPU}, -Os, newlib-nano | .text | .rodata | .data | .bss |\n")
string(APPEND table "| --- | ---: | ---: | ---: | ---: |\n")
foreach(row IN ITEMS
        "fw|`firmware` (examples/firmware.cpp)"
        "fwb|`firmware_baseline` (same, stack calls stubbed)"
        "fwd|**ksock in the firmware** (difference)"
        "pr|`size_probe`: socket + getsockopt(SOL_SOCKET) + close, TCP + UDP"
        "prb|`size_probe_baseline`"
        "prd|**ksock: socket + getsockopt(SOL_SOCKET) + close, TCP + UDP** (difference, budgeted)"
        "lvd|ksock: the same with getsockopt at every level (IP, TCP with TCP_INFO, UDP)")
    string(FIND "${row}" "|" bar)
    string(SUBSTRING "${row}" 0 ${bar} p)
    math(EXPR bar "${bar} + 1")
    string(SUBSTRING "${row}" ${bar} -1 label)
    string(APPEND table "| ${label} | ${${p}_text} | ${${p}_rodata} | ${${p}_data} | ${${p}_bss} |\n")
endforeach()

message("${table}")
if(DEFINED OUT)
    file(WRITE "${OUT}" "${table}")
endif()

if(NOT DEFINED TEXT_BUDGET OR NOT DEFINED DATA_BUDGET)
    message("no budgets checked on ${CPU} (they are set for the Cortex-M3)")
    return()
endif()

set(over "")
if(prd_text GREATER TEXT_BUDGET)
    string(APPEND over "  ksock .text for socket + getsockopt(SOL_SOCKET) + close (TCP + UDP): "
                       "${prd_text} bytes, budget ${TEXT_BUDGET}\n")
endif()
if(prd_data GREATER DATA_BUDGET)
    string(APPEND over "  ksock .data in size_probe: ${prd_data} bytes, budget ${DATA_BUDGET}\n")
endif()
if(fwd_data GREATER DATA_BUDGET)
    string(APPEND over "  ksock .data in the firmware: ${fwd_data} bytes, budget ${DATA_BUDGET}\n")
endif()
if(over)
    message(FATAL_ERROR "ksock is over its size budget on ${CPU}:\n${over}")
endif()
message("ksock within budget on ${CPU}: .text ${prd_text} <= ${TEXT_BUDGET} bytes, "
        ".data ${prd_data} (probe) and ${fwd_data} (firmware) <= ${DATA_BUDGET} bytes")
