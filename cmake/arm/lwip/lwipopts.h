/* cmake/arm/lwip/lwipopts.h: lwIP configured as examples/board_echo.cpp
 * configures ksock, for the side-by-side comparison on the Cortex-M3
 * (board_echo_lwip.c, built by cmake/arm/lwip/CMakeLists.txt from Debian's
 * lwip source package): the protocols, pools and buffers of board_echo's
 * stack. The OS layer and the socket API are ../../lwip/lwipopts_noos.h's:
 * NO_SYS=0 with core locking and no tcpip thread, non-blocking sockets
 * called from the main loop, which also takes the frames and runs the
 * timers and the loopback.
 *
 * Sizes are macros a build can override (-DBOARD_LWIP_TCP=...), so the
 * small configuration of the RAM comparison (4 TCP + 4 UDP sockets) is this
 * file too. */
#ifndef KSOCK_BOARD_LWIPOPTS_H
#define KSOCK_BOARD_LWIPOPTS_H

/* --- What board_echo's ksock stack has, in lwIP's terms ----------------------
 * ksock: max_sockets 16, proto_objects 8 TCP (both listeners and the
 * connections: board_echo keeps 2 listeners and 6 connections), 4 UDP, 2 of
 * each other (RAW, PING), 128 socket buffers of 2 KiB = 256 KiB. */
#ifndef BOARD_LWIP_SOCKETS
#define BOARD_LWIP_SOCKETS 16
#endif
#ifndef BOARD_LWIP_TCP /* connections; the listeners are BOARD_LWIP_TCP_LISTEN */
#define BOARD_LWIP_TCP 6
#endif
#ifndef BOARD_LWIP_TCP_LISTEN
#define BOARD_LWIP_TCP_LISTEN 2
#endif
#ifndef BOARD_LWIP_UDP
#define BOARD_LWIP_UDP 4
#endif
#ifndef BOARD_LWIP_RAW
#define BOARD_LWIP_RAW 2
#endif
/* Buffer space: received frames in pool pbufs of 2 KiB (a frame each, as a
 * ksock skb holds one), sent data in lwIP's heap: half and half of ksock's
 * 128 x 2 KiB. */
#ifndef BOARD_LWIP_POOL_PBUFS
#define BOARD_LWIP_POOL_PBUFS 64
#endif
#ifndef BOARD_LWIP_HEAP
#define BOARD_LWIP_HEAP (64 * 2048)
#endif

#include "lwipopts_noos.h"

/* --- Memory: static pools and lwIP's own heap ------------------------------ */
#define MEM_ALIGNMENT 4
#define MEM_SIZE BOARD_LWIP_HEAP
#define PBUF_POOL_SIZE BOARD_LWIP_POOL_PBUFS
#define PBUF_POOL_BUFSIZE 2048
#define MEMP_NUM_NETCONN BOARD_LWIP_SOCKETS /* NUM_SOCKETS follows it */
#define MEMP_NUM_TCP_PCB BOARD_LWIP_TCP
#define MEMP_NUM_TCP_PCB_LISTEN BOARD_LWIP_TCP_LISTEN
#define MEMP_NUM_UDP_PCB BOARD_LWIP_UDP
#define MEMP_NUM_RAW_PCB BOARD_LWIP_RAW
#define MEMP_NUM_NETBUF 8
#define MEMP_NUM_TCP_SEG (8 * BOARD_LWIP_TCP)
#define MEMP_NUM_REASSDATA 2 /* ksock's 2 fragment queues */
#define ARP_TABLE_SIZE 8     /* ksock's 8 neighbours */

/* --- Protocols: what board_echo's stack has ---------------------------------
 * IPv4 on Ethernet with ARP, TCP, UDP, raw sockets (ksock registers RAW and
 * PING), ICMP echo answered by the stack, a loopback interface (ksock's lo),
 * fragmentation and reassembly, TCP keepalive. ksock's PF_UNIX and UDP-Lite
 * have no counterpart here (lwIP has no PF_UNIX; UDP-Lite is left out, as
 * board_echo uses neither). No IPv6, DHCP, IGMP or DNS on either side. */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_UDPLITE 0
#define LWIP_RAW 1
#define LWIP_ICMP 1
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_ALTCP 0
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_TCP_KEEPALIVE 1
#define TCP_LISTEN_BACKLOG 1 /* listen()'s backlog, as ksock keeps it */

/* TCP windows as board_echo sets them with SO_RCVBUF 4096 and SO_SNDBUF 8192:
 * the LAN9118's RX FIFO holds about 10 KiB, so the receive window stays
 * under it. */
#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF 8192

#endif
