/* bench/lwip_lean/lwipopts.h: the lean lwIP the benchmarks build from
 * Debian's source package (bench/lwip_lean.cmake): lwIP 2.x as a firmware
 * configures it. Static memp pools (no malloc), IPv4 with TCP and UDP, the
 * BSD socket API over netconn, core locking (every call runs in the
 * caller's thread), no tcpip thread started, and an OS layer whose locks
 * do nothing: the single-thread contract of ksock's default no_lock. */
#ifndef KBENCH_LWIP_LEAN_LWIPOPTS_H
#define KBENCH_LWIP_LEAN_LWIPOPTS_H

#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 0 /* one thread: SYS_ARCH_PROTECT is nothing */
#define LWIP_TCPIP_CORE_LOCKING 1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 0
#define LWIP_NETCONN_SEM_PER_THREAD 0
#define LWIP_NOASSERT 1 /* as ksock's benchmarks build with NDEBUG */

/* Memory: lwIP's own heap for pbufs and static pools for everything else. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 8
#define MEM_SIZE (32 * 1024)
#define MEMP_NUM_NETCONN 1024 /* room for 1024 sockets, as the benchmarks give ksock */
#define MEMP_NUM_TCP_PCB 1024
#define MEMP_NUM_TCP_PCB_LISTEN 8
#define MEMP_NUM_UDP_PCB 1024
#define MEMP_NUM_NETBUF 16
#define MEMP_NUM_TCP_SEG 32
#define PBUF_POOL_SIZE 32

/* Protocols and options: what ksock's default stack has, so that both
 * create the same kind of socket. ksock has raw and ping sockets (LWIP_RAW),
 * its own loopback, TCP keepalive, poll() (lwIP's needs its select),
 * SO_RCVTIMEO / SO_SNDTIMEO, SO_RCVBUF and SO_REUSEADDR / SO_REUSEPORT
 * (SO_REUSE). Without these lwIP's socket() + close() is about 30 % cheaper
 * (TCP 675 instructions instead of 981 at the commit that chose them); a
 * firmware that needs none of them would turn them off, and one built on
 * ksock would leave those families out of its stack. Neither has IPv6,
 * ARP, DHCP, IGMP or DNS here. */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_RAW 1
#define LWIP_ICMP 1
#define LWIP_ARP 0
#define LWIP_ETHERNET 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_ALTCP 0
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_TCP_KEEPALIVE 1

/* APIs: netcon and the BSD sockets, under their lwip_ names. */
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

/* Mailboxes: fixed rings in sys_arch.h. */
#define TCPIP_MBOX_SIZE 16
#define DEFAULT_TCP_RECVMBOX_SIZE 16
#define DEFAULT_UDP_RECVMBOX_SIZE 16
#define DEFAULT_RAW_RECVMBOX_SIZE 16
#define DEFAULT_ACCEPTMBOX_SIZE 16

/* Debian's patches make sockets.c read and write address lengths through
 * these (its Hurd port defines them); with lwIP's own sockaddr, which has
 * a length byte, they are what upstream lwIP does. */
#define IP4ADDR_SOCKADDR_SET_LEN(sin) ((sin)->sin_len = sizeof(struct sockaddr_in))
#define IP6ADDR_SOCKADDR_SET_LEN(sin6) ((sin6)->sin6_len = sizeof(struct sockaddr_in6))
#define IPADDR_SOCKADDR_GET_LEN(addr) ((addr)->sa.sa_len)

#define LWIP_STATS 0
#define LWIP_DEBUG 0

#endif
