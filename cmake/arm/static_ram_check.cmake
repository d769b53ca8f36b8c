# cmake/arm/static_ram_check.cmake: the stack's constexpr static-RAM figure
# must be what the linker gave the stack object. Run by the test
# arm.static_ram (cmake/arm/CMakeLists.txt):
#
#   cmake -D RUN=<run-qemu.sh> -D MACHINE=<board> -D FIRMWARE=<elf>
#         -D MAP=<linker map> -D NM=arm-none-eabi-nm -D SYMBOL=<mangled name>
#         -P static_ram_check.cmake
#
# Three figures must agree: what the firmware prints under QEMU
# ("static RAM: N bytes", i.e. decltype(stack)::static_ram()), the symbol's
# size from nm -S, and its input section's size in the linker map. The
# symbol must also be in .bss (nm type b/B): a constinit stack costs no .data.

foreach(var IN ITEMS RUN MACHINE FIRMWARE MAP NM SYMBOL)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "static_ram_check.cmake: ${var} is not set")
    endif()
endforeach()

execute_process(COMMAND "${RUN}" "${MACHINE}" "${FIRMWARE}"
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the firmware failed under QEMU (exit ${rc}):\n${out}${err}")
endif()
if(NOT out MATCHES "static RAM: ([0-9]+) bytes")
    message(FATAL_ERROR "the firmware did not print \"static RAM: N bytes\":\n${out}")
endif()
set(printed ${CMAKE_MATCH_1})

execute_process(COMMAND "${NM}" -S "${FIRMWARE}"
    OUTPUT_VARIABLE nm_out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT nm_out MATCHES "[0-9a-f]+ ([0-9a-f]+) ([a-zA-Z]) ${SYMBOL}\n")
    message(FATAL_ERROR "${NM} -S: no symbol ${SYMBOL} in ${FIRMWARE}")
endif()
set(nm_type "${CMAKE_MATCH_2}")
math(EXPR nm_size "0x${CMAKE_MATCH_1}" OUTPUT_FORMAT DECIMAL)

file(READ "${MAP}" map)
if(NOT map MATCHES "\n \\.([a-z]+)\\.${SYMBOL}[ \t\n]+0x[0-9a-f]+[ \t]+0x([0-9a-f]+)")
    message(FATAL_ERROR "${MAP}: no input section for ${SYMBOL}")
endif()
set(map_section ".${CMAKE_MATCH_1}")
math(EXPR map_size "0x${CMAKE_MATCH_2}" OUTPUT_FORMAT DECIMAL)

message("static_ram() printed by the firmware: ${printed} bytes\n"
        "nm -S ${SYMBOL}: ${nm_size} bytes, type ${nm_type}\n"
        "linker map: ${map_section}.${SYMBOL}: ${map_size} bytes")
if(NOT printed EQUAL nm_size OR NOT printed EQUAL map_size)
    message(FATAL_ERROR "static_ram() (${printed}) differs from the linked object "
                        "(nm ${nm_size}, map ${map_size})")
endif()
if(NOT nm_type MATCHES "^[bB]$" OR NOT map_section STREQUAL ".bss")
    message(FATAL_ERROR "the stack object is not in .bss (nm type ${nm_type}, "
                        "section ${map_section})")
endif()
message("static RAM matches: ${printed} bytes in .bss")
