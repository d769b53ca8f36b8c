# CMake toolchain file: Cortex-M3 (ARMv7-M, no FPU), run on QEMU's mps2-an385.
# Used by the "arm" presets (cmake/presets/arm.json).
set(KSOCK_ARM_CPU_FLAGS "-mcpu=cortex-m3 -mthumb")
set(KSOCK_ARM_MACHINE mps2-an385)
include("${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake")
