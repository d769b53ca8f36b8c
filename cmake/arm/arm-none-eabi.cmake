# cmake/arm/arm-none-eabi.cmake: the part of the Cortex-M toolchain files
# (cortex-m3.cmake, cortex-m4f.cmake) that both share. Those set, before
# including this file:
#   KSOCK_ARM_CPU_FLAGS  -mcpu=... and the float ABI
#   KSOCK_ARM_MACHINE    the qemu-system-arm board the programs run on
#
# Bare metal, arm-none-eabi-gcc, newlib-nano with semihosting (rdimon): printf
# goes to the host, main's return value becomes QEMU's exit status. -Os, no
# exceptions, no RTTI. Test programs run through cmake/arm/run-qemu.sh, CTest's
# cross-compiling emulator. The project side (startup file, host headers,
# target warnings, size and RAM checks) is cmake/arm/ksock_arm.cmake.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
# No startup file or linker script exists while CMake checks the compiler.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(KSOCK_ARM ON)
set(KSOCK_ARM_DIR "${CMAKE_CURRENT_LIST_DIR}")

# -Wno-psabi: GCC's notes about the GCC 7.1 ARM ABI change, irrelevant here.
set(ksock_arm_common "${KSOCK_ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${ksock_arm_common}")
set(CMAKE_CXX_FLAGS_INIT "${ksock_arm_common} -fno-exceptions -fno-rtti -Wno-psabi")
# nano.specs: newlib-nano and libstdc++_nano (no exception support at all);
# -u _printf_float: nano's printf without it crashes on a double (doctest prints some).
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "${KSOCK_ARM_CPU_FLAGS} --specs=nano.specs --specs=rdimon.specs -u _printf_float \
-T \"${KSOCK_ARM_DIR}/link.ld\" -Wl,--gc-sections")

set(CMAKE_CROSSCOMPILING_EMULATOR "${KSOCK_ARM_DIR}/run-qemu.sh;${KSOCK_ARM_MACHINE}")

# Boost (Hana) and doctest are header-only host packages. Debian installs
# Boost's CMake package under lib/<host multiarch>/cmake, which a cross build
# does not search (it has no library architecture): add those folders.
# cmake/arm/ksock_arm.cmake then keeps the host's include folder itself out of
# the command line (it holds glibc's headers, not newlib's).
if(CMAKE_HOST_UNIX)
    file(GLOB ksock_arm_host_cmake_dirs LIST_DIRECTORIES true "/usr/lib/*-linux-*/cmake")
    list(APPEND CMAKE_PREFIX_PATH ${ksock_arm_host_cmake_dirs})
endif()

# Programs (nm, size, qemu) come from the host; there is no target sysroot.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
