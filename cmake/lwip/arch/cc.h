/* cmake/lwip/arch/cc.h: compiler and platform definitions for lwIP built
 * beside ksock, on a Linux host (glibc) or a Cortex-M (newlib-nano): GCC or
 * Clang, the C library's errno, struct timeval and rand(). */
#ifndef KSOCK_LWIP_ARCH_CC_H
#define KSOCK_LWIP_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#include <sys/time.h>

#define LWIP_TIMEVAL_PRIVATE 0  /* the C library's struct timeval */
#define LWIP_ERRNO_STDINCLUDE 1 /* errno and its numbers from <errno.h> */

/* lwIP's random numbers pick initial sequence numbers and local ports. */
#define LWIP_RAND() ((u32_t)rand())

#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        printf x;                                                                                  \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    do {                                                                                           \
        fprintf(stderr, "lwIP assertion: %s\n", x);                                                \
        abort();                                                                                   \
    } while (0)

#endif
