/* cmake/lwip/sys_arch.c: the OS layer of lwIP built beside ksock
 * (arch/sys_arch.h): one context, locks that do nothing, waits that cannot
 * block. sys_now(), lwIP's clock, is the platform's: the program defines it
 * (a board from its SysTick, a host from its monotonic clock). */
#include "lwip/err.h"
#include "lwip/sys.h"

void sys_init(void) {}

err_t sys_mutex_new(sys_mutex_t* m) {
    m->valid = 1;
    return ERR_OK;
}
void sys_mutex_lock(sys_mutex_t* m) {
    (void)m;
}
void sys_mutex_unlock(sys_mutex_t* m) {
    (void)m;
}
void sys_mutex_free(sys_mutex_t* m) {
    m->valid = 0;
}

err_t sys_sem_new(sys_sem_t* s, u8_t count) {
    s->valid = 1;
    s->count = count;
    return ERR_OK;
}
void sys_sem_signal(sys_sem_t* s) {
    ++s->count;
}
u32_t sys_arch_sem_wait(sys_sem_t* s, u32_t timeout) {
    (void)timeout;
    if (s->count == 0)
        return SYS_ARCH_TIMEOUT; /* nobody else could signal it */
    --s->count;
    return 0;
}
void sys_sem_free(sys_sem_t* s) {
    s->valid = 0;
}

err_t sys_mbox_new(sys_mbox_t* mb, int size) {
    if (size > KSOCK_LWIP_MBOX_CAP)
        return ERR_MEM;
    mb->valid = 1;
    mb->head = 0;
    mb->count = 0;
    return ERR_OK;
}
err_t sys_mbox_trypost(sys_mbox_t* mb, void* msg) {
    if (mb->count == KSOCK_LWIP_MBOX_CAP)
        return ERR_MEM;
    mb->msg[(mb->head + mb->count) % KSOCK_LWIP_MBOX_CAP] = msg;
    ++mb->count;
    return ERR_OK;
}
err_t sys_mbox_trypost_fromisr(sys_mbox_t* mb, void* msg) {
    return sys_mbox_trypost(mb, msg);
}
void sys_mbox_post(sys_mbox_t* mb, void* msg) {
    (void)sys_mbox_trypost(mb, msg);
}
u32_t sys_arch_mbox_tryfetch(sys_mbox_t* mb, void** msg) {
    if (mb->count == 0)
        return SYS_MBOX_EMPTY;
    if (msg)
        *msg = mb->msg[mb->head];
    mb->head = (unsigned char)((mb->head + 1) % KSOCK_LWIP_MBOX_CAP);
    --mb->count;
    return 0;
}
u32_t sys_arch_mbox_fetch(sys_mbox_t* mb, void** msg, u32_t timeout) {
    (void)timeout;
    return sys_arch_mbox_tryfetch(mb, msg) == 0 ? 0 : SYS_ARCH_TIMEOUT;
}
void sys_mbox_free(sys_mbox_t* mb) {
    mb->valid = 0;
}

/* No threads: the programs call lwip_init(), never tcpip_init(). */
sys_thread_t sys_thread_new(const char* name, lwip_thread_fn thread, void* arg, int stacksize,
                            int prio) {
    (void)name;
    (void)thread;
    (void)arg;
    (void)stacksize;
    (void)prio;
    return 0;
}
