/* bench/lwip_lean/arch/cc.h: compiler and platform definitions of the lean
 * lwIP (x86-64 Linux host, GCC or Clang). */
#ifndef KBENCH_LWIP_LEAN_ARCH_CC_H
#define KBENCH_LWIP_LEAN_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#include <sys/time.h>

#define LWIP_TIMEVAL_PRIVATE 0  /* the C library's struct timeval */
#define LWIP_ERRNO_STDINCLUDE 1 /* errno and its numbers from <errno.h> */

#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        printf x;                                                                                  \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    do {                                                                                           \
        fprintf(stderr, "lwIP assertion: %s\n", x);                                                \
        abort();                                                                                   \
    } while (0)
#define LWIP_RAND() ((u32_t)rand())

#endif
