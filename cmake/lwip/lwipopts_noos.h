/* cmake/lwip/lwipopts_noos.h: the lwIP options every lwIP built beside ksock
 * shares, included by each build's own lwipopts.h (which adds the
 * protocols, pools and buffers): lwIP's BSD sockets run in one context
 * without an OS, as ksock's no_lock + no_wait stack does.
 *
 * NO_SYS=0, because the socket API needs it (init.c stops a NO_SYS=1 build
 * that asks for sockets), with core locking and no tcpip thread: every
 * socket call runs in the caller's context, and the OS objects are the
 * no-op ones of arch/sys_arch.h. Only non-blocking socket calls work (a
 * call that would wait on a semaphore has nothing that could signal it).
 * The program feeds received frames to its netif's input and runs
 * sys_check_timeouts() and netif_poll_all() itself. */
#ifndef KSOCK_LWIP_LWIPOPTS_NOOS_H
#define KSOCK_LWIP_LWIPOPTS_NOOS_H

/* --- OS layer -------------------------------------------------------------- */
#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 0 /* one context: SYS_ARCH_PROTECT is nothing */
#define LWIP_TCPIP_CORE_LOCKING 1
/* The loopback interface's input is tcpip_input (NO_SYS=0); with this it
 * runs ip_input at once instead of posting to the absent thread. */
#define LWIP_TCPIP_CORE_LOCKING_INPUT 1
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 0 /* the program polls the loopback */
#define LWIP_NETCONN_SEM_PER_THREAD 0
#define LWIP_NOASSERT 1 /* as ksock is measured: NDEBUG */

/* No malloc: lwIP's own heap and static pools. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0

/* --- APIs: netconn and the BSD sockets under their lwip_ names -------------
 * poll and select, SO_RCVTIMEO / SO_SNDTIMEO, SO_RCVBUF, SO_REUSEADDR /
 * SO_REUSEPORT (SO_REUSE): what ksock's sockets all have. */
#define LWIP_NETCONN 1
#define LWIP_SOCKET 1
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SOCKET_SELECT 1
#define LWIP_SOCKET_POLL 1
#define LWIP_NETIF_API 0
#define LWIP_SO_SNDTIMEO 1
#define LWIP_SO_RCVTIMEO 1
#define LWIP_SO_RCVBUF 1
#define SO_REUSE 1

/* Mailboxes: fixed rings of KSOCK_LWIP_MBOX_CAP (arch/sys_arch.h). */
#define TCPIP_MBOX_SIZE 16
#define DEFAULT_TCP_RECVMBOX_SIZE 16
#define DEFAULT_UDP_RECVMBOX_SIZE 16
#define DEFAULT_RAW_RECVMBOX_SIZE 16
#define DEFAULT_ACCEPTMBOX_SIZE 16

/* Debian's patches make sockets.c read and write address lengths through
 * these (its Hurd port defines them); with lwIP's own sockaddr, which has a
 * length byte, they are what upstream lwIP does. */
#define IP4ADDR_SOCKADDR_SET_LEN(sin) ((sin)->sin_len = sizeof(struct sockaddr_in))
#define IP6ADDR_SOCKADDR_SET_LEN(sin6) ((sin6)->sin6_len = sizeof(struct sockaddr_in6))
#define IPADDR_SOCKADDR_GET_LEN(addr) ((addr)->sa.sa_len)

#define LWIP_STATS 0
#define LWIP_DEBUG 0

#endif
