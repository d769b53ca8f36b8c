/* bench/lwip_lean/lean_tcp.h: one lean lwIP host with an Ethernet netif on
 * an in-memory link, driven through lwIP's raw TCP API (lean_tcp.c). The
 * benchmark links two copies of the host, each a separate lwIP whose every
 * other symbol is local to its object: the entry points are renamed
 * lean_a_* and lean_b_* by bench/lwip_lean.cmake (LEAN_TCP(name) here). */
#ifndef KBENCH_LWIP_LEAN_TCP_H
#define KBENCH_LWIP_LEAN_TCP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A frame to put on the link: 0 when taken, nonzero when the link's
 * transmit ring is full (the frame is not sent). */
typedef int (*lean_tcp_tx_fn)(void* user, const void* frame, size_t len);

/* What one connection holds, in bytes (lean_tcp_sizes). */
struct lean_tcp_sizes {
    size_t tcp_pcb, netconn, socket; /* the pcb, and what the sockets API adds */
    size_t rx_pbuf;                  /* a PBUF_POOL element: one received segment */
    size_t tx_seg, tx_pbuf;          /* a tcp_seg and the PBUF_RAM of one sent segment */
    size_t mss, wnd, snd_buf;
};

#define LEAN_TCP_DECLARE(side)                                                                     \
    void lean_##side##_tcp_init(const uint8_t mac[6], uint32_t addr, uint32_t mask,                \
                                lean_tcp_tx_fn tx, void* user);                                    \
    void lean_##side##_tcp_input(const void* frame, size_t len);                                   \
    void lean_##side##_tcp_timer(void);                                                            \
    int lean_##side##_tcp_listen(uint16_t port);                                                   \
    int lean_##side##_tcp_connect(uint32_t addr, uint16_t port);                                   \
    int lean_##side##_tcp_established(void);                                                       \
    void lean_##side##_tcp_nodelay(void);                                                          \
    long lean_##side##_tcp_send(const void* p, size_t n);                                          \
    long lean_##side##_tcp_recv(void* p, size_t n);                                                \
    void lean_##side##_tcp_get_sizes(struct lean_tcp_sizes* s);

LEAN_TCP_DECLARE(a)
LEAN_TCP_DECLARE(b)

#ifdef __cplusplus
}
#endif

#endif
