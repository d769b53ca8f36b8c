# cmake/arm/read_sizes.cmake: section sizes of an ELF, for the size reports
# (size_report.cmake, lwip/lwip_report.cmake; both run with cmake -P).
#
#   read_sizes(<elf> <prefix>)  sets <prefix>_text, _rodata, _data and _bss
#                               from `${SIZE} -A -d <elf>` (0 for a section
#                               the ELF does not have)

set(sections text rodata data bss)

function(read_sizes elf prefix)
    execute_process(COMMAND "${SIZE}" -A -d "${elf}"
        OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "read_sizes: ${SIZE} ${elf} failed: ${err}")
    endif()
    foreach(s IN LISTS sections)
        if(out MATCHES "\n\\.${s}[ \t]+([0-9]+)")
            set(${prefix}_${s} ${CMAKE_MATCH_1} PARENT_SCOPE)
        else()
            set(${prefix}_${s} 0 PARENT_SCOPE)
        endif()
    endforeach()
endfunction()
