/* cmake/arm/lwip/arch/sys_arch.h: the OS objects of the board's lwIP, for a
 * main loop without threads: a mutex is nothing, a semaphore a count, a
 * mailbox a fixed ring; a wait that would block times out at once (nothing
 * else runs to post). netconn embeds these; sys_arch.c has the functions. */
#ifndef KSOCK_BOARD_LWIP_ARCH_SYS_ARCH_H
#define KSOCK_BOARD_LWIP_ARCH_SYS_ARCH_H

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL NULL
#define BOARD_LWIP_MBOX_CAP 16 /* the largest *_MBOX_SIZE of lwipopts.h */

typedef struct {
    unsigned char valid, count;
} sys_sem_t;
#define sys_sem_valid(sem) ((sem)->valid)
#define sys_sem_set_invalid(sem) ((sem)->valid = 0)

typedef struct {
    unsigned char valid;
} sys_mutex_t;
#define sys_mutex_valid(mutex) ((mutex)->valid)
#define sys_mutex_set_invalid(mutex) ((mutex)->valid = 0)

typedef struct {
    unsigned char valid, head, count;
    void* msg[BOARD_LWIP_MBOX_CAP];
} sys_mbox_t;
#define sys_mbox_valid(mbox) ((mbox)->valid)
#define sys_mbox_set_invalid(mbox) ((mbox)->valid = 0)

typedef int sys_thread_t;

#endif
