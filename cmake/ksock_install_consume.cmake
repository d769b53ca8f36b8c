# The install_consume test: installs ksock from a build tree into a scratch
# prefix, then configures, builds and runs the consumer project in
# test/install/ against that prefix. Any failing step fails the test.
#
#   cmake -D KSOCK_BUILD_DIR=<build tree> -D KSOCK_WORK_DIR=<scratch dir>
#         -D KSOCK_CONSUMER_DIR=<test/install> -D KSOCK_GENERATOR=<generator>
#         -D KSOCK_CXX_COMPILER=<c++ compiler> [-D KSOCK_CONFIG=<cfg>]
#         [-D KSOCK_BOOST_DIR=<dir of BoostConfig.cmake>]
#         -P ksock_install_consume.cmake

foreach(var IN ITEMS KSOCK_BUILD_DIR KSOCK_WORK_DIR KSOCK_CONSUMER_DIR
                     KSOCK_GENERATOR KSOCK_CXX_COMPILER)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "ksock_install_consume.cmake: ${var} is not set")
    endif()
endforeach()

set(prefix "${KSOCK_WORK_DIR}/prefix")
set(consumer_build "${KSOCK_WORK_DIR}/consumer")

# Start from scratch so that nothing from an earlier run is picked up.
file(REMOVE_RECURSE "${prefix}" "${consumer_build}")

set(config_args "")
set(build_type_arg "")
if(KSOCK_CONFIG)
    set(config_args --config "${KSOCK_CONFIG}")
    set(build_type_arg "-DCMAKE_BUILD_TYPE=${KSOCK_CONFIG}")
endif()

set(boost_arg "")
if(KSOCK_BOOST_DIR)
    set(boost_arg "-DBoost_DIR=${KSOCK_BOOST_DIR}")
endif()

message(STATUS "1/4 install ksock into ${prefix}")
execute_process(
    COMMAND "${CMAKE_COMMAND}" --install "${KSOCK_BUILD_DIR}" --prefix "${prefix}" ${config_args}
    COMMAND_ERROR_IS_FATAL ANY)

message(STATUS "2/4 configure the consumer against the installed package")
execute_process(
    COMMAND "${CMAKE_COMMAND}"
            -S "${KSOCK_CONSUMER_DIR}" -B "${consumer_build}"
            -G "${KSOCK_GENERATOR}"
            "-DCMAKE_CXX_COMPILER=${KSOCK_CXX_COMPILER}"
            "-DCMAKE_PREFIX_PATH=${prefix}"
            "-DKSOCK_PREFIX=${prefix}"
            ${build_type_arg} ${boost_arg}
    COMMAND_ERROR_IS_FATAL ANY)

message(STATUS "3/4 build the consumer")
execute_process(
    COMMAND "${CMAKE_COMMAND}" --build "${consumer_build}" ${config_args}
    COMMAND_ERROR_IS_FATAL ANY)

message(STATUS "4/4 run the consumer")
set(exe "")
foreach(candidate IN ITEMS
        "${consumer_build}/ksock_consumer"
        "${consumer_build}/${KSOCK_CONFIG}/ksock_consumer"
        "${consumer_build}/ksock_consumer.exe"
        "${consumer_build}/${KSOCK_CONFIG}/ksock_consumer.exe")
    if(EXISTS "${candidate}" AND NOT IS_DIRECTORY "${candidate}")
        set(exe "${candidate}")
        break()
    endif()
endforeach()
if(NOT exe)
    message(FATAL_ERROR "ksock_consumer was not found in ${consumer_build}")
endif()
execute_process(COMMAND "${exe}" COMMAND_ERROR_IS_FATAL ANY)
get_filename_component(exe_dir "${exe}" DIRECTORY)
get_filename_component(exe_name "${exe}" NAME)
string(REPLACE "ksock_consumer" "ksock_consumer_pc" pc_exe "${exe_dir}/${exe_name}")
if(EXISTS "${pc_exe}")
    execute_process(COMMAND "${pc_exe}" COMMAND_ERROR_IS_FATAL ANY)
    message(STATUS "install_consume: the same through pkg-config's ksock.pc")
endif()

message(STATUS "install_consume: ksock installed, found, built and ran from ${prefix}")
