# The install_subdirectory test: a program adds ksock with add_subdirectory
# (test/install/subdirectory/), builds, runs and installs itself into a
# scratch prefix; its install must hold the program and no file of ksock.
#
#   cmake -D KSOCK_SOURCE_DIR=<ksock> -D KSOCK_WORK_DIR=<scratch dir>
#         -D KSOCK_CONSUMER_DIR=<test/install/subdirectory> -D KSOCK_GENERATOR=<generator>
#         -D KSOCK_CXX_COMPILER=<c++ compiler> -P ksock_install_subdirectory.cmake

set(prefix "${KSOCK_WORK_DIR}/prefix")
set(build "${KSOCK_WORK_DIR}/build")
file(REMOVE_RECURSE "${prefix}" "${build}")

execute_process(
    COMMAND "${CMAKE_COMMAND}" -S "${KSOCK_CONSUMER_DIR}" -B "${build}" -G "${KSOCK_GENERATOR}"
            "-DCMAKE_CXX_COMPILER=${KSOCK_CXX_COMPILER}" "-DKSOCK_SOURCE_DIR=${KSOCK_SOURCE_DIR}"
            -DCMAKE_BUILD_TYPE=Release
    COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${build}" COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND "${build}/ksock_app" COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${build}" --prefix "${prefix}"
    COMMAND_ERROR_IS_FATAL ANY)

file(GLOB_RECURSE installed RELATIVE "${prefix}" "${prefix}/*")
if(NOT installed STREQUAL "bin/ksock_app")
    message(FATAL_ERROR "install_subdirectory: expected only bin/ksock_app, installed: ${installed}")
endif()
message(STATUS "install_subdirectory: the program's install holds only the program")
