/* cmake/arm/lwip/arch/cc.h: compiler and platform definitions of the board's
 * lwIP (Cortex-M, arm-none-eabi-gcc, newlib-nano). */
#ifndef KSOCK_BOARD_LWIP_ARCH_CC_H
#define KSOCK_BOARD_LWIP_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#include <sys/time.h>

#define LWIP_TIMEVAL_PRIVATE 0  /* newlib's struct timeval */
#define LWIP_ERRNO_STDINCLUDE 1 /* errno and its numbers from newlib's <errno.h> */

/* lwIP's random numbers pick initial sequence numbers and local ports. */
#define LWIP_RAND() ((u32_t)rand())

/* Never used with LWIP_NOASSERT and LWIP_DEBUG 0, but opt.h wants them. */
#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        printf x;                                                                                  \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    do {                                                                                           \
        printf("lwIP assertion: %s\n", x);                                                         \
        abort();                                                                                   \
    } while (0)

#endif
