/* bench/lwip_lean/arch/sys_arch.h: the lean lwIP's OS layer for one thread.
 * Mutexes do nothing; a semaphore is a count, a mailbox a fixed ring, and
 * a wait that would block returns at once with a timeout (nothing else can
 * run to post). These are the objects netconn embeds; sys_arch.c has the
 * functions. */
#ifndef KBENCH_LWIP_LEAN_ARCH_SYS_ARCH_H
#define KBENCH_LWIP_LEAN_ARCH_SYS_ARCH_H

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL NULL
#define KBENCH_LWIP_MBOX_CAP 16

typedef struct {
    int valid;
    int count;
} sys_sem_t;
#define sys_sem_valid(sem) ((sem)->valid)
#define sys_sem_set_invalid(sem) ((sem)->valid = 0)

typedef struct {
    int valid;
} sys_mutex_t;
#define sys_mutex_valid(mutex) ((mutex)->valid)
#define sys_mutex_set_invalid(mutex) ((mutex)->valid = 0)

typedef struct {
    int valid;
    int head, count;
    void* msg[KBENCH_LWIP_MBOX_CAP];
} sys_mbox_t;
#define sys_mbox_valid(mbox) ((mbox)->valid)
#define sys_mbox_set_invalid(mbox) ((mbox)->valid = 0)

typedef int sys_thread_t;

#endif
