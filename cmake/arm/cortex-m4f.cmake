# CMake toolchain file: Cortex-M4F (ARMv7E-M, single-precision FPU, hard-float
# ABI), run on QEMU's mps2-an386. startup.c turns the FPU on before _start.
# Used by the "arm-m4f" presets (cmake/presets/arm.json).
set(KSOCK_ARM_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(KSOCK_ARM_MACHINE mps2-an386)
include("${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake")
