#!/bin/sh
# cmake/arm/run-qemu.sh MACHINE PROGRAM [ARGS...]
#
# Runs a semihosted Cortex-M test image under qemu-system-arm; CTest calls it
# as CMAKE_CROSSCOMPILING_EMULATOR (the toolchain file passes MACHINE). ARGS
# reach the guest's main(argc, argv) through semihosting (SYS_GET_CMDLINE).
# Exit status: the guest's exit code; 124 = timeout (KSOCK_QEMU_TIMEOUT seconds,
# default 120); 125 = the guest faulted (see startup.c).
# newlib's crt0 splits the command line on spaces (quote inside an argument to
# keep one); QEMU's option syntax needs a ',' doubled, done here.
set -eu
if [ $# -lt 2 ]; then
    echo "usage: $0 MACHINE PROGRAM [ARGS...]" >&2
    exit 2
fi
machine=$1
elf=$2
shift 2
cfg="enable=on,target=native,arg=$(basename "$elf")"
for a in "$@"; do
    cfg="$cfg,arg=$(printf '%s' "$a" | sed 's/,/,,/g')"
done
exec timeout -k 5 "${KSOCK_QEMU_TIMEOUT:-120}" qemu-system-arm -M "$machine" -nographic \
    -monitor none -serial none -semihosting-config "$cfg" -kernel "$elf"
