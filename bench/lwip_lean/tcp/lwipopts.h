/* bench/lwip_lean/tcp/lwipopts.h: the lean lwIP of ../lwipopts.h with what
 * a firmware on an Ethernet NIC adds for bulk TCP: Ethernet and ARP (ksock's
 * device sends Ethernet frames and resolves with ARP too), an MSS of 1448
 * bytes (the payload ksock's segments carry on a 1500-byte MTU, its
 * timestamp option taking 12 of Linux's 1460; lwIP sends no timestamps, so
 * both send the same number of frames), and a window and send buffer of
 * 44 segments (63 712 bytes: the largest multiple of the MSS that needs no
 * window scaling, which lwIP 2.1 leaves off by default). The heap and the
 * pools are sized so that a full window in each direction fits.
 * Used by bench/tcp_bench.cpp (the raw TCP API over an in-memory link). */
#ifndef KBENCH_LWIP_LEAN_TCP_LWIPOPTS_H
#define KBENCH_LWIP_LEAN_TCP_LWIPOPTS_H

#include "../lwipopts.h"

#undef LWIP_ARP
#define LWIP_ARP 1
#undef LWIP_ETHERNET
#define LWIP_ETHERNET 1
#define TCP_MSS 1448
#define TCP_WND (44 * TCP_MSS)
#define TCP_SND_BUF (44 * TCP_MSS)
#define TCP_SND_QUEUELEN 96
#undef MEMP_NUM_TCP_SEG
#define MEMP_NUM_TCP_SEG 128
#undef MEM_SIZE
#define MEM_SIZE (256 * 1024)
#undef PBUF_POOL_SIZE
#define PBUF_POOL_SIZE 96
/* Four connections are all the benchmark opens; 1024 of each (the socket
 * benchmarks' figure) would only make the object bigger. */
#undef MEMP_NUM_NETCONN
#define MEMP_NUM_NETCONN 8
#undef MEMP_NUM_TCP_PCB
#define MEMP_NUM_TCP_PCB 8
#undef MEMP_NUM_UDP_PCB
#define MEMP_NUM_UDP_PCB 8

#endif
