/* cmake/lwip/arch/sys_arch.h: the OS objects of lwIP built beside ksock
 * with NO_SYS=0, core locking and no tcpip thread: one context, as ksock's
 * no_lock + no_wait stack runs. A mutex is nothing, a semaphore a count, a
 * mailbox a fixed ring; a wait that would block times out at once (nothing
 * else runs to post). netconn embeds these (a TCP connection's netconn holds
 * two mailboxes); ../sys_arch.c has the functions. */
#ifndef KSOCK_LWIP_ARCH_SYS_ARCH_H
#define KSOCK_LWIP_ARCH_SYS_ARCH_H

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL NULL
#define KSOCK_LWIP_MBOX_CAP 16 /* the *_MBOX_SIZE of lwipopts_api.h */

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
    void* msg[KSOCK_LWIP_MBOX_CAP];
} sys_mbox_t;
#define sys_mbox_valid(mbox) ((mbox)->valid)
#define sys_mbox_set_invalid(mbox) ((mbox)->valid = 0)

typedef int sys_thread_t;

#endif
